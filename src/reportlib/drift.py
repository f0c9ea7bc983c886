"""What changed since a meeting was built: its inputs and outputs against the manifest.

The manifest keeps a hash of every file each report read, of the meeting's own files
(``same_facts.yaml``, ``accept.yaml``) and of every output. A file whose content is
not what the build saw means that the outputs are no longer what was checked: the
review page says so in a banner and ``publish`` refuses.
"""

from __future__ import annotations

from pathlib import Path

from reportlib import accept, manifest, samefacts
from reportlib.params import MeetingConfig


def _differs(path: Path, recorded: str) -> str | None:
    if not path.is_file():
        return "removed"
    return "changed" if manifest.file_hash(path) != recorded else None


def changed_inputs(config: MeetingConfig, built: manifest.Manifest) -> list[str]:
    """Each input that is not as the build read it: ``"<file> (changed)"``, in order."""
    root = config.project.root
    recorded: dict[str, str | None] = {}
    for entry in built.reports.values():
        recorded.update(entry.inputs)
    recorded.update(built.meeting_inputs)
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


def changed_outputs(out_dir: Path, built: manifest.Manifest) -> list[str]:
    """Each output of a built report, and of the pack, that is not what the build wrote."""
    found = []
    files = [e.outputs for _, e in sorted(built.reports.items()) if e.ok]
    if built.pack is not None and built.pack.error is None:
        files.append(built.pack.outputs)
    for outputs in files:
        for file, digest in sorted(outputs.items()):
            how = _differs(out_dir / file, digest)
            if how:
                found.append(f"{file} ({how})")
    return found
