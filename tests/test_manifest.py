"""manifest.json: one shape of a failure, read back whatever an older build wrote; the
engine that made each output, and the lock the environment was installed from."""

from pathlib import Path

import pytest

from reportlib import lock, manifest
from reportlib.exceptions import ExecutionError, RenderError
from reportlib.manifest import HEADINGS, STAGES, Failure

from helpers import REPO


def execution_error(ename: str) -> ExecutionError:
    return ExecutionError(
        report="r",
        notebook=Path("notebooks/r.ipynb"),
        cell=4,
        first_line="x = load()",
        ename=ename,
        evalue="bad",
    )


@pytest.mark.parametrize(
    ("ename", "stage"),
    [
        ("ZeroDivisionError", "execute"),
        ("DataError", "data"),
        ("ParamsError", "params"),
        ("DeadKernelError", "kernel"),
    ],
)
def test_a_notebook_failure_keeps_where_it_failed(ename, stage):
    failure = Failure.of(execution_error(ename), "execute")
    assert (failure.stage, failure.cell, failure.notebook) == (stage, 4, "notebooks/r.ipynb")
    assert Failure.from_json(failure.to_json()) == failure


def test_any_other_error_is_a_message_of_its_stage():
    failure = Failure.of(RenderError("HTML: no such image"), "html")
    assert failure == Failure("html", "HTML: no such image")
    assert failure.heading == "The HTML could not be rendered"


@pytest.mark.parametrize(
    "stored",
    [{"message": "old shape"}, None, "a string", {"cell": "3", "stage": 7}, {}],
    ids=["message-only", "none", "string", "wrong-types", "empty"],
)
def test_an_older_or_damaged_entry_still_gives_a_whole_failure(stored):
    failure = Failure.from_json(stored)
    assert failure.message and failure.heading
    assert failure.cell is None or isinstance(failure.cell, int)


def test_every_stage_has_a_heading():
    assert set(STAGES) <= set(HEADINGS)


def test_engines_name_the_route_and_versions_of_each_output():
    found = manifest.engines(["a.ipynb", "a.html", "a.pdf"], "typst")
    assert set(found) == {"a.html", "a.pdf"}
    assert found["a.html"]["engine"] == "nbconvert"
    pdf = found["a.pdf"]
    assert pdf["engine"] == "typst"
    assert pdf["typst"][0].isdigit() and pdf["pandoc"][0].isdigit(), pdf
    assert manifest.engines(["a.pdf"], "quarto")["a.pdf"]["engine"] == "quarto"


def test_lock_state_is_the_hash_of_the_lock_files(tmp_path):
    state = manifest.lock_state(REPO)
    assert state == {"files": list(lock.LOCKS), "sha256": lock.file_digest(REPO)}
    # a project without a lock of its own records the lock reportlib was installed from
    assert manifest.lock_state(tmp_path) == state


def test_lock_digest_changes_with_any_lock_file(tmp_path):
    (tmp_path / "requirements").mkdir()
    for name in lock.LOCKS:
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    before = lock.file_digest(tmp_path)
    path = tmp_path / "requirements" / "dev.txt"
    path.write_text(path.read_text() + "\n")
    assert lock.file_digest(tmp_path) != before


def test_a_report_entry_round_trips_and_its_seal_tells_an_edit():
    entry = manifest.ReportEntry(
        "ok", "T", {"meeting": "2020-12"}, "c", {"notebook": "n"}, {"a.csv": "1"}, {"r.html": "2"}
    ).sealed()
    again = manifest.ReportEntry.from_json(entry.to_json())
    assert again == entry and again.intact
    stored = entry.to_json()
    stored["outputs"]["r.html"] = "3"
    assert not manifest.ReportEntry.from_json(stored).intact


@pytest.mark.parametrize(
    "stored", [None, [], {"status": 3}, {"status": "ok", "seconds": {"execute": "slow"}}]
)
def test_what_is_not_a_report_entry_is_none(stored):
    assert manifest.ReportEntry.from_json(stored) is None


def test_a_manifest_of_another_schema_version_reads_as_empty(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text('{"schema_version": 1, "reports": {"a": {"status": "ok"}}}')
    assert manifest.read(path) == manifest.Manifest()
    path.write_text("[1, 2")
    assert manifest.read(path) == manifest.Manifest()


def test_the_meeting_files_the_record_hashes_are_those_samefacts_and_accept_read():
    from reportlib import accept, samefacts
    from reportlib.paths import MEETING_FILES

    assert set(MEETING_FILES) == {samefacts.FILE, accept.FILE}


def test_a_record_is_saved_and_loaded_with_its_pack_information(tmp_path):
    record = manifest.Manifest(meeting="2020-12").updated(
        "2020-12", {}, git={"commit": "abc", "dirty": False}, root=tmp_path, checked="c"
    )
    record.pack_info = manifest.PackInfo.from_json({"draft": False, "warnings": ["w"]})
    record.save(tmp_path)
    (tmp_path / "pack.json").write_text('{"draft": true}', encoding="utf-8")
    found = manifest.load(tmp_path)
    assert found == record  # the pack's information is not part of manifest.json
    assert found.git["commit"] == "abc" and found.finished and found.pack_info.draft is True
    assert found.pack_info.made and not manifest.load(tmp_path / "none").pack_info.made
