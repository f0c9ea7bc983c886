"""``reportlib publish``: refuses what was not checked, signs off what was."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from reportlib import accept, publish
from reportlib.build import build
from reportlib.manifest import file_hash
from reportlib.params import load_meeting
from reportlib.paths import Project
from reportlib.progress import Progress

from helpers import commit_all, run_cli
from packed import COMPLETE_PARAMS, CONFIDENTIAL_MARKDOWN, make_agenda_project


def quiet_build(project: Project, **kwargs):
    stream = io.StringIO()
    result = build(
        project, "2020-12", progress=Progress(stream, tty=False), engine="typst", **kwargs
    )
    return result, stream.getvalue()


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Project:
    """A complete meeting (its confidential document present), committed and built."""
    project = make_agenda_project(tmp_path_factory.mktemp("publish") / "project")
    project.params_file("2020-12").write_text(COMPLETE_PARAMS, encoding="utf-8")
    secret = project.data_dir("2020-12") / "confidential"
    secret.mkdir()
    (secret / "minutes.md").write_text(CONFIDENTIAL_MARKDOWN, encoding="utf-8")
    commit_all(project.root)
    result, _ = quiet_build(project)
    assert result.ok and result.verdict.unaccepted
    return project


def copy(project: Project, root) -> Project:
    shutil.copytree(project.root, root, ignore=shutil.ignore_patterns(".lock"))
    return Project(root)


def accept_all(project: Project) -> list[str]:
    """Accept every warning of the last build, commit, and return their ids."""
    config = load_meeting(project, "2020-12")
    verdict = accept.of_build(config, project.output_dir("2020-12"))
    ids = [w.id for w in verdict.warnings]
    lines = ["accept:"]
    for wid in ids:
        lines += [f"  - id: {wid}", "    reason: Checked with the author.", "    by: A Reviewer"]
    accept.path(config).write_text("\n".join(lines) + "\n", encoding="utf-8")
    commit_all(project.root, "accept the warnings")
    return ids


def test_publish_refuses_and_lists_each_unaccepted_warning(committed):
    config = load_meeting(committed, "2020-12")
    unaccepted = accept.of_build(config, committed.output_dir("2020-12")).unaccepted
    done = run_cli(committed, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 1
    assert "meeting 2020-12 cannot be published:" in done.stderr
    for warning in unaccepted:
        assert f"warning not accepted [{warning.id}]" in done.stderr
    assert not (committed.output_dir("2020-12") / "published").exists()


def test_publish_without_a_name_is_refused(committed):
    done = run_cli(committed, "publish", "2020-12")
    assert done.returncode == 1
    assert "say who signs the papers off: --by NAME" in done.stderr


def test_publish_of_a_meeting_never_built_is_refused(project):
    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 1
    assert "meeting 2020-12 has never been built: run make report MEETING=2020-12" in done.stderr


def test_accepted_warnings_are_quiet_then_published_until_an_input_changes(committed, tmp_path):
    project = copy(committed, tmp_path / "project")
    ids = accept_all(project)
    result, log = quiet_build(project)
    assert result.ok and not result.verdict.unaccepted
    assert sorted(result.verdict.accepted) == sorted(ids)
    assert not any(f"[{wid}]" in log for wid in ids)  # accepted: not repeated in the terminal
    out = project.output_dir("2020-12")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<strong>Accepted</strong> by A Reviewer: Checked with the author.") == len(
        ids
    )
    assert "Ready to publish" in page

    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 0, done.stderr
    published = out / "published"
    signoff = json.loads((published / "signoff.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert signoff["commit"] == manifest["git"]["commit"] and signoff["signed_off_by"] == (
        "A Reviewer"
    )
    papers = {
        f"{r}.{k}" for r in ("renders_paper", "greets", "reads_data") for k in ("html", "pdf")
    }
    assert set(signoff["files"]) == papers | {"pack.pdf"}
    assert sorted(p.name for p in published.iterdir()) == sorted(
        [*signoff["files"], "signoff.json"]
    )
    assert all(file_hash(published / n) == h for n, h in signoff["files"].items())
    assert {w["id"] for w in signoff["accepted_warnings"]} == set(ids)
    assert all(w["reason"] and w["by"] and w["message"] for w in signoff["accepted_warnings"])
    assert (out / "confidential" / "pack-confidential.pdf").is_file()  # made, never published
    review = run_cli(project, "review", "2020-12", "--no-serve")
    assert review.returncode == 0, review.stderr
    assert "<strong>Signed off</strong> by A Reviewer" in (out / "index.html").read_text()

    sales = project.data_dir("2020-12") / "sales.csv"
    sales.write_text(sales.read_text(encoding="utf-8").replace("120", "125"), encoding="utf-8")
    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 1
    assert "changed since the build: data/2020-12/sales.csv (changed)" in done.stderr
    assert "uncommitted changes to the meeting's inputs: data/2020-12/sales.csv" in done.stderr
    run_cli(project, "review", "2020-12", "--no-serve")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Inputs changed after this build:" in page
    assert "<code>data/2020-12/sales.csv (changed)</code>" in page
    assert "An earlier build was signed off" not in page  # the outputs are still those signed


def test_a_build_from_another_commit_is_refused(committed, tmp_path):
    project = copy(committed, tmp_path / "project")
    (project.root / "NOTES.md").write_text("Minutes to follow.\n", encoding="utf-8")
    head = commit_all(project.root, "a later commit")
    reasons = publish.refusals(load_meeting(project, "2020-12"), project.output_dir("2020-12"))
    assert any(f"but {head[:12]} is checked out: build again" in r for r in reasons), reasons


def test_a_failed_or_missing_paper_is_refused(committed, tmp_path):
    project = copy(committed, tmp_path / "project")
    out = project.output_dir("2020-12")
    built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del built["reports"]["greets"]
    built["reports"]["reads_data"]["status"] = "failed"
    built["reports"]["reads_data"]["error"] = {"stage": "execute", "message": "cell 2 failed"}
    (out / "manifest.json").write_text(json.dumps(built), encoding="utf-8")
    reasons = publish.refusals(load_meeting(project, "2020-12"), out)
    assert "report greets has not been built" in reasons
    assert "report reads_data failed: cell 2 failed" in reasons


def test_strict_build_fails_on_an_unaccepted_warning(committed, tmp_path):
    project = copy(committed, tmp_path / "project")
    done = run_cli(project, "build", "2020-12", "--strict", "--engine", "typst")
    assert done.returncode == 1
    assert "--strict:" in done.stderr and "not accepted in data/2020-12/accept.yaml" in done.stderr
    accept_all(project)
    done = run_cli(project, "build", "2020-12", "--strict", "--engine", "typst")
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    # Accepting a warning changes no paper: the reports are kept, the verdict is new.
    assert last.startswith(
        "0 built, 3 up to date, 3 warnings (3 accepted) \u2192 review: make review"
    )
