"""Building a meeting: plan → execute → render → pack → review, in one process.

Each stage takes what the one before made, in memory: the meeting is loaded once, the
last build's record read once (:func:`reportlib.manifest.load`), the new record made in
memory, handed to the pack, saved once, and handed with its sign-off verdict to the
review page. Each report's files are staged in ``outputs/<meeting>/.staging/`` and
moved into place only when every requested format has been staged
(:mod:`reportlib.layout`); a report's failure is its alone (:mod:`reportlib.runner`).
See ``docs/architecture.md``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlib import accept, environment, manifest, render, uptodate, verdict
from reportlib.buildplan import add_stale, nothing_to_do, plan
from reportlib.exceptions import ReportlibError
from reportlib.failures import Failure
from reportlib.files import build_lock, clean_staging
from reportlib.layout import MeetingOutputs, meeting_inputs, place
from reportlib.params import MeetingConfig, load_meeting
from reportlib.paths import Project
from reportlib.precheck import check, checked, require_reports
from reportlib.progress import Progress
from reportlib.runner import Job, finished, run, warn

__all__ = ["DEFAULT_FORMATS", "BuildResult", "Job", "build", "check", "require_reports"]

DEFAULT_FORMATS = render.FORMATS


@dataclass
class BuildResult:
    meeting: str
    output_dir: Path
    jobs: list[Job]
    interrupted: bool = False
    verdict: accept.Verdict | None = None  # the meeting's warnings after this build
    reviewed: bool = True  # whether the meeting has a review page (it has an agenda)
    record: manifest.Manifest | None = None  # the build record, as saved

    @property
    def failed(self) -> list[Job]:
        return [j for j in self.jobs if j.error is not None]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    @property
    def up_to_date(self) -> list[Job]:
        return [j for j in self.jobs if j.why is None]


@dataclass(frozen=True)
class Options:
    """How a build runs: the formats, worker count, PDF engine and whether to force it."""

    formats: tuple[str, ...]
    jobs: int | None
    engine: str
    force: bool


def build(
    project: Project,
    meeting: str,
    *,
    reports: Sequence[str] = (),
    formats: Sequence[str] | None = None,
    jobs: int | None = None,
    engine: str = "auto",
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build ``meeting``'s reports (all, or those named) and update its record.

    A report that is up to date (see :mod:`reportlib.uptodate`) is not built again,
    unless ``force``; when nothing is to be done, no file is written at all.
    """
    progress = progress or Progress()
    options = Options(_formats(formats), jobs, _engine(engine), force)
    # The agenda's documents are read by the checks, only when there is work to do.
    config = load_meeting(project, meeting, documents=False)
    require_reports(config, reports)
    names = list(reports) or list(config.params.reports)
    outputs = MeetingOutputs.of(project, meeting)
    progress.number(names)
    with (
        build_lock(outputs.folder, meeting),
        _working_dir(project.root),
        environment.pinned(project.root) as git,
    ):
        before = manifest.load(outputs.folder)
        digest = uptodate.meeting_digest(project, options.engine)
        work = [Job(n, config, outputs.staging / n, options.engine) for n in names]
        plan(work, before, options.formats, outputs.folder, force=force)
        if not force and nothing_to_do(
            config,
            work,
            before,
            options.formats,
            outputs.folder,
            checked=digest,
            git=git,
            engine=options.engine,
        ):
            for job in work:
                progress.info(f"{job.name}: up to date")
            judged = verdict.of_record(config, before)
            return BuildResult(
                meeting, outputs.folder, work, False, judged, _agenda(config), before
            )
        record = before.updated(meeting, {}, git=git, root=project.root, checked=digest)
        return _build(config, outputs, work, record, options, progress)


def _build(
    config: MeetingConfig,
    outputs: MeetingOutputs,
    work: list[Job],
    record: manifest.Manifest,
    options: Options,
    progress: Progress,
) -> BuildResult:
    """The build with something to do: check everything, then each stage in turn.

    ``record``: the last build's, with this build's commit and checks' digest.
    """
    from reportlib import freshness
    from reportlib.assembly import finish

    good = checked(config)
    accepted = frozenset(a.id for a in good.acceptances)
    stale = freshness.stale_inputs(config)
    add_stale(work, stale, record, options.formats, outputs.folder, force=options.force)
    progress.log_to(outputs.build_log)
    try:
        with _staging(outputs, progress) as staging:
            for found in good.shared:
                warn(progress, accepted, found)
            todo = [j for j in work if j.why]
            for job in work:
                job.staging = staging / job.name
                job.accepted = accepted
                progress.info(f"{job.name}: {f'building ({job.why})' if job.why else 'up to date'}")
            workers = options.jobs or min(len(todo), os.cpu_count() or 1)
            interrupted = run(todo, options.formats, workers, progress)
            entries = {j.name: place(j, outputs) for j in todo if finished(j)}
            cut = [j.name for j in todo if not finished(j)]
            record = record.updated(
                config.id,
                entries,
                git=record.git,
                root=config.project.root,
                interrupted=_interrupt(cut) if interrupted else None,
                checked=record.checked,
            )
            record.meeting_warnings = [w.to_json() for w in good.shared]
            record.meeting_inputs = meeting_inputs(config)
            judged = finish(
                config,
                outputs,
                record,
                options.formats,
                progress,
                good.acceptances,
                pack=not interrupted,
                engine=options.engine,
                force=options.force,
            )
        for found in judged.warnings:
            if found.where == "accept":
                warn(progress, accepted, found)
    finally:
        progress.close_log()
    return BuildResult(
        config.id, outputs.folder, work, interrupted, judged, _agenda(config), record
    )


def _formats(formats: Sequence[str] | None) -> tuple[str, ...]:
    found = tuple(DEFAULT_FORMATS if formats is None else formats)
    unknown = [f for f in found if f not in render.FORMATS]
    if unknown:
        raise ReportlibError(
            f"unknown output format(s) {unknown}; choose from {', '.join(render.FORMATS)}"
        )
    return found


def _engine(engine: str) -> str:
    try:
        return render.pdf_engine(engine)
    except ValueError as error:
        raise ReportlibError(str(error)) from None


def _agenda(config: MeetingConfig) -> bool:
    """Whether the meeting has a review page (it has an agenda)."""
    return config.params.agenda is not None


def _interrupt(cut: list[str]) -> Failure:
    return Failure(
        "interrupt",
        "the build was interrupted (Ctrl-C) before "
        f"{', '.join(cut) or 'the pack'} finished; "
        + ("their" if len(cut) > 1 else "its")
        + " files are those of the last good build, and no pack was made: "
        "build the meeting again",
    )


@contextlib.contextmanager
def _staging(outputs: MeetingOutputs, progress: Progress) -> Iterator[Path]:
    """A fresh staging folder for this build, removed after it; a killed build's, before."""
    outputs.staging.mkdir(parents=True, exist_ok=True)
    for stale in clean_staging(outputs.staging):  # safe: we hold the lock
        progress.info(f"removed {stale.name}, left in .staging/ by a build that was killed")
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=outputs.staging))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()  # only if no other staging is left in it


@contextlib.contextmanager
def _working_dir(root: Path) -> Iterator[None]:
    """Kernels start in the process's working directory: make it the project root.

    Set once here rather than per notebook, because worker threads share it.
    """
    before = Path.cwd()
    os.environ["REPORTLIB_ROOT"] = str(root)
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(before)
