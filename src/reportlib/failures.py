"""What went wrong, in one shape: :class:`Failure`, of a report, the pack or the build.

A failure is made where it arises (from the error raised, see :meth:`Failure.of`),
stored as such in ``manifest.json`` and rendered from that by the terminal and the
review page alike, whatever its kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

#: What a failure can be, in the order a build meets them.
STAGES = ("params", "data", "execute", "kernel", "html", "pdf", "pack", "interrupt")
#: What the review page says of each kind of failure.
HEADINGS = {
    "params": "The parameters or words it was given are not valid",
    "data": "Its data could not be loaded",
    "execute": "The notebook failed",
    "kernel": "The notebook's kernel stopped",
    "html": "The HTML could not be rendered",
    "pdf": "The PDF could not be rendered",
    "pack": "The pack could not be made",
    "interrupt": "The build was interrupted",
    "unknown": "The build failed",
}
# Errors a notebook raises through reportlib that say where the problem is.
_ENAME_STAGES = {"ParamsError": "params", "DataError": "data", "DeadKernelError": "kernel"}


@dataclass(frozen=True)
class Failure:
    """What went wrong, as ``manifest.json`` stores it and the review page shows it.

    ``message`` is complete on its own (what, where, what to do); the other fields say
    where a notebook failed, when it did.
    """

    stage: str
    message: str
    notebook: str | None = None
    cell: int | None = None
    first_line: str = ""
    ename: str = ""
    evalue: str = ""

    def __str__(self) -> str:
        return self.message

    @property
    def heading(self) -> str:
        return HEADINGS.get(self.stage, HEADINGS["unknown"])

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def of(cls, error: BaseException, stage: str) -> Failure:
        """The failure ``error`` stands for, met in ``stage``: the one it carries, made
        where it arose (an :class:`~reportlib.exceptions.ExecutionError`'s), if any."""
        carried = getattr(error, "failure", None)
        if isinstance(carried, Failure):
            return carried
        return cls(stage, str(error) or type(error).__name__)

    @classmethod
    def of_cell(
        cls,
        message: str,
        notebook: str,
        cell: int | None,
        first_line: str,
        ename: str,
        evalue: str,
    ) -> Failure:
        """A notebook's failure: its stage from the error it raised (a kernel that died,
        a params or data error raised through reportlib), else ``execute``."""
        stage = _ENAME_STAGES.get(ename, "execute")
        return cls(stage, message, notebook, cell, first_line, ename, evalue)

    @classmethod
    def from_json(cls, data: Any) -> Failure:
        """A stored failure; an older or damaged entry still gives a complete one."""
        if not isinstance(data, dict):
            data = {"message": str(data)} if data else {}
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        cell = values.get("cell")
        values["cell"] = cell if isinstance(cell, int) and not isinstance(cell, bool) else None
        values["stage"] = str(values.get("stage") or "unknown")
        values["message"] = str(values.get("message") or "no detail of the failure was recorded")
        for name in ("first_line", "ename", "evalue"):
            values[name] = str(values.get(name) or "")
        if values.get("notebook") is not None:
            values["notebook"] = str(values["notebook"])
        return cls(**values)
