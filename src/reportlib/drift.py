"""What changed since a meeting was built: its inputs and outputs against the manifest.

The manifest keeps a hash of every file each report read, of the meeting's own files
(``same_facts.yaml``, ``accept.yaml``) and of every output. A file whose content is
not what the build saw means that the outputs are no longer what was checked: the
review page says so in a banner and ``publish`` refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlib import accept, manifest, samefacts
from reportlib.params import MeetingConfig


def _differs(path: Path, recorded: Any) -> str | None:
    if not path.is_file():
        return "removed"
    return "changed" if manifest.file_hash(path) != recorded else None


def changed_inputs(config: MeetingConfig, built: dict[str, Any]) -> list[str]:
    """Each input that is not as the build read it: ``"<file> (changed)"``, in order."""
    root = config.project.root
    recorded: dict[str, Any] = {}
    for entry in built.get("reports", {}).values():
        recorded.update(entry.get("inputs") or {})
    meeting_own = built.get("meeting_inputs")
    if isinstance(meeting_own, dict):
        recorded.update(meeting_own)
        # A declaration or acceptance file written since the build is a change as well.
        for path in (config.project.data_dir(config.id) / samefacts.FILE, accept.path(config)):
            shown = config.project.relative(path)
            if path.is_file() and shown not in recorded:
                recorded[shown] = None
    found = []
    for shown, digest in sorted(recorded.items()):
        how = "added" if digest is None else _differs(root / shown, digest)
        if how:
            found.append(f"{shown} ({how})")
    return found


def changed_outputs(out_dir: Path, built: dict[str, Any]) -> list[str]:
    """Each published output of a built report that is not what the build wrote."""
    found = []
    for _, entry in sorted(built.get("reports", {}).items()):
        if entry.get("status") != "ok":
            continue
        for file, digest in sorted((entry.get("outputs") or {}).items()):
            how = _differs(out_dir / file, digest)
            if how:
                found.append(f"{file} ({how})")
    return found
