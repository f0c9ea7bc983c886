"""``outputs/<meeting>/manifest.json``: what each report was built from and what came out.

Per report it keeps the parameters used, a content hash of every input and output,
timings, warnings and the error if any, so that a later build can tell from the
manifest alone whether a report's inputs have changed since its last good build.

Every failure, of a report, of the pack or of the build as a whole, is stored in one
shape, :class:`Failure`, which the review page renders whatever the kind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from reportlib.data import sha256
from reportlib.exceptions import ExecutionError
from reportlib.files import atomic_write

SCHEMA_VERSION = 1
TOOLS = (
    "reportlib",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter-client",
    "pandas",
    "matplotlib",
    "typst",
    "pypandoc-binary",
    "pypdf",
)


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
        """The failure ``error`` stands for, met in ``stage``."""
        if isinstance(error, ExecutionError):
            return cls(
                _ENAME_STAGES.get(error.ename, stage),
                str(error),
                str(error.notebook),
                error.cell,
                error.first_line,
                error.ename,
                error.evalue,
            )
        return cls(stage, str(error) or type(error).__name__)

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


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def engines(outputs: list[str], pdf_engine: str) -> dict[str, dict[str, str]]:
    """Per output file: the engine that made it and its version (Typst, pandoc, Quarto)."""
    found = {}
    for name in outputs:
        if name.endswith(".html"):
            found[name] = {"engine": "nbconvert", "nbconvert": _version("nbconvert")}
        elif name.endswith(".pdf") and pdf_engine == "quarto":
            found[name] = {"engine": "quarto", "quarto": quarto_version()}
        elif name.endswith(".pdf"):
            found[name] = {
                "engine": "typst",
                "typst": _version("typst"),
                "pandoc": pandoc_version(),
            }
    return found


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def pandoc_version() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_version()
    except OSError:
        return "not installed"


@functools.cache
def quarto_version() -> str:
    from reportlib.render import quarto

    found = quarto.executable()
    if not found:
        return "not installed"
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def lock_state(root: Path) -> dict[str, Any]:
    """The lock the environment was installed from: the project's, else reportlib's own."""
    from reportlib import lock

    for base in (root, Path(__file__).resolve().parents[2]):
        if all((base / name).is_file() for name in lock.LOCKS):
            return {"files": list(lock.LOCKS), "sha256": lock.file_digest(base)}
    return {"files": [], "sha256": None}


def git_state(root: Path) -> dict[str, Any]:
    """The checked-out commit and whether tracked files differ from it (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def canonical_hash(value: Any) -> str:
    """Hash of a JSON-able value that ignores key order and formatting."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return sha256(text.encode("utf-8"))


def file_hash(path: Path) -> str:
    return sha256(path.read_bytes())


def read(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, or an empty one if there is none or it is unreadable."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if found.get("schema_version") == SCHEMA_VERSION else {}


def write(
    path: Path,
    meeting: str,
    root: Path,
    reports: dict[str, dict[str, Any]],
    interrupted: Failure | None = None,
) -> dict:
    """Merge ``reports`` into the existing manifest (reports not built keep their entries).

    ``interrupted`` is stored when the build was cut off: the reports it names kept
    their last good outputs and entries.
    """
    previous = read(path).get("reports", {})
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "meeting": meeting,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git_state(root),
        "tools": tool_versions(),
        "lock": lock_state(root),
        "reports": dict(sorted({**previous, **reports}.items())),
    }
    if interrupted is not None:
        manifest["interrupted"] = interrupted.to_json()
    atomic_write(path, json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
    return manifest


def record_pack(path: Path, failure: Failure | None) -> None:
    """Store (or clear) the pack's failure in the manifest, keeping its time of writing.

    The pack records the manifest's ``finished`` time to tell when it is stale, so
    this does not change it.
    """
    found = read(path)
    if not found:
        return
    found.pop("pack", None)
    if failure is not None:
        found["pack"] = {"error": failure.to_json()}
    atomic_write(path, json.dumps(found, indent=2, sort_keys=False, default=str) + "\n")


def record_meeting(path: Path, warnings: list[dict[str, str]], inputs: dict[str, str]) -> None:
    """Store the meeting's own warnings (facts two papers state differently, see
    :mod:`reportlib.samefacts`) and the hashes of the meeting's own inputs (its
    ``same_facts.yaml`` and ``accept.yaml``), keeping the manifest's time of writing."""
    found = read(path)
    if not found:
        return
    found["meeting_warnings"] = warnings
    found["meeting_inputs"] = inputs
    atomic_write(path, json.dumps(found, indent=2, sort_keys=False, default=str) + "\n")
