"""The build record: ``outputs/<meeting>/manifest.json``, what was built from what.

Per report it keeps the parameters used, a content hash of every input and output,
timings, warnings and the error if any, so that a later build can tell from the
record alone whether a report's inputs have changed since its last good build; for
the meeting, its own warnings and inputs, and the pack's record.

A build reads the record once (:func:`load`, with the pack's ``pack.json``), makes the
new one in memory (:meth:`Manifest.updated`), hands it to the pack, the review page,
the sign-off verdict and ``publish``, and saves it once (:meth:`Manifest.save`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Besides the record's types, names other modules have long taken from here (they
# are defined in environment, failures and fingerprint).
from reportlib.environment import engines, git_state, lock_state, tool_versions
from reportlib.failures import HEADINGS, STAGES, Failure
from reportlib.files import atomic_write
from reportlib.fingerprint import canonical_hash, file_hash, sha256

__all__ = [
    "FILE",
    "HEADINGS",
    "STAGES",
    "Failure",
    "Manifest",
    "PackInfo",
    "PackRecord",
    "ReportEntry",
    "canonical_hash",
    "engines",
    "file_hash",
    "git_state",
    "load",
    "lock_state",
    "read",
    "sha256",
    "tool_versions",
]

FILE = "manifest.json"
PACK_INFO = "pack.json"  # reportlib.pack.PACK_INFO, without importing the pack
SCHEMA_VERSION = 2  # 2: typed entries with the key an incremental build compares


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


@dataclass(frozen=True)
class PackInfo:
    """What ``pack.json`` says of the pack an assembly made; ``made`` is False when there
    is none (or it cannot be read). The pack writes the file; this is how it is read."""

    made: bool = False
    draft: bool | None = None  # None: not recorded
    pages: int | None = None
    tagged: bool = False
    confidential_pack: str | None = None
    made_after: str | None = None  # the ``finished`` time of the build it was made after
    items: tuple[dict[str, Any], ...] = ()  # each agenda item's pages in the pack
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> PackInfo:
        if not isinstance(data, dict) or not data:
            return cls()
        pages, draft = data.get("pages"), data.get("draft")
        return cls(
            made=True,
            draft=draft if isinstance(draft, bool) else None,
            pages=pages if isinstance(pages, int) and not isinstance(pages, bool) else None,
            tagged=data.get("tagged") is True,
            confidential_pack=str(data["confidential_pack"])
            if data.get("confidential_pack")
            else None,
            made_after=str(data["manifest_finished"]) if data.get("manifest_finished") else None,
            items=tuple(i for i in data.get("items") or [] if isinstance(i, dict)),
            warnings=tuple(str(w) for w in data.get("warnings") or []),
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
    #: ``pack.json`` as the pack wrote it: not stored in the manifest.
    pack_info: PackInfo = field(default_factory=PackInfo, compare=False, repr=False)

    def updated(
        self,
        meeting: str,
        reports: dict[str, ReportEntry],
        *,
        git: dict[str, Any],
        root: Path,
        interrupted: Failure | None = None,
        checked: str = "",
    ) -> Manifest:
        """This record with ``reports`` merged in (reports not built keep their entries).

        ``interrupted`` is stored when the build was cut off: the reports it names kept
        their last good outputs and entries. When no report was built, the build's time,
        tools and lock stay those of the build that made the outputs; the commit is
        always this build's (``git``): a sign-off names the commit its inputs are in.
        """
        found = dataclasses.replace(
            self,
            meeting=meeting,
            checked=checked,
            reports={**self.reports, **{k: v.sealed() for k, v in reports.items()}},
            interrupted=interrupted,
            git=dict(git),
        )
        if reports or not self.finished:
            found.finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            found.tools = tool_versions()
            found.lock = lock_state(root)
        return found

    def save(self, out_dir: Path) -> Path:
        """Write the record as ``out_dir/manifest.json``, whole or not at all."""
        path = out_dir / FILE
        text = json.dumps(self.to_json(), indent=2, sort_keys=False, default=str) + "\n"
        atomic_write(path, text)
        return path

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


def load(out_dir: Path) -> Manifest:
    """The meeting's record as its last build left it: ``manifest.json`` with the
    pack's ``pack.json`` (:attr:`Manifest.pack_info`), each read once."""
    record = read(out_dir / FILE)
    try:
        info = json.loads((out_dir / PACK_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = None
    record.pack_info = PackInfo.from_json(info)
    return record
