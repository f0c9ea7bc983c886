"""The pack and review stages, and the one save of the build record between them.

They are made even when reports failed: the pack is then a draft, with a sheet in
place of each missing paper, and pack.pdf is left as it was. After an interrupt only
the review page is made. A pack that cannot be made is recorded and shown on the
review page, then raised. Each is made only when one of its inputs changed (or
``force``).
"""

from __future__ import annotations

import traceback

from reportlib import accept, uptodate, verdict
from reportlib.buildwarnings import BuildWarning, of_pack
from reportlib.exceptions import ReportlibError
from reportlib.failures import Failure
from reportlib.layout import MeetingOutputs
from reportlib.manifest import Manifest, PackInfo, PackRecord
from reportlib.params import MeetingConfig
from reportlib.progress import Progress
from reportlib.runner import warn


def finish(
    config: MeetingConfig,
    outputs: MeetingOutputs,
    record: Manifest,
    formats: tuple[str, ...],
    progress: Progress,
    accepted: list[accept.Acceptance],
    *,
    pack: bool = True,
    engine: str = "typst",
    force: bool = False,
) -> accept.Verdict:
    """Make the pack into ``record``, save the record, make the review page; the verdict."""
    error: Exception | None = None
    try:
        if config.params.agenda is None:
            progress.info(
                f"{config.project.relative(config.path)} has no agenda: "
                "no agenda pack or review page (see the README)"
            )
        elif pack and "pdf" in formats:
            error = _pack(config, outputs, record, progress, accepted, engine, force)
    finally:
        record.save(outputs.folder)
    judged = verdict.of_record(config, record, accepted)
    if config.params.agenda is not None:
        _review(config, outputs, record, judged, progress, force)
    if isinstance(error, ReportlibError):
        raise error
    if error is not None:
        failure = record.pack.error if record.pack else None
        raise ReportlibError(f"the pack could not be made: {failure} (see build.log)")
    return judged


def _pack(
    config: MeetingConfig,
    outputs: MeetingOutputs,
    record: Manifest,
    progress: Progress,
    accepted: list[accept.Acceptance],
    engine: str,
    force: bool,
) -> Exception | None:
    """Assemble the pack into ``record`` unless it is up to date; the error, if it failed."""
    out_dir = outputs.folder
    key = uptodate.pack_key(config, record, engine)
    if not force and not uptodate.pack_changes(record.pack, key, out_dir):
        progress.info("pack: up to date")
        return None
    from reportlib import pack as packing
    from reportlib.fingerprint import file_hash

    with progress.stage("pack", "assemble") as stage:
        try:
            made = packing.assemble(config, out_dir, record)
        except Exception as caught:  # shown on the review page whatever it is
            stage["failed"] = True
            if not isinstance(caught, ReportlibError):
                progress.debug("".join(traceback.format_exception(caught)))
            record.pack = PackRecord(error=Failure.of(caught, "pack"))
            return caught
    files = [packing.PACK_INFO, made.path.name]
    if made.confidential is not None:
        files.append(packing.CONFIDENTIAL_PACK.as_posix())
    record.pack = PackRecord(key, {f: file_hash(out_dir / f) for f in files})
    record.pack_info = PackInfo.from_json(made.info)
    ids = {a.id for a in accepted}
    for found in of_pack(made.warnings):
        warn(progress, frozenset(ids), BuildWarning(found.id, f"pack: {found.message}"))
    kind = "draft pack (do not publish)" if made.info["draft"] else "pack"
    progress.info(f"{kind}: {config.project.relative(made.path)}, {made.info['pages']} pages")
    return None


def _review(
    config: MeetingConfig,
    outputs: MeetingOutputs,
    record: Manifest,
    judged: accept.Verdict,
    progress: Progress,
    force: bool,
) -> None:
    out_dir = outputs.folder
    page_key = uptodate.review_key(config, out_dir)
    if force or uptodate.review_changes(out_dir, page_key):
        from reportlib import review

        page = review.write(config, out_dir, record, judged)
        uptodate.record_review(out_dir, page_key)
        progress.info(f"review page: {config.project.relative(page)}")
    else:
        progress.info("review page: up to date")
