"""``reportlib publish MEETING --by NAME``: sign a checked build off into ``published/``.

It refuses, listing every reason, unless the build is the one that was checked (see
:func:`reportlib.signoff.refusals`). Then it writes ``outputs/MEETING/published/``: the
public pack, each paper's PDF and HTML, and ``signoff.json`` (the commit, a hash of
every file published, the accepted warnings and who signed off). Nothing from
``confidential/`` is ever published; the folder is replaced whole or not at all.
Publishing is a function of the build record: the last build's, read once, unless the
caller hands one over.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlib import __version__, accept, manifest, verdict
from reportlib import signoff as gate
from reportlib.exceptions import ReportlibError
from reportlib.files import build_lock
from reportlib.fingerprint import file_hash
from reportlib.manifest import Manifest
from reportlib.params import MeetingConfig
from reportlib.signoff import FOLDER, PACK, SIGNOFF, Refusal, meeting_inputs

__all__ = [
    "FOLDER",
    "SIGNOFF",
    "PublishRefused",
    "Published",
    "Refusal",
    "meeting_inputs",
    "publish",
    "refusals",
    "state",
]


class PublishRefused(ReportlibError):
    """The build may not be published; the message lists why."""

    def __init__(self, meeting: str, reasons: list[str]):
        self.reasons = reasons
        lines = "\n".join(f"  - {r}" for r in reasons)
        super().__init__(f"meeting {meeting} cannot be published:\n{lines}")


@dataclass(frozen=True)
class Published:
    folder: Path
    signoff: dict[str, Any]


def refusals(
    config: MeetingConfig,
    out_dir: Path,
    record: Manifest | None = None,
    judged: accept.Verdict | None = None,
) -> list[Refusal]:
    """Every reason the meeting's last build (``record``) may not be published."""
    record = manifest.load(out_dir) if record is None else record
    judged = verdict.of_record(config, record) if judged is None else judged
    return gate.refusals(config, out_dir, record, judged)


def state(out_dir: Path, record: Manifest | None = None) -> dict[str, Any] | None:
    """The sign-off in ``published/`` (see :func:`reportlib.signoff.state`)."""
    return gate.state(out_dir, manifest.load(out_dir) if record is None else record)


def publish(
    config: MeetingConfig, out_dir: Path, by: str, record: Manifest | None = None
) -> Published:
    """Write ``published/`` for the build ``record`` (default: the last build's), and the
    review page again to show the sign-off; or raise :class:`PublishRefused`."""
    by = by.strip()
    with build_lock(out_dir, config.id):
        record = manifest.load(out_dir) if record is None else record
        judged = verdict.of_record(config, record)
        reasons = [] if by else ["say who signs the papers off: --by NAME (make publish BY=...)"]
        reasons += refusals(config, out_dir, record, judged)
        if reasons:
            raise PublishRefused(config.id, reasons)
        names = [
            file
            for entry in record.reports.values()
            for file in sorted(entry.outputs)
            if file.endswith((".pdf", ".html"))
        ]
        if config.params.agenda is not None:
            names.insert(0, PACK)
        signoff = {
            "meeting": config.id,
            "commit": record.git["commit"],
            "signed_off_by": by,
            "signed_off_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_finished": record.finished,
            "reportlib": __version__,
            "files": {},
            "accepted_warnings": [
                {"message": w.message, **judged.accepted[w.id].to_json()}
                for w in judged.warnings
                if w.id in judged.accepted
            ],
        }
        _write(out_dir, names, signoff)
        if config.params.agenda is not None:
            from reportlib import review  # the page shows the sign-off

            review.write(config, out_dir, record, judged)
    return Published(out_dir / FOLDER, signoff)


def _write(out_dir: Path, names: list[str], signoff: dict[str, Any]) -> None:
    """Copy ``names`` into a new ``published/`` with ``signoff.json``; swap it in whole."""
    staging = out_dir / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="publish-", dir=staging))
    try:
        for name in names:
            # Only files named by the build, at the top of the meeting's folder.
            if "/" in name or name.startswith("."):
                raise ReportlibError(f"{name} is not a paper of the meeting; not published")
            shutil.copyfile(out_dir / name, folder / name)
            signoff["files"][name] = file_hash(folder / name)
        (folder / SIGNOFF).write_text(json.dumps(signoff, indent=2) + "\n", encoding="utf-8")
        target = out_dir / FOLDER
        old = staging / f"{folder.name}-old"
        if target.exists():
            target.rename(old)
        folder.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
