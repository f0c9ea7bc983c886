"""Running one report notebook under Papermill.

The build calls :func:`execute_report` from worker threads, one kernel per report.
Before running, the notebook gets internal cells: one first that sets up the kernel
(:mod:`reportlib.kernel`), one before each Markdown cell with inline values
(:mod:`reportlib.inline`), and one last that reports what the notebook read and
warned (:mod:`reportlib.record`). A cell with ``eval: false`` is not run (its code is
set aside and put back afterwards); one with ``error: true`` may fail without failing
the report. After running, inline values are put into their Markdown cells and the
internal cells are removed, so the kept notebook is the analyst's own plus papermill's
injected parameters.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from papermill.exceptions import PapermillExecutionError
from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

from reportlib import cellopts, inline, maths, record
from reportlib.exceptions import ExecutionError

ALLOWS_ERROR = "raises-exception"  # nbclient's tag: the cell may fail and the run go on
KERNEL = "python3"  # jupyter_client runs it with this process's interpreter: the project's venv
INTERNAL_TAG = "reportlib-internal"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

_SETUP_CELL = "import reportlib.kernel\nreportlib.kernel.setup()"
_RECORD_CELL = f"""\
import IPython.display as _rl_display
import reportlib.record as _rl_record
_rl_display.display({{{record.MIME!r}: _rl_record.snapshot()}}, raw=True)
del _rl_display, _rl_record"""


@dataclass
class Executed:
    """An executed notebook (internal cells removed), what it read and what it warned."""

    notebook: NotebookNode
    reads: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    front: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: ExecutionError | None = None
    #: The key of each warning the notebook raised with one (message -> key).
    warning_keys: dict[str, str] = field(default_factory=dict)


def internal_cell(source: str, **metadata: Any) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.tags = [INTERNAL_TAG]
    cell.metadata.reportlib = metadata
    return cell


def prepare(nb: NotebookNode) -> NotebookNode:
    """Number the analyst's cells (for error messages) and add the internal cells."""
    cells = [internal_cell(_SETUP_CELL)]
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata.setdefault("reportlib", {})["cell"] = number
        found = inline.expressions(cell.source) if cell.cell_type == "markdown" else []
        if found:
            # Errors in the internal cell are reported as errors of the Markdown cell.
            cells.append(internal_cell(inline.cell_code(number, found), cell=number))
        if cell.cell_type == "code":
            _apply_run_options(cell)
        cells.append(cell)
    cells.append(internal_cell(_RECORD_CELL))
    nb.cells = cells
    return nb


def _apply_run_options(cell: NotebookNode) -> None:
    """``eval: false``: an empty cell, which nbclient skips; ``error: true``: allowed to fail."""
    try:
        options = cellopts.parse(cell.source)
    except cellopts.CellOptionsError:
        return  # the cell runs as written; rendering names the bad options
    if options["eval"] is False:
        cell.metadata.reportlib["unevaluated"] = cell.source
        cell.source = ""
    if options["error"] is True:
        cell.metadata.setdefault("tags", []).append(ALLOWS_ERROR)


def finish(nb: NotebookNode) -> dict:
    """Put inline values into their Markdown cells, drop internal cells, return the record."""
    found: dict = {}
    values: list[str] | None = None
    kept = []
    for cell in nb.cells:
        if INTERNAL_TAG in cell.metadata.get("tags", []):
            outputs = cell.get("outputs", [])
            values = inline.values_from(outputs)
            found = _record_from(outputs) or found
            continue
        if values is not None and cell.cell_type == "markdown":
            exprs = inline.expressions(cell.source)
            cell.metadata.reportlib["source"] = cell.source
            cell.metadata.reportlib["inline"] = [
                {"expr": e, "value": v} for e, v in zip(exprs, values, strict=True)
            ]
            # Maths as pandoc reads it, before the values (escaped text) go in.
            cell.source = inline.substitute(maths.normalise(cell.source), values)
        elif cell.cell_type == "markdown":
            cell.source = maths.normalise(cell.source)
        values = None
        if "unevaluated" in cell.metadata.get("reportlib", {}):
            cell.source = cell.metadata.reportlib.pop("unevaluated")
        kept.append(cell)
    nb.cells = kept
    # Kept with the notebook, so that it can be rendered and reviewed again on its own.
    for key in ("front", "key_figures"):
        if found.get(key):
            nb.metadata.setdefault("reportlib", {})[key] = found[key]
    return found


def execute_report(
    report: str,
    source: Path,
    shown: str,
    parameters: dict[str, Any],
    staged: Path,
    *,
    timeout: int,
) -> Executed:
    """Run ``source`` with ``parameters``; write the executed notebook to ``staged``.

    Never raises for a failure inside the notebook: the result's ``error`` says what
    failed and the staged notebook marks the failing cell.
    """
    nb = prepare(nbformat.read(source, as_version=4))
    started = time.perf_counter()
    error: ExecutionError | None = None
    try:
        papermill.execute_notebook(
            nb,
            str(staged),
            parameters=parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            # The kernel's own log is noise to an analyst: it warns about unencrypted local
            # TCP, and jupyter_client interrupts every kernel before shutting it down, which
            # ipykernel may log as an error. Failures reach the build through papermill.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as failure:
        if not _allowed_errors_only(staged):
            error = _error(report, shown, staged, failure.ename, _ANSI.sub("", failure.evalue))
    except CellTimeoutError:
        error = _error(
            report,
            shown,
            staged,
            "Timeout",
            f"a cell ran longer than {timeout} s "
            f"(the report's 'timeout' in the meeting's params file)",
            mark=True,
        )
    except DeadKernelError as failure:
        error = _error(report, shown, staged, "DeadKernelError", str(failure), mark=True)
    except (ValueError, KeyError, OSError, RuntimeError) as failure:
        # papermill refusing the notebook (no kernel or language in its metadata), or a
        # kernel that cannot start: this report's failure, not the build's.
        if not staged.exists():
            nbformat.write(nb, staged)
        error = _error(report, shown, staged, type(failure).__name__, _refused(failure))
    if error is None:
        error = _swallowed_exit(report, shown, staged)
    seconds = time.perf_counter() - started
    executed = nbformat.read(staged, as_version=4)
    found = finish(executed)
    nbformat.write(executed, staged)  # the kept notebook, failed or not, is the cleaned one
    raised = found.get("warnings", [])
    warnings = raised + _stderr_warnings(executed)
    keys = dict(zip(raised, found.get("warning_ids", []), strict=False))
    return Executed(
        executed, found.get("reads", {}), warnings, found.get("front", {}), seconds, error, keys
    )


def _allowed_errors_only(staged: Path) -> bool:
    """True if every cell that failed has ``error: true``: papermill raises for any error
    output, so its markers are taken out of the staged notebook again."""
    nb = nbformat.read(staged, as_version=4)
    failed = [c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    if not failed or any(ALLOWS_ERROR not in c.metadata.get("tags", []) for c in failed):
        return False
    nb.cells = [c for c in nb.cells if ERROR_MARKER_TAG not in c.metadata.get("tags", [])]
    nbformat.write(nb, staged)
    return True


def _refused(failure: Exception) -> str:
    text = str(failure) or type(failure).__name__
    if "No language found" in text or "kernel" in text.lower():
        text += (
            "; give the notebook a Python kernel (JupyterLab: Kernel > Change Kernel, "
            "then save), so that its metadata names the kernel and language"
        )
    return text


def _swallowed_exit(report: str, shown: str, staged: Path) -> ExecutionError | None:
    """``sys.exit()``, ``sys.exit(0)`` or ``raise SystemExit`` in a cell: a failure.

    IPython stops the cell and papermill carries on without raising, so the paper
    would be cut short and reported as built; the cell's error output gives it away.
    """
    nb = nbformat.read(staged, as_version=4)
    for cell in nb.cells:
        if INTERNAL_TAG in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "SystemExit":
                return _error(
                    report,
                    shown,
                    staged,
                    "SystemExit",
                    f"SystemExit({output.get('evalue') or ''}): the cell called sys.exit() "
                    "and the cells after it never ran; a paper runs every cell, so raise "
                    "an exception to stop with an error",
                    mark=True,
                )
    return None


def _record_from(outputs: list) -> dict:
    for output in outputs:
        if record.MIME in output.get("data", {}):
            found = output.data[record.MIME]
            return json.loads(found) if isinstance(found, str) else dict(found)
    return {}


# Warnings name the kernel's temporary file for the cell's code ($TMPDIR/ipykernel_<pid>/
# <n>.py): the same warning must read the same on every machine.
_KERNEL_FILE = re.compile(r"\S*ipykernel_\d+[/\\]\d+\.py")


def _stderr_warnings(nb: NotebookNode) -> list[str]:
    """Anything a cell wrote to stderr (Python warnings land there) is worth a reviewer's look."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                number = cell.metadata.get("reportlib", {}).get("cell", "?")
                text = _KERNEL_FILE.sub("<cell>", output.text.strip())
                found.append(f"cell {number} wrote to stderr: {text[:500]}")
    return found


def _describe(source: str) -> str:
    """A cell's first line that says what it does: not a ``#|`` option, which says nothing."""
    lines = [ln for ln in source.splitlines() if ln.strip()]
    return next((ln for ln in lines if not ln.lstrip().startswith("#|")), "")


def _failed_cell(nb: NotebookNode) -> int | None:
    """Index of the cell that failed: the one with an error output, else the last one started."""
    started = None
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or ERROR_MARKER_TAG in tags:
            continue
        failed = any(o.output_type == "error" for o in cell.get("outputs", []))
        if failed and ALLOWS_ERROR not in tags:  # an error: true cell's error is no failure
            return index
        if cell.metadata.get("papermill", {}).get("start_time"):
            started = index
    return started


def _error(
    report: str, shown: str, staged: Path, ename: str, evalue: str, *, mark: bool = False
) -> ExecutionError:
    """Describe the failure from the staged notebook; add papermill's markers where it did not."""
    if not staged.exists():
        return ExecutionError(
            report=report,
            notebook=Path(shown),
            cell=None,
            first_line="",
            ename=ename,
            evalue=evalue,
        )
    nb = nbformat.read(staged, as_version=4)
    index = _failed_cell(nb)
    cell = nb.cells[index] if index is not None else None
    if mark and cell is not None:
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        anchor.metadata.tags = [ERROR_MARKER_TAG]
        heading = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % cell.execution_count)
        heading.metadata.tags = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
        nb.cells.insert(0, heading)
        nbformat.write(nb, staged)
    number = cell.metadata.get("reportlib", {}).get("cell") if cell is not None else None
    first = _describe(cell.source if cell else "")
    if cell is not None and number is None:  # papermill's injected-parameters cell
        first = first or "# Parameters"
    return ExecutionError(
        report=report,
        notebook=Path(shown),
        cell=number,
        first_line=first,
        ename=ename,
        evalue=evalue,
    )
