"""Every error reportlib raises on purpose derives from :class:`ReportlibError`.

A message says what is wrong, where (file, key, line, row, cell) and what to do,
because the message is what the analyst sees: the CLI prints it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlib.failures import Failure


class ReportlibError(Exception):
    """Root of reportlib's errors; ``str(error)`` is a complete message for the user."""


class MeetingIdError(ReportlibError):
    """A meeting id that is malformed or would address a path outside the project."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is and what to do about it."""

    file: Path | str
    message: str
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line else "")
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class ProblemsError(ReportlibError):
    """One or more :class:`Problem` found before anything ran."""

    heading = "problems found"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} {self.heading}:"] if len(self.problems) > 1 else []
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


class ParamsError(ProblemsError):
    """The meeting's parameters file is missing, malformed or does not fit the notebooks."""

    heading = "problems in the meeting's parameters"


class DataError(ProblemsError):
    """A data file is missing or breaks its schema."""

    heading = "problems in the meeting's data"


class ExecutionError(ReportlibError):
    """A report's notebook failed while running (a cell raised, timed out, or the kernel died).

    ``failure`` is what the build stores and shows of it (:class:`Failure`).
    """

    def __init__(
        self,
        *,
        report: str,
        notebook: Path,
        cell: int | None,
        first_line: str,
        ename: str,
        evalue: str,
        kept: Path | None = None,
    ):
        self.report, self.notebook, self.cell = report, notebook, cell
        self.first_line, self.ename, self.evalue, self.kept = first_line, ename, evalue, kept
        where = f"{notebook}, cell {cell}" if cell is not None else str(notebook)
        text = f"{report}: {where}"
        if first_line:
            text += f" ({first_line.strip()!r})"
        text += f": {ename}: {evalue}" if evalue else f": {ename}"
        super().__init__(text)
        self.failure = Failure.of_cell(text, str(notebook), cell, first_line, ename, evalue)


class OutsideFolderError(ReportlibError):
    """A file the build would read resolves (through a link) outside its own folder."""

    def __init__(self, shown: str, message: str):
        self.shown, self.reason = shown, message
        super().__init__(f"{shown}: {message}")


class RenderError(ReportlibError):
    """An executed notebook could not be turned into HTML or PDF."""


class PackError(ReportlibError):
    """The agenda pack could not be assembled."""


class BuildLockedError(ReportlibError):
    """Another build of the same meeting holds the lock."""
