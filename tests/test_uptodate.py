"""Incremental builds: what is up to date keeps its bytes; anything doubtful is rebuilt."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from reportlib import uptodate
from reportlib.build import build
from reportlib.paths import Project
from reportlib.progress import Progress

from packed import COMPLETE_PARAMS, make_agenda_project

#: The complete agenda meeting, with a report that reads a words file of its own.
PARAMS = COMPLETE_PARAMS.replace(
    "agenda:\n", "  reads_words:\n    title: Words\nagenda:\n"
).replace(
    "  - title: Any Other Business\n", "  - report: reads_words\n  - title: Any Other Business\n"
)
WORDS = "intro: The first sentence.\n"


def quiet(project: Project, **kwargs) -> tuple[set[str], str]:
    """Build; return the reports built (not up to date) and the log."""
    stream = io.StringIO()
    result = build(
        project, "2020-12", progress=Progress(stream, tty=False), engine="typst", **kwargs
    )
    assert not result.failed, [str(j.error) for j in result.failed]
    return {j.name for j in result.jobs if j.why}, stream.getvalue()


def files(out: Path) -> dict[str, str]:
    """Every file of the meeting's outputs and its hash (the lock file left out)."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Project:
    project = make_agenda_project(tmp_path_factory.mktemp("uptodate") / "project")
    project.params_file("2020-12").write_text(PARAMS, encoding="utf-8")
    (project.data_dir("2020-12") / "words.yaml").write_text(WORDS, encoding="utf-8")
    built, _ = quiet(project)
    assert built == {"greets", "reads_data", "renders_paper", "reads_words"}
    return project


@pytest.fixture
def project(first, tmp_path) -> Project:
    """A copy of the built meeting, outputs included, to change freely."""
    root = tmp_path / "project"
    shutil.copytree(first.root, root, ignore=shutil.ignore_patterns(".lock"))
    return Project(root)


def test_a_second_build_is_up_to_date_and_changes_no_byte(project):
    out = project.output_dir("2020-12")
    before = files(out)
    built, log = quiet(project)
    assert built == set()
    assert log.count(": up to date") == 4
    assert files(out) == before


def test_one_changed_words_file_rebuilds_its_paper_the_pack_and_the_review_page(project):
    out = project.output_dir("2020-12")
    before = files(out)
    words = project.data_dir("2020-12") / "words.yaml"
    words.write_text(WORDS.replace("first", "one and only"), encoding="utf-8")
    built, log = quiet(project)
    assert built == {"reads_words"}
    assert "reads_words: building (data/2020-12/words.yaml changed)" in log
    after = files(out)
    changed = {n for n in after if before.get(n) != after[n]}
    # that paper, the pack and its record, the review page and the build's own records
    assert {"reads_words.ipynb", "pack.json", "index.html", "manifest.json"} <= changed
    others = ("greets.", "reads_data.", "renders_paper.", "confidential/")
    assert not [n for n in changed if n.startswith(others)], changed
    assert "pack: assemble done" in log and "review page: outputs" in log


def test_another_reports_parameters_rebuild_that_report_only(project):
    params = project.params_file("2020-12")
    params.write_text(params.read_text().replace("title: Words", "title: More words"))
    built, _ = quiet(project)
    assert built == {"reads_words"}


def test_force_rebuilds_everything(project):
    built, log = quiet(project, force=True)
    assert built == {"greets", "reads_data", "renders_paper", "reads_words"}
    assert "pack: assemble done" in log and "review page: outputs" in log


def test_a_failed_report_is_never_up_to_date(project):
    params = project.params_file("2020-12")
    params.write_text(
        params.read_text()
        .replace("  reads_words:\n", "  raises_error:\n    title: Broken\n  reads_words:\n")
        .replace("  - report: reads_words\n", "  - report: reads_words\n  - report: raises_error\n")
    )
    reasons = []
    for _ in range(2):
        stream = io.StringIO()
        result = build(project, "2020-12", progress=Progress(stream, tty=False), engine="typst")
        assert [j.name for j in result.failed] == ["raises_error"]
        assert {j.name: j.why for j in result.jobs if j.why}.keys() == {"raises_error"}
        reasons.append(result.failed[0].why)
    assert reasons == ["no earlier build of it is recorded", "its last build failed"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda m: {**m, "schema_version": 1}, id="older-reportlib"),
        pytest.param(lambda m: "{not json", id="corrupt"),
        pytest.param(lambda m: None, id="deleted"),
    ],
)
def test_a_manifest_from_an_older_reportlib_or_corrupt_rebuilds_everything(project, damage):
    path = project.output_dir("2020-12") / "manifest.json"
    found = damage(json.loads(path.read_text()))
    if found is None:
        path.unlink()
    else:
        path.write_text(found if isinstance(found, str) else json.dumps(found))
    built, _ = quiet(project)
    assert built == {"greets", "reads_data", "renders_paper", "reads_words"}


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda e: e.update(status="failed"), "edited or damaged"),
        (lambda e: e["inputs"].update({"data/2020-12/sales.csv": "0" * 64}), "edited or damaged"),
        (lambda e: e.pop("seal"), "edited or damaged"),
        (lambda e: e.update(outputs="not a mapping"), "edited or damaged"),
        (lambda e: e.update(status=7), "no earlier build"),
    ],
    ids=["status", "input-hash", "no-seal", "wrong-type", "not-an-entry"],
)
def test_a_hand_edited_entry_rebuilds_its_report(project, edit, why):
    path = project.output_dir("2020-12") / "manifest.json"
    found = json.loads(path.read_text())
    edit(found["reports"]["reads_data"])
    path.write_text(json.dumps(found))
    built, log = quiet(project)
    assert built == {"reads_data"}
    assert "reads_data: building (" in log and why in log


def test_an_output_deleted_or_edited_by_hand_is_rebuilt(project):
    out = project.output_dir("2020-12")
    (out / "greets.pdf").unlink()
    (out / "reads_data.html").write_text("edited", encoding="utf-8")
    built, log = quiet(project)
    assert built == {"greets", "reads_data"}
    assert "greets.pdf was deleted since it was built" in log
    assert "reads_data.html was changed since it was built" in log
    assert (out / "greets.pdf").is_file()


def test_a_deleted_pack_or_review_page_is_made_again(project):
    out = project.output_dir("2020-12")
    (out / "pack.pdf").unlink()
    (out / "index.html").unlink()
    built, log = quiet(project)
    assert built == set()
    assert "pack: assemble done" in log and (out / "pack.pdf").is_file()
    assert (out / "index.html").is_file()


def test_only_html_then_both_formats_builds_the_pdf(project):
    out = project.output_dir("2020-12")
    (out / "greets.pdf").unlink()
    nb = project.notebooks / "greets.ipynb"
    nb.write_text(nb.read_text().replace("Hello", "Hi"))
    built, _ = quiet(project, reports=["greets"], formats=["html"])
    assert built == {"greets"}
    built, log = quiet(project, reports=["greets"])
    assert built == {"greets"}, log
    assert "greets.pdf was not made by its last build" in log


def test_an_input_changed_during_the_build_is_rebuilt_next_time(project, monkeypatch):
    """The hash kept is of what the notebook read, not of the file after the build."""
    from reportlib import execute

    words = project.data_dir("2020-12") / "words.yaml"
    notebook = project.notebooks / "greets.ipynb"
    real = execute.execute_report

    def edit_while_running(report, *args, **kwargs):
        done = real(report, *args, **kwargs)
        if report == "reads_words":  # after it read its words
            words.write_text(WORDS + "later: Saved during the build.\n", encoding="utf-8")
        if report == "greets":  # after it ran the notebook
            notebook.write_text(notebook.read_text().replace("Hello", "Hiya"))
        return done

    words.write_text(WORDS.replace("first", "new"), encoding="utf-8")
    nb = notebook.read_text()
    notebook.write_text(nb.replace("Hello", "Hello there"))
    monkeypatch.setattr(execute, "execute_report", edit_while_running)
    built, _ = quiet(project)
    assert built == {"reads_words", "greets"}
    monkeypatch.undo()
    built, log = quiet(project)
    assert built == {"reads_words", "greets"}, log
    assert "data/2020-12/words.yaml changed" in log and "its notebook changed" in log


def test_the_key_changes_with_the_code_and_the_engine(project):
    from reportlib.params import load_meeting

    config = load_meeting(project, "2020-12")
    typst = uptodate.report_key(config, "greets", "typst")
    assert uptodate.report_key(config, "greets", "quarto")["engine"] != typst["engine"]
    assert typst["reportlib"] == uptodate.code_digest()
    assert set(uptodate.report_key(config, "greets", "typst", [])) == {*typst, "stale"}


def test_other_notebooks_are_not_in_a_reports_key_but_files_beside_them_are(project):
    from reportlib.params import load_meeting

    config = load_meeting(project, "2020-12")
    before = uptodate.report_key(config, "greets", "typst")
    other = project.notebooks / "reads_data.ipynb"
    other.write_text(other.read_text() + "\n")
    assert uptodate.report_key(config, "greets", "typst") == before
    (project.notebooks / "helpers.py").write_text("X = 1\n")
    assert uptodate.report_key(config, "greets", "typst")["notebooks"] != before["notebooks"]


def test_the_pack_is_made_again_when_a_supplied_document_changes(project):
    boards = project.data_dir("2020-12") / "supplied" / "boards.md"
    boards.write_text(boards.read_text().replace("The first", "The very first"))
    built, log = quiet(project)
    assert built == set()
    assert "pack: assemble done" in log
