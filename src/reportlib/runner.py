"""The execute and render stages: each report's notebook run in a Jupyter kernel, then
rendered in every requested format, into the report's staging folder.

Reports run side by side in worker threads (one kernel each), so the expensive imports
happen once; a report's rendering is handed to a thread of its own once its notebook
has run. Whatever a report's failure (papermill refusing the notebook, a cell, the
kernel, a render, a bug), it is that report's alone: it is stored on its :class:`Job`
as a :class:`~reportlib.failures.Failure`, and the others go on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from reportlib import render
from reportlib.buildwarnings import BuildWarning, text_key
from reportlib.exceptions import ReportlibError
from reportlib.failures import Failure
from reportlib.params import MeetingConfig
from reportlib.paths import failed_name
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


def warn(progress: Progress, accepted: frozenset[str], found: BuildWarning) -> None:
    """A warning for the terminal, with its id; an accepted one only in the build log."""
    if found.id in accepted:
        progress.debug(f"accepted warning [{found.id}]: {found.message}")
    else:
        progress.warning(f"{found.message} [{found.id}]")


def run(work: list[Job], formats: tuple[str, ...], jobs: int, progress: Progress) -> bool:
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
        warn(progress, job.accepted, job.warning(message))
    if job.executed.error is not None:
        job.error = Failure.of(job.executed.error, "execute")
        job.staged[failed_name(job.name)] = staged_nb
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
        warn(progress, job.accepted, job.warning(message))
        job.executed.warnings.append(message)


def finished(job: Job) -> bool:
    """Whether the job ran to an end (success or a reported failure), not cut off.

    A success counts only when every requested format was staged: an interrupt
    between two formats publishes nothing of the report.
    """
    return job.error is not None or job.complete
