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
import hashlib
import json
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from reportlib.exceptions import ExecutionError
from reportlib.files import atomic_write

SCHEMA_VERSION = 2  # 2: typed entries with the key an incremental build compares
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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    return sha256(path.read_bytes())


@dataclass
class ReportEntry:
    """One report's record: what it was built from, what came out, and how it went.

    ``key`` holds what the build compares besides the files read (see
    :mod:`reportlib.uptodate`); ``seal`` is a hash of the fields that decision relies
    on, so that an entry edited by hand is never taken as up to date.
    """

    status: str  # ok or failed
    title: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    # The meeting's and this report's part of the params file: editing another report's
    # parameters does not rebuild this one.
    config_sha256: str = ""
    key: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # project path -> sha256 as read
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> sha256 as written
    engines: dict[str, dict[str, str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    built: str = ""  # when it was built (UTC, ISO 8601)
    warnings: list[str] = field(default_factory=list)
    # Stable ids, one per warning, by which a reviewer accepts one (reportlib.accept).
    warning_ids: list[str] = field(default_factory=list)
    error: Failure | None = None
    seal: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.error is None

    def _sealed_fields(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "config_sha256": self.config_sha256,
            "key": self.key,
            "inputs": self.inputs,
            "outputs": self.outputs,
        }

    def sealed(self) -> ReportEntry:
        return dataclasses.replace(self, seal=canonical_hash(self._sealed_fields()))

    @property
    def intact(self) -> bool:
        """Whether the entry is as the build wrote it (not edited or damaged since)."""
        return bool(self.seal) and self.seal == canonical_hash(self._sealed_fields())

    def to_json(self) -> dict[str, Any]:
        found = dataclasses.asdict(self)
        found["error"] = self.error.to_json() if self.error else None
        if found["error"] is None:
            del found["error"]
        return found

    @classmethod
    def from_json(cls, data: Any) -> ReportEntry | None:
        """A stored entry, or None if it is not one (damaged, or from an older reportlib)."""
        if not isinstance(data, dict) or not isinstance(data.get("status"), str):
            return None
        try:
            return cls(
                status=data["status"],
                title=str(data.get("title") or ""),
                parameters=_mapping(data.get("parameters")),
                config_sha256=str(data.get("config_sha256") or ""),
                key=_strings(data.get("key")),
                inputs=_strings(data.get("inputs")),
                outputs=_strings(data.get("outputs")),
                engines={k: _strings(v) for k, v in _mapping(data.get("engines")).items()},
                seconds={str(k): float(v) for k, v in _mapping(data.get("seconds")).items()},
                built=str(data.get("built") or ""),
                warnings=[str(w) for w in data.get("warnings") or []],
                warning_ids=[str(w) for w in data.get("warning_ids") or []],
                error=Failure.from_json(data["error"]) if data.get("error") else None,
                seal=str(data.get("seal") or ""),
            )
        except (TypeError, ValueError):
            return None


@dataclass
class PackRecord:
    """The pack's record: the key of what it was made from, its files, or its failure."""

    key: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    error: Failure | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"key": self.key, "outputs": self.outputs}
        if self.error is not None:
            found["error"] = self.error.to_json()
        return found

    @classmethod
    def from_json(cls, data: Any) -> PackRecord | None:
        if not isinstance(data, dict):
            return None
        return cls(
            str(data.get("key") or ""),
            _strings(data.get("outputs")),
            Failure.from_json(data["error"]) if data.get("error") else None,
        )


@dataclass
class Manifest:
    """``manifest.json`` as build, pack and review read it; empty when there is none."""

    meeting: str = ""
    finished: str | None = None
    git: dict[str, Any] = field(default_factory=dict)
    tools: dict[str, str] = field(default_factory=dict)
    lock: dict[str, Any] = field(default_factory=dict)
    #: Digest of everything the pre-build checks read, when they last passed.
    checked: str = ""
    reports: dict[str, ReportEntry] = field(default_factory=dict)
    pack: PackRecord | None = None
    interrupted: Failure | None = None
    #: The meeting's own warnings (facts two papers state differently), as
    #: ``{"id", "message"}``, and hashes of its own inputs (``same_facts.yaml``,
    #: ``accept.yaml``): see :func:`record_meeting`.
    meeting_warnings: list[dict[str, str]] = field(default_factory=list)
    meeting_inputs: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "meeting": self.meeting,
            "finished": self.finished,
            "git": self.git,
            "tools": self.tools,
            "lock": self.lock,
            "checked": self.checked,
            "reports": {k: v.to_json() for k, v in sorted(self.reports.items())},
            "meeting_warnings": self.meeting_warnings,
            "meeting_inputs": self.meeting_inputs,
        }
        if self.pack is not None:
            found["pack"] = self.pack.to_json()
        if self.interrupted is not None:
            found["interrupted"] = self.interrupted.to_json()
        return found

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        """The manifest ``data`` holds; an empty one if it is from another schema version
        (an older reportlib) or not a manifest. A damaged report entry is left out."""
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            return cls()
        reports = {
            str(name): entry
            for name, raw in _mapping(data.get("reports")).items()
            if (entry := ReportEntry.from_json(raw)) is not None
        }
        finished = data.get("finished")
        return cls(
            meeting=str(data.get("meeting") or ""),
            finished=finished if isinstance(finished, str) else None,
            git=_mapping(data.get("git")),
            tools=_strings(data.get("tools")),
            lock=_mapping(data.get("lock")),
            checked=str(data.get("checked") or ""),
            reports=reports,
            pack=PackRecord.from_json(data.get("pack")),
            interrupted=Failure.from_json(data["interrupted"]) if data.get("interrupted") else None,
            meeting_warnings=[
                {"id": str(w["id"]), "message": str(w["message"])}
                for w in data.get("meeting_warnings") or []
                if isinstance(w, dict) and "id" in w and "message" in w
            ],
            meeting_inputs=_strings(data.get("meeting_inputs")),
        )


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _strings(value: Any) -> dict[str, str]:
    return {k: str(v) for k, v in _mapping(value).items()}


def read(path: Path) -> Manifest:
    """The manifest at ``path``; an empty one if there is none or it is unreadable."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    return Manifest.from_json(found)


def _save(path: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.to_json(), indent=2, sort_keys=False, default=str) + "\n"
    atomic_write(path, text)


def write(
    path: Path,
    meeting: str,
    root: Path,
    reports: dict[str, ReportEntry],
    interrupted: Failure | None = None,
    checked: str = "",
) -> Manifest:
    """Merge ``reports`` into the existing manifest (reports not built keep their entries).

    ``interrupted`` is stored when the build was cut off: the reports it names kept
    their last good outputs and entries. When no report was built, the build's time,
    commit and tools stay those of the build that made the outputs.
    """
    previous = read(path)
    manifest = dataclasses.replace(
        previous,
        meeting=meeting,
        checked=checked,
        reports={**previous.reports, **{k: v.sealed() for k, v in reports.items()}},
        interrupted=interrupted,
    )
    # The commit is always this build's: a sign-off names the commit its inputs are in,
    # and a build after a commit that changed none of them rebuilds nothing.
    manifest.git = git_state(root)
    if reports or not previous.finished:
        manifest.finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest.tools = tool_versions()
        manifest.lock = lock_state(root)
    _save(path, manifest)
    return manifest


def record_pack(path: Path, record: PackRecord) -> None:
    """Store the pack's record (its key and files, or its failure), keeping the time of writing.

    The pack records the manifest's ``finished`` time to tell when it is stale, so
    this does not change it.
    """
    found = read(path)
    if not found.meeting:
        return
    found.pack = record
    _save(path, found)


def record_meeting(path: Path, warnings: list[dict[str, str]], inputs: dict[str, str]) -> None:
    """Store the meeting's own warnings (facts two papers state differently, see
    :mod:`reportlib.samefacts`) and the hashes of the meeting's own inputs (its
    ``same_facts.yaml`` and ``accept.yaml``), keeping the manifest's time of writing."""
    found = read(path)
    if not found.meeting:
        return
    found.meeting_warnings = warnings
    found.meeting_inputs = inputs
    _save(path, found)
