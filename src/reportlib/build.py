"""Building a meeting: params → data → execute → render → publish, one process.

Reports run side by side in worker threads (one Jupyter kernel each), so the
expensive imports happen once. Each report's files are staged in
``outputs/<meeting>/.staging/`` and moved into place only when every requested
format of the report has been staged; a failed or interrupted report leaves its last
good outputs untouched, and a failed one keeps the failed executed notebook as
``<report>.failed.ipynb``. Whatever a report's failure (papermill refusing the
notebook, a cell, the kernel, a render), it is that report's alone: the others are
published, and the manifest, review page and draft pack are made.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from reportlib import accept, manifest, render, uptodate
from reportlib.buildwarnings import BuildWarning, of_pack, text_key
from reportlib.exceptions import DataError, ParamsError, Problem, ReportlibError
from reportlib.files import build_lock, clean_staging, publish
from reportlib.manifest import Failure, Manifest, ReportEntry
from reportlib.params import MeetingConfig, load_meeting
from reportlib.paths import Project
from reportlib.progress import Progress

if TYPE_CHECKING:
    from reportlib.execute import Executed


@dataclass
class Job:
    """One report being built: its inputs, its staging folder and what has come of it."""

    name: str
    config: MeetingConfig
    staging: Path
    engine: str = "typst"  # the PDF route: typst or quarto
    executed: Executed | None = None
    stages: dict[str, float] = field(default_factory=dict)
    staged: dict[str, Path] = field(default_factory=dict)  # output file name -> staged path
    error: Failure | None = None
    complete: bool = False  # every requested format was staged
    stale: list[str] = field(default_factory=list)  # inputs that may be out of date
    accepted: frozenset[str] = frozenset()  # ids of the warnings the meeting accepts
    key: dict[str, str] = field(default_factory=dict)  # see reportlib.uptodate
    why: str | None = None  # why it is built; None: it is up to date and was not

    @property
    def report(self):
        return self.config.params.reports[self.name]

    def warning_id(self, message: str) -> str:
        keys = self.executed.warning_keys if self.executed else {}
        return f"{self.name}/{keys.get(message) or text_key(message)}"

    def warning(self, message: str) -> BuildWarning:
        """One of this report's warnings, as the terminal shows it."""
        return BuildWarning(self.warning_id(message), f"{self.name}: {message}")


DEFAULT_FORMATS = render.FORMATS


@dataclass
class BuildResult:
    meeting: str
    output_dir: Path
    jobs: list[Job]
    interrupted: bool = False
    verdict: accept.Verdict | None = None  # the meeting's warnings after this build
    reviewed: bool = True  # whether the meeting has a review page (it has an agenda)

    @property
    def failed(self) -> list[Job]:
        return [j for j in self.jobs if j.error is not None]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    @property
    def up_to_date(self) -> list[Job]:
        return [j for j in self.jobs if j.why is None]


def check(
    project: Project,
    meeting: str,
    reports: Sequence[str] = (),
    *,
    notes: list[str] | None = None,
) -> MeetingConfig:
    """Everything that can be checked without running a notebook.

    A params file that does not load stops there; past it, every problem in the data,
    the datasets the notebooks read and the words is raised together. Warnings about
    the words (see :func:`narrative.check_meeting`) are added to ``notes``, if given.
    """
    from reportlib import narrative, samefacts
    from reportlib.data import check_meeting_data
    from reportlib.notebook import declared_datasets

    config = load_meeting(project, meeting)
    require_reports(config, reports)
    # Every dataset, the datasets each notebook reads, and every paper's words with its
    # placeholders resolved, before any kernel starts; every problem listed at once.
    problems: list[Problem] = []
    if project.data_dir(meeting).is_dir():
        try:
            check_meeting_data(project, meeting)
        except DataError as error:
            problems += error.problems
    for name in config.params.reports:
        notebook = config.notebook_path(name)
        for dataset in sorted(declared_datasets(notebook)):
            path = project.data_dir(meeting) / f"{dataset}.csv"
            if not path.is_file():
                problems.append(
                    Problem(
                        project.relative(path),
                        f"does not exist, but {project.relative(notebook)} reads dataset "
                        f"{dataset!r}: add the file (copy the last meeting's and update it)",
                    )
                )
    problems += narrative.check_meeting(config, notes)
    facts, found = samefacts.read(config)
    problems += found + accept.read(config, {f.key for f in facts})[1]
    if problems:
        raise DataError(problems)
    return config


def require_reports(config: MeetingConfig, reports: Sequence[str]) -> None:
    """Raise :class:`ParamsError` naming each of ``reports`` the meeting does not have."""
    unknown = [r for r in reports if r not in config.params.reports]
    if unknown:
        raise ParamsError(
            [
                Problem(
                    config.project.relative(config.path),
                    f"has no report {r!r} (it has: {', '.join(config.params.reports)})",
                    "reports",
                )
                for r in unknown
            ]
        )


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
    """Build ``meeting``'s reports (all, or those named) and update its manifest.

    A report that is up to date (see :mod:`reportlib.uptodate`) is not built again,
    unless ``force``; when nothing is to be done, no file is written at all.
    """
    progress = progress or Progress()
    formats = tuple(DEFAULT_FORMATS if formats is None else formats)
    unknown = [f for f in formats if f not in render.FORMATS]
    if unknown:
        raise ReportlibError(
            f"unknown output format(s) {unknown}; choose from {', '.join(render.FORMATS)}"
        )
    # The agenda's documents are read by the full check below, when there is work to do.
    config = load_meeting(project, meeting, documents=False)
    require_reports(config, reports)
    try:
        engine = render.pdf_engine(engine)
    except ValueError as error:
        raise ReportlibError(str(error)) from None
    names = list(reports) or list(config.params.reports)
    out_dir = project.output_dir(meeting)
    has_agenda = config.params.agenda is not None
    progress.number(names)
    with build_lock(out_dir, meeting), _working_dir(project.root):
        before = manifest.read(out_dir / "manifest.json")
        checked = uptodate.meeting_digest(project, engine)
        work = [Job(n, config, out_dir / ".staging" / n, engine) for n in names]
        _plan(work, before, formats, out_dir, force=force)
        if (
            not force
            and checked == before.checked
            and before.interrupted is None
            and not any(j.why for j in work)
            and before.git == manifest.git_state(project.root)
            and _assembled(config, out_dir, formats, before, engine)
        ):
            for job in work:
                progress.info(f"{job.name}: up to date")
            return BuildResult(
                meeting, out_dir, work, False, accept.of_build(config, out_dir), has_agenda
            )
        # Something is to be done: check everything first, then work out each report's
        # warnings about out-of-date inputs, which are part of its key.
        from reportlib import freshness, samefacts

        config = check(project, meeting, reports)
        facts, _ = samefacts.read(config)  # check() has reported any problem in these files
        accepted = frozenset(a.id for a in accept.load(config, {f.key for f in facts}))
        shared = samefacts.warnings(config, facts)
        outdated = freshness.stale_inputs(config)
        for job in work:
            job.config = config
        _plan(work, before, formats, out_dir, force=force, stale=outdated)
        progress.log_to(out_dir / "build.log")
        try:
            for stale in clean_staging(_staging_root(out_dir)):  # safe: we hold the lock
                progress.info(f"removed {stale.name}, left in .staging/ by a build that was killed")
            staging = Path(tempfile.mkdtemp(prefix="build-", dir=_staging_root(out_dir)))
            for found in shared:
                _warn(progress, accepted, found)
            todo = [j for j in work if j.why]
            for job in work:
                job.staging = staging / job.name
                job.accepted = accepted
                progress.info(f"{job.name}: {f'building ({job.why})' if job.why else 'up to date'}")
            try:
                interrupted = _run(
                    todo, formats, jobs or min(len(todo), os.cpu_count() or 1), progress
                )
                entries = {j.name: _publish(j, out_dir) for j in todo if _finished(j)}
                cut = [j.name for j in todo if not _finished(j)] if interrupted else []
                stopped = (
                    Failure(
                        "interrupt",
                        "the build was interrupted (Ctrl-C) before "
                        f"{', '.join(cut) or 'the pack'} finished; "
                        + ("their" if len(cut) > 1 else "its")
                        + " files are those of the last good build, and no pack was made: "
                        "build the meeting again",
                    )
                    if interrupted
                    else None
                )
                manifest.write(
                    out_dir / "manifest.json", meeting, project.root, entries, stopped, checked
                )
                manifest.record_meeting(
                    out_dir / "manifest.json",
                    [w.to_json() for w in shared],
                    _meeting_inputs(config),
                )
                _assemble(
                    config,
                    out_dir,
                    formats,
                    progress,
                    accepted,
                    pack=not interrupted,
                    engine=engine,
                    force=force,
                )
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                with contextlib.suppress(OSError):
                    staging.parent.rmdir()  # only if no other staging is left in it
            verdict = accept.of_build(config, out_dir)
            for found in verdict.warnings:
                if found.where == "accept":
                    _warn(progress, accepted, found)
        finally:
            progress.close_log()
    return BuildResult(meeting, out_dir, work, interrupted, verdict, has_agenda)


def _warn(progress: Progress, accepted: frozenset[str], found: BuildWarning) -> None:
    """A warning for the terminal, with its id; an accepted one only in the build log."""
    if found.id in accepted:
        progress.debug(f"accepted warning [{found.id}]: {found.message}")
    else:
        progress.warning(f"{found.message} [{found.id}]")


def _meeting_inputs(config: MeetingConfig) -> dict[str, str]:
    """Hashes of the meeting's own files that no report reads but the build does."""
    from reportlib import samefacts

    files = (
        config.project.data_dir(config.id) / samefacts.FILE,
        accept.path(config),
    )
    return {config.project.relative(f): manifest.file_hash(f) for f in files if f.is_file()}


def _plan(
    work: list[Job],
    before: Manifest,
    formats: tuple[str, ...],
    out_dir: Path,
    *,
    force: bool,
    stale: dict[str, list[str]] | None = None,
) -> None:
    """Each job's key, and why it must be built (None: it is up to date).

    Without ``stale`` (the out-of-date warnings, not worked out yet) the key leaves them out.
    """
    for job in work:
        if stale is not None:
            job.stale = stale[job.name]
        found = None if stale is None else job.stale
        job.key = uptodate.report_key(job.config, job.name, job.engine, found)
        entry = before.reports.get(job.name)
        job.why = (
            "--force"
            if force
            else uptodate.report_changes(job.config, job.name, entry, job.key, formats, out_dir)
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


def _staging_root(out_dir: Path) -> Path:
    path = out_dir / ".staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _working_dir(root: Path):
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


def _run(work: list[Job], formats: tuple[str, ...], jobs: int, progress: Progress) -> bool:
    """Run every job; on Ctrl-C stop the kernels, let the workers finish, return True.

    A report's rendering is handed to a thread of its own once its notebook has run, so
    that the next notebook's kernel starts while the last one renders.
    """
    stop = threading.Event()
    runner = cf.ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="report")
    renderer = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
    futures: list[cf.Future] = []

    def execute(job: Job) -> None:
        if _guarded(job, formats, progress, lambda: _execute(job, formats, progress, stop)):
            steps = (job, formats, progress, lambda: _render(job, formats, progress, stop))
            futures.append(renderer.submit(_guarded, *steps))  # before this future is done

    futures += [runner.submit(execute, job) for job in work]
    try:
        while not all(f.done() for f in list(futures)):
            cf.wait(list(futures), timeout=0.2)
    except KeyboardInterrupt:
        stop.set()
        progress.error(
            "interrupted: stopping the kernels; outputs of unfinished reports are left as they were"
        )
        _kill_kernels()
        for pool in (runner, renderer):
            pool.shutdown(wait=True, cancel_futures=True)
        return True
    for pool in (runner, renderer):
        pool.shutdown(wait=True)
    for future in futures:
        future.result()  # re-raise a bug in reportlib itself rather than hide it
    return False


def _kill_kernels() -> None:
    """Kernels are this process's children; end them so that no orphan is left."""
    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=3)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


def _guarded(
    job: Job, formats: tuple[str, ...], progress: Progress, step: Callable[[], bool | None]
) -> bool:
    """Run ``step``; an unforeseen error fails this report, not the build. Returns its result."""
    try:
        return bool(step())
    except Exception as error:  # a bug or an unforeseen failure: this report's, not the build's
        stage = next((f for f in (*formats, "execute") if f not in job.stages), "execute")
        stage = "execute" if job.executed is None else stage
        job.error = Failure(
            stage,
            f"{job.name}: {stage} failed unexpectedly: {type(error).__name__}: {error} "
            "(the traceback is in build.log)",
        )
        progress.error(str(job.error))
        progress.debug("".join(traceback.format_exception(error)))
        return False
    finally:
        _close_thread_loop()


def _close_thread_loop() -> None:
    """Close the event loop jupyter_core's ``run_sync`` left in this worker thread.

    Pool threads are reused, so the loop is also unset: the next job makes a fresh one.
    """
    policy = asyncio.get_event_loop_policy()
    with contextlib.suppress(RuntimeError):
        loop = policy.get_event_loop()
        if not loop.is_running():
            loop.close()
    policy.set_event_loop(None)


def _execute(job: Job, formats: tuple[str, ...], progress: Progress, stop: threading.Event) -> bool:
    """Run the job's notebook; return whether its formats are to be rendered."""
    job.staging.mkdir(parents=True)
    if stop.is_set():
        return False
    notebook = job.config.notebook_path(job.name)
    shown = job.config.project.relative(notebook)
    staged_nb = job.staging / f"{job.name}.ipynb"
    from reportlib.execute import execute_report  # papermill: only when a notebook runs

    with progress.stage(job.name, "execute") as stage:
        job.executed = execute_report(
            job.name,
            notebook,
            shown,
            job.config.notebook_parameters(job.name),
            staged_nb,
            timeout=job.report.timeout,
        )
        stage["failed"] = job.executed.error is not None
    job.stages["execute"] = stage["seconds"]
    if stop.is_set():
        return False
    job.executed.warnings[:0] = [w for w in job.stale if w not in job.executed.warnings]
    for message in job.executed.warnings:
        _warn(progress, job.accepted, job.warning(message))
    if job.executed.error is not None:
        job.error = Failure.of(job.executed.error, "execute")
        job.staged[f"{job.name}.failed.ipynb"] = staged_nb
        progress.error(str(job.error))
        return False
    job.staged[f"{job.name}.ipynb"] = staged_nb
    if not formats:
        job.complete = True
    return bool(formats)


def _render(job: Job, formats: tuple[str, ...], progress: Progress, stop: threading.Event) -> None:
    """Render the executed notebook in each format, into the job's staging folder."""
    if job.executed is None:  # _execute hands over only what it ran
        return
    shown = job.config.project.relative(job.config.notebook_path(job.name))
    first = formats[0]
    try:
        document = render.prepare(job.executed.notebook)
    except ReportlibError as error:
        job.error = Failure(first, f"{job.name}: {shown}, {error}")
        progress.error(str(job.error))
        return
    warnings = list(document.warnings)
    try:
        values = render.context(job.config, job.name, job.executed.front)
    except ValueError as error:  # pydantic: a contact the notebook recorded is malformed
        job.error = Failure("params", f"{job.name}: {shown}, front sheet: {error}")
        progress.error(str(job.error))
        return
    for fmt in formats:
        if stop.is_set():
            return
        path = job.staging / f"{job.name}.{fmt}"
        with progress.stage(job.name, fmt) as stage:
            try:
                warnings += render.render(
                    fmt,
                    document,
                    values,
                    job.config.project.notebooks,
                    path,
                    engine=job.engine,
                    executed=job.executed.notebook,
                )
                job.staged[path.name] = path
                source = render.kept_source(path)
                if source.is_file():  # the PDF's Typst source, which the pack compiles
                    job.staged[source.name] = source
            except ReportlibError as error:
                stage["failed"] = True
                job.error = Failure(fmt, f"{job.name}: {shown}, {fmt.upper()}: {error}")
        job.stages[fmt] = stage["seconds"]
        if job.error is not None:
            progress.error(str(job.error))
            return
    job.complete = True
    for message in dict.fromkeys(warnings):
        _warn(progress, job.accepted, job.warning(message))
        job.executed.warnings.append(message)


def _finished(job: Job) -> bool:
    """Whether the job ran to an end (success or a reported failure), not cut off.

    A success counts only when every requested format was staged: an interrupt
    between two formats publishes nothing of the report.
    """
    return job.error is not None or job.complete


def _publish(job: Job, out_dir: Path) -> ReportEntry:
    """Move the job's files into place and return its manifest entry."""
    config = job.config
    ok = job.error is None
    outputs = {}
    for name, staged in job.staged.items():
        if ok or name.endswith(".failed.ipynb"):
            outputs[name] = manifest.file_hash(staged)
            publish(staged, out_dir / name)
    if ok:
        with contextlib.suppress(FileNotFoundError):
            (out_dir / f"{job.name}.failed.ipynb").unlink()
    inputs = {
        # the notebook as it was before it ran: an edit during the build rebuilds next time
        config.project.relative(config.notebook_path(job.name)): job.key["notebook"],
        config.project.relative(config.path): manifest.file_hash(config.path),
        **(job.executed.reads if job.executed else {}),
    }
    messages = job.executed.warnings if job.executed else []
    entry = ReportEntry(
        status="ok" if ok else "failed",
        title=job.report.title,
        parameters=config.notebook_parameters(job.name),
        config_sha256=job.key["config"],
        key=job.key,
        inputs=inputs,
        outputs=outputs,
        engines=manifest.engines(list(outputs), job.engine),
        seconds=job.stages,
        built=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        warnings=messages,
        warning_ids=[job.warning_id(m).partition("/")[2] for m in messages],
        error=job.error,
    )
    if job.error is None and job.executed is not None:
        from reportlib import changes

        changes.remember(out_dir, job.name, entry.built, job.executed.notebook)
    return entry


def _assemble(
    config: MeetingConfig,
    out_dir: Path,
    formats: tuple[str, ...],
    progress: Progress,
    accepted: frozenset[str] = frozenset(),
    *,
    pack: bool = True,
    engine: str = "typst",
    force: bool = False,
) -> None:
    """The agenda pack (when PDFs are made) and the review page, for a meeting with an agenda.

    They are made even when reports failed: the pack is then a draft, with a sheet in
    place of each missing paper, and pack.pdf is left as it was. After an interrupt
    only the review page is made. A pack that cannot be made is recorded in the
    manifest and shown on the review page, then raised. Each is made only when one
    of its inputs changed (or ``force``).
    """
    if config.params.agenda is None:
        progress.info(
            f"{config.project.relative(config.path)} has no agenda: "
            "no agenda pack or review page (see the README)"
        )
        return
    failure: Failure | None = None
    error: Exception | None = None
    path = out_dir / "manifest.json"
    built = manifest.read(path)
    key = uptodate.pack_key(config, built, engine)
    if (
        pack
        and "pdf" in formats
        and not force
        and not uptodate.pack_changes(built.pack, key, out_dir)
    ):
        progress.info("pack: up to date")
    elif pack and "pdf" in formats:
        from reportlib import pack as packing

        with progress.stage("pack", "assemble") as stage:
            try:
                made = packing.assemble(config, out_dir)
            except Exception as caught:  # shown on the review page whatever it is
                stage["failed"] = True
                error, failure = caught, Failure.of(caught, "pack")
                if not isinstance(caught, ReportlibError):
                    progress.debug("".join(traceback.format_exception(caught)))
        if failure is None:
            files = [packing.PACK_INFO, made.path.name]
            if made.confidential is not None:
                files.append(packing.CONFIDENTIAL_PACK.as_posix())
            outputs = {f: manifest.file_hash(out_dir / f) for f in files}
            manifest.record_pack(path, manifest.PackRecord(key, outputs))
            for found in of_pack(made.warnings):
                _warn(progress, accepted, BuildWarning(found.id, f"pack: {found.message}"))
            kind = "draft pack (do not publish)" if made.info["draft"] else "pack"
            pages = made.info["pages"]
            progress.info(f"{kind}: {config.project.relative(made.path)}, {pages} pages")
        else:
            manifest.record_pack(path, manifest.PackRecord(error=failure))
    page_key = uptodate.review_key(config, out_dir)
    if force or uptodate.review_changes(out_dir, page_key):
        from reportlib import review

        page = review.write(config, out_dir)
        uptodate.record_review(out_dir, page_key)
        progress.info(f"review page: {config.project.relative(page)}")
    else:
        progress.info("review page: up to date")
    if isinstance(error, ReportlibError):
        raise error
    if error is not None:
        raise ReportlibError(f"the pack could not be made: {failure} (see build.log)")
