"""Where a meeting's outputs go (:class:`MeetingOutputs`), and moving a report's staged
files into place with its record (:func:`place`).

Every output path is named here once; a report's files are moved from staging only
when every requested format was staged, so a failed or interrupted report leaves its
last good outputs untouched (a failed one keeps ``<report>.failed.ipynb``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlib import environment
from reportlib.files import publish
from reportlib.fingerprint import file_hash
from reportlib.manifest import ReportEntry
from reportlib.params import MeetingConfig
from reportlib.paths import MANIFEST, MEETING_FILES, Project, failed_name
from reportlib.runner import Job


@dataclass(frozen=True)
class MeetingOutputs:
    """``outputs/<meeting>/`` and every file a build, the pack, review and publish write."""

    folder: Path

    @classmethod
    def of(cls, project: Project, meeting: str) -> MeetingOutputs:
        return cls(project.output_dir(meeting))

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST

    @property
    def build_log(self) -> Path:
        return self.folder / "build.log"

    @property
    def staging(self) -> Path:
        return self.folder / ".staging"

    @property
    def review_page(self) -> Path:
        return self.folder / "index.html"

    @property
    def published(self) -> Path:
        return self.folder / "published"

    def notebook(self, report: str) -> Path:
        """The executed notebook of a report's last good build."""
        return self.folder / f"{report}.ipynb"

    def failed(self, report: str) -> Path:
        """The executed notebook of a report's failed build."""
        return self.folder / failed_name(report)

    def paper(self, report: str, fmt: str) -> Path:
        return self.folder / f"{report}.{fmt}"


def meeting_inputs(config: MeetingConfig) -> dict[str, str]:
    """Hashes of the meeting's own files that no report reads but the build does."""
    project = config.project
    files = [project.data_dir(config.id) / name for name in MEETING_FILES]
    return {project.relative(f): file_hash(f) for f in files if f.is_file()}


def place(job: Job, outputs: MeetingOutputs) -> ReportEntry:
    """Move the job's files into place and return its record."""
    config = job.config
    ok = job.error is None
    hashes = {}
    for name, staged in job.staged.items():
        if ok or name == failed_name(job.name):
            hashes[name] = file_hash(staged)
            publish(staged, outputs.folder / name)
    if ok:
        with contextlib.suppress(FileNotFoundError):
            outputs.failed(job.name).unlink()
    inputs = {
        # the notebook as it was before it ran: an edit during the build rebuilds next time
        config.project.relative(config.notebook_path(job.name)): job.key["notebook"],
        config.project.relative(config.path): file_hash(config.path),
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
        outputs=hashes,
        engines=environment.engines(list(hashes), job.engine),
        seconds=job.stages,
        built=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        warnings=messages,
        warning_ids=[job.warning_id(m).partition("/")[2] for m in messages],
        error=job.error,
    )
    if job.error is None and job.executed is not None:
        from reportlib import changes

        changes.remember(outputs.folder, job.name, entry.built, job.executed.notebook)
    return entry
