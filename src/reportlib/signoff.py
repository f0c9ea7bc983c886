"""Whether a build record may be signed off, and the state of the last sign-off.

:func:`refusals` is the gate ``publish`` applies and the review page shows: every paper
of the meeting built, the pack complete and made by that build, every warning accepted
(:mod:`reportlib.accept`), no input or output changed since the build
(:func:`changed_inputs`, :func:`changed_outputs`: the review page shows them too), and
the build made from the commit checked out now, with no uncommitted change to the
meeting's inputs. All are functions of the record, so they are testable without a build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reportlib import accept, environment, fingerprint
from reportlib.buildwarnings import BuildWarning
from reportlib.manifest import Manifest
from reportlib.params import MeetingConfig
from reportlib.paths import MEETING_FILES

FOLDER, SIGNOFF = "published", "signoff.json"
PACK = "pack.pdf"  # reportlib.pack.PACK, without importing the pack


class Refusal(str):
    """One reason a build may not be published; ``warning``: the unaccepted warning it
    is about, if it is about one (the review page lists those with the warnings)."""

    warning: BuildWarning | None = None

    @classmethod
    def of_warning(cls, warning: BuildWarning) -> Refusal:
        found = cls(f"warning not accepted [{warning.id}]: {warning.message}")
        found.warning = warning
        return found


def changed_inputs(config: MeetingConfig, built: Manifest) -> list[str]:
    """Each input that is not as the build read it: ``"<file> (changed)"``, in order."""
    project = config.project
    recorded: dict[str, str | None] = {}
    for entry in built.reports.values():
        recorded.update(entry.inputs)
    recorded.update(built.meeting_inputs)
    # A declaration or acceptance file written since the build is a change as well.
    for name in MEETING_FILES:
        shown = project.relative(project.data_dir(config.id) / name)
        recorded.setdefault(shown, None)
    return fingerprint.changed(project.root, recorded)


def changed_outputs(out_dir: Path, built: Manifest) -> list[str]:
    """Each output of a built report, and of the pack, that is not what the build wrote."""
    found = []
    files = [e.outputs for _, e in sorted(built.reports.items()) if e.ok]
    if built.pack is not None and built.pack.error is None:
        files.append(built.pack.outputs)
    for outputs in files:
        found += fingerprint.changed(out_dir, dict(outputs))
    return found


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


def _commit_refusals(config: MeetingConfig, record: Manifest) -> list[Refusal]:
    meeting, root = config.id, config.project.root
    head = environment.git_state(root)["commit"]
    recorded = record.git.get("commit")
    reasons = []
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
    elif record.git.get("dirty"):
        reasons.append(
            "the build was made with uncommitted changes, so no commit holds what it was made "
            "from: commit them and build again"
        )
    if head:
        status = environment.git(root, "status", "--porcelain", "--", *meeting_inputs(config))
        dirty = [line[3:] for line in (status or "").splitlines() if line.strip()]
        if dirty:
            reasons.append(
                "uncommitted changes to the meeting's inputs: "
                + ", ".join(dirty)
                + " (commit them, then build again)"
            )
    return [Refusal(r) for r in reasons]


def refusals(
    config: MeetingConfig, out_dir: Path, record: Manifest, verdict: accept.Verdict
) -> list[Refusal]:
    """Every reason ``record``, the meeting's last build, may not be published ([] if none)."""
    meeting = config.id
    if not record.meeting:
        return [
            Refusal(f"meeting {meeting} has never been built: run make report MEETING={meeting}")
        ]
    reasons = _commit_refusals(config, record)
    for name in config.params.reports:
        entry = record.reports.get(name)
        if entry is None:
            reasons.append(Refusal(f"report {name} has not been built"))
        elif not entry.ok:
            reasons.append(
                Refusal(f"report {name} failed: {entry.error or 'no detail was recorded'}")
            )
    if record.interrupted is not None:
        reasons.append(Refusal("the last build was interrupted: build the meeting again"))
    if config.params.agenda is not None:
        if not (out_dir / PACK).is_file() or record.pack_info.draft is not False:
            reasons.append(Refusal(f"there is no complete {PACK} from the last build"))
        elif (
            record.pack is None or record.pack.error is not None or PACK not in record.pack.outputs
        ):
            reasons.append(Refusal(f"{PACK} is not from the last build: build again"))
    changed = changed_inputs(config, record) + changed_outputs(out_dir, record)
    if changed:
        reasons.append(
            Refusal(
                "changed since the build: "
                + ", ".join(changed)
                + f" (make report MEETING={meeting})"
            )
        )
    reasons += [Refusal.of_warning(w) for w in verdict.unaccepted]
    return reasons


def state(out_dir: Path, record: Manifest) -> dict[str, Any] | None:
    """The sign-off in ``published/``, with whether it is of ``record``'s build and the
    outputs there now (``current``), or None if the meeting was never published."""
    try:
        found = json.loads((out_dir / FOLDER / SIGNOFF).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict):
        return None
    files = found.get("files") if isinstance(found.get("files"), dict) else {}
    current = found.get("build_finished") == record.finished and not any(
        fingerprint.compare(out_dir, n, h) for n, h in files.items()
    )
    return {**found, "current": current}
