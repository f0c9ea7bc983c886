"""``reportlib publish MEETING --by NAME``: sign a checked build off into ``published/``.

It refuses, listing every reason, unless the build is the one that was checked: every
paper of the meeting built, the pack complete and made by that build, every warning
accepted (:mod:`reportlib.accept`), no input or output changed since the build
(:mod:`reportlib.drift`), and the build made from the commit checked out now, with no
uncommitted change to the meeting's inputs. Then it writes ``outputs/MEETING/published/``:
the public pack, each paper's PDF and HTML, and ``signoff.json`` (the commit, a hash of
every file published, the accepted warnings and who signed off). Nothing from
``confidential/`` is ever published; the folder is replaced whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlib import __version__, accept, drift, manifest
from reportlib.exceptions import ReportlibError
from reportlib.files import build_lock
from reportlib.params import MeetingConfig

FOLDER, SIGNOFF = "published", "signoff.json"
UNACCEPTED = "warning not accepted"  # how a refusal for a warning begins


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


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def meeting_inputs(config: MeetingConfig) -> list[str]:
    """What a meeting's papers are made from, as git paths: its params, data, the
    schemas and the notebooks."""
    project = config.project
    return [
        project.relative(p)
        for p in (
            config.path,
            project.data_dir(config.id),
            project.data / "schemas",
            project.notebooks,
        )
    ]


def refusals(config: MeetingConfig, out_dir: Path) -> list[str]:
    """Every reason the last build of the meeting may not be published ([] if none)."""
    from reportlib import pack

    meeting = config.id
    built = manifest.read(out_dir / "manifest.json")
    if not built.meeting:
        return [f"meeting {meeting} has never been built: run make report MEETING={meeting}"]
    reasons = []
    root = config.project.root
    head = (_git(root, "rev-parse", "HEAD") or "").strip()
    recorded = built.git.get("commit")
    if not head:
        reasons.append(
            "the project is not in a git repository: a sign-off names the commit that "
            "holds the papers' inputs, so commit them first"
        )
    elif recorded != head:
        reasons.append(
            f"the build was made from commit {str(recorded)[:12]}, but {head[:12]} is checked "
            f"out: build again (make report MEETING={meeting})"
        )
    elif built.git.get("dirty"):
        reasons.append(
            "the build was made with uncommitted changes, so no commit holds what it was made "
            "from: commit them and build again"
        )
    if head:
        status = _git(root, "status", "--porcelain", "--", *meeting_inputs(config)) or ""
        dirty = [line[3:] for line in status.splitlines() if line.strip()]
        if dirty:
            reasons.append(
                "uncommitted changes to the meeting's inputs: "
                + ", ".join(dirty)
                + " (commit them, then build again)"
            )
    for name in config.params.reports:
        entry = built.reports.get(name)
        if entry is None:
            reasons.append(f"report {name} has not been built")
        elif not entry.ok:
            reasons.append(f"report {name} failed: {entry.error or 'no detail was recorded'}")
    if built.interrupted is not None:
        reasons.append("the last build was interrupted: build the meeting again")
    if config.params.agenda is not None:
        info = pack.read_info(out_dir)
        if not (out_dir / pack.PACK).is_file() or info.get("draft") is not False:
            reasons.append("there is no complete pack.pdf from the last build")
        elif (
            built.pack is None
            or built.pack.error is not None
            or pack.PACK not in built.pack.outputs
        ):
            reasons.append("pack.pdf is not from the last build: build again")
    changed = drift.changed_inputs(config, built) + drift.changed_outputs(out_dir, built)
    if changed:
        reasons.append(
            "changed since the build: " + ", ".join(changed) + f" (make report MEETING={meeting})"
        )
    verdict = accept.of_build(config, out_dir)
    for warning in verdict.unaccepted:
        reasons.append(f"{UNACCEPTED} [{warning.id}]: {warning.message}")
    return reasons


def publish(config: MeetingConfig, out_dir: Path, by: str) -> Published:
    """Write ``published/`` for the last build, or raise :class:`PublishRefused`."""
    from reportlib import pack

    by = by.strip()
    with build_lock(out_dir, config.id):
        reasons = [] if by else ["say who signs the papers off: --by NAME (make publish BY=...)"]
        reasons += refusals(config, out_dir)
        if reasons:
            raise PublishRefused(config.id, reasons)
        built = manifest.read(out_dir / "manifest.json")
        names = [
            file
            for entry in built.reports.values()
            for file in sorted(entry.outputs)
            if file.endswith((".pdf", ".html"))
        ]
        if config.params.agenda is not None:
            names.insert(0, pack.PACK)
        staging = out_dir / ".staging"
        staging.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="publish-", dir=staging))
        try:
            files = {}
            for name in names:
                # Only files named by the build, at the top of the meeting's folder.
                if "/" in name or name.startswith("."):
                    raise ReportlibError(f"{name} is not a paper of the meeting; not published")
                shutil.copyfile(out_dir / name, folder / name)
                files[name] = manifest.file_hash(folder / name)
            verdict = accept.of_build(config, out_dir)
            signoff = {
                "meeting": config.id,
                "commit": built.git["commit"],
                "signed_off_by": by,
                "signed_off_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "build_finished": built.finished,
                "reportlib": __version__,
                "files": files,
                "accepted_warnings": [
                    {"message": w.message, **verdict.accepted[w.id].to_json()}
                    for w in verdict.warnings
                    if w.id in verdict.accepted
                ],
            }
            (folder / SIGNOFF).write_text(json.dumps(signoff, indent=2) + "\n", encoding="utf-8")
            target = out_dir / FOLDER
            old = staging / f"{folder.name}-old"
            if target.exists():
                target.rename(old)
            folder.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return Published(out_dir / FOLDER, signoff)


def state(out_dir: Path) -> dict[str, Any] | None:
    """The sign-off in ``published/``, with whether it is of the outputs there now
    (``current``), or None if the meeting was never published."""
    folder = out_dir / FOLDER
    try:
        signoff = json.loads((folder / SIGNOFF).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(signoff, dict):
        return None
    built = manifest.read(out_dir / "manifest.json")
    files = signoff.get("files") if isinstance(signoff.get("files"), dict) else {}
    current = signoff.get("build_finished") == built.finished and all(
        (out_dir / n).is_file() and manifest.file_hash(out_dir / n) == h for n, h in files.items()
    )
    return {**signoff, "current": current}
