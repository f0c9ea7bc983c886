import io
import json

import pytest

from reportlib.build import build
from reportlib.exceptions import BuildLockedError, DataError, ParamsError
from reportlib.files import build_lock
from reportlib.progress import Progress

from helpers import BASE_PARAMS, write_params

ALL = (
    BASE_PARAMS
    + """\
  greets:
    title: A greeting
  reads_data:
    title: Sales
  raises_error:
    title: Broken
"""
)


def quiet_build(project, **kwargs):
    import io

    return build(project, "2020-12", progress=Progress(io.StringIO(), tty=False), **kwargs)


def test_build_writes_notebooks_manifest_and_log(project):
    result = quiet_build(project)
    assert result.ok
    out = project.output_dir("2020-12")
    assert sorted(p.name for p in out.iterdir()) == [
        ".history",  # what each paper said, for the review page's changes
        ".lock",
        "build.log",
        "greets.html",
        "greets.ipynb",
        "greets.pdf",
        "greets.typ.zip",
        "manifest.json",
        "reads_data.html",
        "reads_data.ipynb",
        "reads_data.pdf",
        "reads_data.typ.zip",
        "renders_paper.html",
        "renders_paper.ipynb",
        "renders_paper.pdf",
        "renders_paper.typ.zip",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["reports"]["reads_data"]
    assert entry["status"] == "ok"
    assert set(entry["inputs"]) == {
        "notebooks/reads_data.ipynb",
        "params/2020-12.yaml",
        "data/2020-12/sales.csv",
        "data/2020-12/sources.yaml",
        "data/schemas/sales.yaml",
    }
    assert entry["parameters"] == {"meeting": "2020-12"}
    assert set(entry["seconds"]) == {"execute", "html", "pdf"}
    assert set(entry["outputs"]) == {
        "reads_data.ipynb",
        "reads_data.html",
        "reads_data.pdf",
        "reads_data.typ.zip",
    }
    assert manifest["tools"]["papermill"]
    assert manifest["lock"]["sha256"] and manifest["lock"]["files"]
    assert entry["engines"]["reads_data.pdf"]["engine"] == "typst"
    assert set(entry["engines"]) == {"reads_data.html", "reads_data.pdf"}
    assert "greets: execute done" in (out / "build.log").read_text()


def test_manifest_hash_changes_with_one_data_file(project):
    quiet_build(project)
    manifest = project.output_dir("2020-12") / "manifest.json"
    before = json.loads(manifest.read_text())["reports"]
    csv = project.data_dir("2020-12") / "sales.csv"
    csv.write_text(csv.read_text() + "East,0,0\n")
    quiet_build(project)
    after = json.loads(manifest.read_text())["reports"]
    changed = {
        k
        for k in before["reads_data"]["inputs"]
        if before["reads_data"]["inputs"][k] != after["reads_data"]["inputs"][k]
    }
    assert changed == {"data/2020-12/sales.csv"}
    assert before["greets"]["inputs"] == after["greets"]["inputs"]
    assert before["greets"]["config_sha256"] == after["greets"]["config_sha256"]


def test_a_failing_report_leaves_the_others_and_its_last_good_output(project):
    quiet_build(project)
    out = project.output_dir("2020-12")
    good = {p.name: p.read_bytes() for p in out.glob("*.ipynb")}
    # Break reads_data through its notebook, then build everything with a third broken report.
    write_params(project, ALL)
    nb = project.notebooks / "reads_data.ipynb"
    nb.write_text(nb.read_text().replace('sales[\\"amount\\"]', 'sales[\\"nope\\"]'))
    result = quiet_build(project)
    assert not result.ok
    assert sorted(j.name for j in result.failed) == ["raises_error", "reads_data"]
    assert (out / "reads_data.ipynb").read_bytes() == good["reads_data.ipynb"]
    assert (out / "reads_data.failed.ipynb").exists()
    assert (out / "raises_error.failed.ipynb").exists()
    assert not (out / "raises_error.ipynb").exists()
    assert (out / "greets.ipynb").exists()
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    assert manifest["greets"]["status"] == "ok"
    assert manifest["raises_error"]["status"] == "failed"
    assert manifest["raises_error"]["error"]["cell"] == 3
    assert not list(out.glob(".*.tmp")) and not (out / ".staging").exists()


def test_success_removes_an_old_failed_notebook(project):
    out = project.output_dir("2020-12")
    out.mkdir(parents=True)
    (out / "greets.failed.ipynb").write_text("{}")
    quiet_build(project, reports=["greets"])
    assert not (out / "greets.failed.ipynb").exists()


def test_building_one_report_keeps_the_others_in_the_manifest(project):
    quiet_build(project)
    quiet_build(project, reports=["greets"])
    manifest = json.loads((project.output_dir("2020-12") / "manifest.json").read_text())
    assert set(manifest["reports"]) == {"greets", "reads_data", "renders_paper"}


def test_unknown_report_is_refused(project):
    with pytest.raises(ParamsError, match="has no report 'nope'"):
        quiet_build(project, reports=["nope"])


def test_bad_data_stops_the_build_before_any_notebook_runs(project):
    (project.data_dir("2020-12") / "sales.csv").write_text("region,amount,share_pct\nN,-1,2\n")
    with pytest.raises(DataError, match="is negative"):
        quiet_build(project)
    assert not (project.output_dir("2020-12") / "greets.ipynb").exists()


def test_a_second_build_of_the_same_meeting_is_refused(project):
    out = project.output_dir("2020-12")
    with (
        build_lock(out, "2020-12"),
        pytest.raises(BuildLockedError, match="another build of meeting 2020-12"),
    ):
        quiet_build(project)


def test_an_interrupt_between_formats_publishes_nothing_of_the_report(project, monkeypatch):
    """Ctrl-C after a report's HTML is staged leaves its last good set, HTML and PDF alike."""
    import signal
    import threading

    from reportlib import render
    from reportlib import runner as building

    quiet_build(project, reports=["greets"])
    out = project.output_dir("2020-12")
    good = {n: (out / n).read_bytes() for n in ("greets.ipynb", "greets.html", "greets.pdf")}
    entry = json.loads((out / "manifest.json").read_text())["reports"]["greets"]
    nb = project.notebooks / "greets.ipynb"
    nb.write_text(nb.read_text().replace("Hello", "Goodbye"))
    handled = threading.Event()
    real_render, real_kill = render.render, building._kill_kernels

    def render_then_interrupt(fmt, *args, **kwargs):
        warnings = real_render(fmt, *args, **kwargs)
        if fmt == "html":  # Ctrl-C arrives once the HTML is staged, before the PDF
            signal.raise_signal(signal.SIGINT)
            assert handled.wait(60)
        return warnings

    def kill_kernels():
        real_kill()
        handled.set()

    monkeypatch.setattr(render, "render", render_then_interrupt)
    monkeypatch.setattr(building, "_kill_kernels", kill_kernels)
    result = quiet_build(project, reports=["greets"])
    assert result.interrupted
    assert {n: (out / n).read_bytes() for n in good} == good
    found = json.loads((out / "manifest.json").read_text())
    assert found["reports"]["greets"] == entry
    assert found["interrupted"]["stage"] == "interrupt"
    assert "before greets finished" in found["interrupted"]["message"]


def test_staging_left_by_a_killed_build_is_removed_by_the_next(project):
    stale = project.output_dir("2020-12") / ".staging" / "build-killed"
    (stale / "greets").mkdir(parents=True)
    quiet_build(project, reports=["greets"], formats=[])
    assert not stale.exists()
    assert "removed build-killed" in (project.output_dir("2020-12") / "build.log").read_text()


def test_library_log_lines_go_to_the_build_log_not_the_terminal(project, capfd):
    import logging

    from reportlib.progress import Progress

    progress = Progress(io.StringIO(), tty=False)
    progress.log_to(project.root / "build.log")
    logging.getLogger("pypdf").warning("a stray pypdf warning")
    logging.getLogger("nbclient").error("a stray nbclient error")
    progress.close_log()
    assert "stray" not in capfd.readouterr().err
    log = (project.root / "build.log").read_text()
    assert "a stray pypdf warning" in log and "a stray nbclient error" in log


def test_an_unforeseen_error_fails_only_its_report_with_the_traceback_in_the_log(
    project, monkeypatch
):
    from reportlib import render

    def broken_prepare(executed):
        raise KeyError("a bug in rendering")

    write_params(project, ALL.replace("  raises_error:\n    title: Broken\n", ""))
    monkeypatch.setattr(render, "prepare", broken_prepare)
    result = quiet_build(project, reports=["greets"])
    assert [j.name for j in result.failed] == ["greets"]
    assert result.failed[0].error.stage == "html"
    log = (project.output_dir("2020-12") / "build.log").read_text()
    assert "KeyError: 'a bug in rendering'" in log and "Traceback" in log
