"""manifest.json's one shape of a failure, read back whatever an older build wrote."""

from pathlib import Path

import pytest

from reportlib.exceptions import ExecutionError, RenderError
from reportlib.manifest import HEADINGS, STAGES, Failure


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
