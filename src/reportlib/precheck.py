"""Everything that can be checked before a notebook runs, all problems at once.

A params file that does not load stops there; past it, every problem in the data, the
datasets the notebooks read, the agenda's documents, the words, the same-fact
declarations and the acceptances is raised together as one :class:`DataError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlib import accept
from reportlib.buildwarnings import BuildWarning
from reportlib.exceptions import DataError, ParamsError, Problem
from reportlib.params import MeetingConfig, document_problems, load_meeting
from reportlib.paths import Project


@dataclass
class Checked:
    """What the checks found good: the meeting, its declared same facts and acceptances,
    and the meeting's own warnings (facts two papers state differently)."""

    config: MeetingConfig
    facts: list = field(default_factory=list)
    acceptances: list[accept.Acceptance] = field(default_factory=list)
    shared: list[BuildWarning] = field(default_factory=list)


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


def check(
    project: Project,
    meeting: str,
    reports: Sequence[str] = (),
    *,
    notes: list[str] | None = None,
) -> MeetingConfig:
    """Everything that can be checked without running a notebook; the meeting's config.

    Warnings about the words (see :func:`narrative.check_meeting`) are added to
    ``notes``, if given.
    """
    config = load_meeting(project, meeting, documents=False)
    require_reports(config, reports)
    return checked(config, notes).config


def _document_words(config: MeetingConfig) -> list[Problem]:
    """Every problem in the words of the agenda's Markdown documents that are present."""
    from reportlib import narrative

    problems: list[Problem] = []
    for item in config.params.agenda or []:
        if not (item.supplied or item.confidential):
            continue
        path = config.document_path(item)
        if path.suffix.lower() == ".md" and path.is_file():
            try:
                narrative.read(config.project, config.id, path, titled=True)
            except DataError as error:  # these name the Markdown file, its key and line
                problems += error.problems
    return problems


def checked(config: MeetingConfig, notes: list[str] | None = None) -> Checked:
    """Check the meeting ``config`` (loaded without its documents) before a build."""
    from reportlib import narrative, samefacts
    from reportlib.data import check_meeting_data
    from reportlib.notebook import declared_datasets

    project, meeting = config.project, config.id
    wrong_documents = document_problems(config) + _document_words(config)
    if wrong_documents:  # as load_meeting raises them: the params file names the documents
        raise ParamsError(wrong_documents)
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
    acceptances, wrong = accept.read(config, {f.key for f in facts})
    problems += found + wrong
    if problems:
        raise DataError(problems)
    return Checked(config, facts, acceptances, samefacts.warnings(config, facts))


@dataclass
class Report:
    """What ``reportlib check`` says of a meeting that passes its checks."""

    config: MeetingConfig
    stale: list[str]  # inputs that may be out of date, without the words marking them
    differ: list[BuildWarning]  # facts two papers state differently


def report(project: Project, meeting: str) -> Report:
    """Check ``meeting`` (raising every problem), and gather its warnings, as
    ``reportlib check`` shows them."""
    from reportlib.freshness import stale_inputs

    notes: list[str] = []
    config = load_meeting(project, meeting, documents=False)
    good = checked(config, notes)
    found = [*notes, *(w for ws in stale_inputs(config).values() for w in ws)]
    stale = sorted({BuildWarning("check/stale", w).text for w in found})
    return Report(config, stale, good.shared)
