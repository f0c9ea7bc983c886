"""The plan stage: which reports must be built, and why; whether anything is to be done.

A report, the pack or the review page is built again only when something it depends
on changed (see :mod:`reportlib.uptodate`); the plan compares this build's keys with
the record of the last one, which the build read once.
"""

from __future__ import annotations

from pathlib import Path

from reportlib import uptodate
from reportlib.fingerprint import canonical_hash
from reportlib.manifest import Manifest
from reportlib.params import MeetingConfig
from reportlib.runner import Job


def plan(
    work: list[Job],
    before: Manifest,
    formats: tuple[str, ...],
    out_dir: Path,
    *,
    force: bool,
) -> None:
    """Each job's key, and why it must be built (None: it is up to date).

    The key leaves out the warnings about out-of-date inputs: they are worked out only
    when there is work to do, and added by :func:`add_stale`.
    """
    for job in work:
        job.key = uptodate.report_key(job.config, job.name, job.engine)
        job.why = _why(job, before, formats, out_dir, force)


def add_stale(
    work: list[Job],
    stale: dict[str, list[str]],
    before: Manifest,
    formats: tuple[str, ...],
    out_dir: Path,
    *,
    force: bool,
) -> None:
    """Add each job's warnings about out-of-date inputs to its key, and say again why it
    must be built (a change of those warnings rebuilds the report)."""
    for job in work:
        job.stale = stale[job.name]
        job.key = {**job.key, "stale": canonical_hash(job.stale)}
        job.why = _why(job, before, formats, out_dir, force)


def _why(
    job: Job, before: Manifest, formats: tuple[str, ...], out_dir: Path, force: bool
) -> str | None:
    if force:
        return "--force"
    entry = before.reports.get(job.name)
    return uptodate.report_changes(job.config, job.name, entry, job.key, formats, out_dir)


def nothing_to_do(
    config: MeetingConfig,
    work: list[Job],
    before: Manifest,
    formats: tuple[str, ...],
    out_dir: Path,
    *,
    checked: str,
    git: dict,
    engine: str,
) -> bool:
    """Whether every report, the pack and the review page are up to date (``checked``:
    the digest of what the checks read, ``git``: this build's commit)."""
    return (
        checked == before.checked
        and before.interrupted is None
        and not any(j.why for j in work)
        and before.git == git
        and _assembled(config, out_dir, formats, before, engine)
    )


def _assembled(
    config: MeetingConfig, out_dir: Path, formats: tuple[str, ...], built: Manifest, engine: str
) -> bool:
    """Whether the pack (when one is made) and the review page are up to date."""
    if config.params.agenda is None:
        return True
    if "pdf" in formats:
        key = uptodate.pack_key(config, built, engine)
        if uptodate.pack_changes(built.pack, key, out_dir) is not None:
            return False
    return not uptodate.review_changes(out_dir, uptodate.review_key(config, out_dir))
