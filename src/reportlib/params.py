"""A meeting's parameters: ``params/<meeting>.yaml`` loaded through a typed schema.

Everything is checked before any notebook runs: the YAML itself, the schema
(:mod:`reportlib.paramtypes`), that every report has a notebook, that every parameter
given to a report is declared (with a compatible type) in that notebook's
``parameters`` cell, and that the agenda's documents can be read (and that no
confidential one is in git). Their words are checked with the papers'
(:mod:`reportlib.precheck`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reportlib.exceptions import OutsideFolderError, ParamsError, Problem
from reportlib.notebook import Parameter, declared_parameters, mismatch
from reportlib.paramtypes import (
    BUILD_PARAMETERS,
    CONFIDENTIAL_DIR,
    DOCUMENT_TYPES,
    SUPPLIED_DIR,
    TODO,
    AgendaItem,
    FrontMatter,
    Group,
    GroupOffice,
    Meeting,
    MeetingConfig,
    MeetingParams,
    Member,
    Membership,
    NextMeeting,
    Notice,
    NoticeContact,
    Report,
    document_path,
    notebook_path,
)
from reportlib.paths import REPORT_NAME, Project, validate_meeting_id
from reportlib.yamlfile import YamlDocument, load_yaml

# The types are defined in reportlib.paramtypes; they are named here as well, where
# other modules have always taken them from.
__all__ = [
    "BUILD_PARAMETERS",
    "CONFIDENTIAL_DIR",
    "DOCUMENT_TYPES",
    "SUPPLIED_DIR",
    "TODO",
    "AgendaItem",
    "FrontMatter",
    "Group",
    "GroupOffice",
    "Meeting",
    "MeetingConfig",
    "MeetingParams",
    "Member",
    "Membership",
    "NextMeeting",
    "Notice",
    "NoticeContact",
    "Report",
    "document_path",
    "document_problems",
    "load_meeting",
    "notebook_path",
]


def load_meeting(project: Project, meeting: str, *, documents: bool = True) -> MeetingConfig:
    """Load and check ``params/<meeting>.yaml``; raise :class:`ParamsError` with every problem.

    ``documents=False`` leaves out reading the agenda's documents (their words, pages and
    git state), for a build that knows they are as they were when last checked.
    """
    path = project.params_file(validate_meeting_id(meeting))
    shown = project.relative(path)
    if not path.is_file():
        known = ", ".join(project.meetings()) or "none yet"
        raise ParamsError(
            [
                Problem(
                    shown,
                    f"does not exist: meeting {meeting} has no parameters file "
                    f"(meetings with one: {known}); create it from an earlier meeting's file",
                )
            ]
        )
    document = load_yaml(path, shown)
    if not isinstance(document.data, dict):
        raise ParamsError([Problem(shown, "must be a mapping with 'meeting' and 'reports' keys")])
    try:
        params = MeetingParams.model_validate(document.data)
    except ValidationError as error:
        raise ParamsError([_problem(shown, document, e) for e in error.errors()]) from None

    problems: list[Problem] = []
    if params.meeting.id != meeting:
        problems.append(
            Problem(
                shown,
                f"says {params.meeting.id!r}, but the file is for meeting "
                f"{meeting!r}; make them the same",
                "meeting.id",
                document.line(("meeting", "id")),
            )
        )
    problems += _check_dates(shown, document, params)
    declared: dict[str, dict[str, Parameter]] = {}
    for name, report in params.reports.items():
        problems += _check_report(project, shown, document, name, report, declared)
    if params.agenda is not None:
        problems += _check_agenda(project, shown, document, params, documents=documents)
    if problems:
        raise ParamsError(problems)
    return MeetingConfig(project, path, params, document, declared)


def document_problems(config: MeetingConfig) -> list[Problem]:
    """Every problem in the agenda's documents (their words, pages and git state), for a
    meeting loaded with ``documents=False``: the build loads a meeting once, and reads
    its documents only when there is work to do."""
    if config.params.agenda is None:
        return []
    shown = config.project.relative(config.path)
    return _check_agenda(config.project, shown, config.document, config.params, documents=True)


def _check_dates(shown: str, document: YamlDocument, params: MeetingParams) -> list[Problem]:
    """The date is in the id's month, and the next meeting comes after it."""
    meeting, problems = params.meeting, []
    if f"{meeting.date:%Y-%m}" != meeting.id:
        problems.append(
            Problem(
                shown,
                f"is {meeting.date.isoformat()}, which is not in {meeting.id} (the meeting "
                "id is the meeting's year and month): correct the date or the id",
                "meeting.date",
                document.line(("meeting", "date")),
            )
        )
    following = params.front_matter.next_meeting
    if following is not None and following.date <= meeting.date:
        problems.append(
            Problem(
                shown,
                f"is {following.date.isoformat()}, which is not after this meeting "
                f"({meeting.date.isoformat()}): set the date of the meeting after this one",
                "front_matter.next_meeting.date",
                document.line(("front_matter", "next_meeting", "date")),
            )
        )
    return problems


def _check_report(
    project: Project,
    shown: str,
    document: YamlDocument,
    name: str,
    report: Report,
    declared: dict[str, dict[str, Parameter]],
) -> list[Problem]:
    key = f"reports.{name}"
    line = document.line(("reports", name))
    if not REPORT_NAME.fullmatch(name):
        return [
            Problem(
                shown,
                "report names are lower-case letters, digits and _ "
                "(they name the notebook and the output files)",
                key,
                line,
            )
        ]
    try:
        nb_path = notebook_path(project, name, report)
    except OutsideFolderError as error:
        loc = ("reports", name, "notebook")
        return [
            Problem(
                shown,
                f"names {error.shown}, which {error.reason}; name a notebook in notebooks/",
                ".".join(loc),
                document.line(loc),
            )
        ]
    if not nb_path.is_file():
        return [
            Problem(
                shown,
                f"has no notebook: {project.relative(nb_path)} does not exist; "
                "add it, or set 'notebook:' to the notebook's file name",
                key,
                line,
            )
        ]
    found = declared_parameters(nb_path, project.relative(nb_path))
    declared[name] = found
    problems = [
        Problem(
            shown,
            f"the notebook {project.relative(nb_path)} does not declare {p!r} in its "
            "parameters cell; every report notebook receives it from the build",
            key,
            line,
        )
        for p in BUILD_PARAMETERS
        if p not in found
    ]
    for pname, value in report.parameters.items():
        loc = ("reports", name, "parameters", pname)
        pkey = ".".join(loc)
        if pname in BUILD_PARAMETERS:
            problems.append(
                Problem(shown, "is set by the build; remove it", pkey, document.line(loc))
            )
        elif pname not in found:
            names = ", ".join(n for n in found if n not in BUILD_PARAMETERS) or "none"
            problems.append(
                Problem(
                    shown,
                    f"is not a parameter of {project.relative(nb_path)} "
                    f"(it declares: {names}); check the spelling or add it to the "
                    "notebook's parameters cell",
                    pkey,
                    document.line(loc),
                )
            )
        elif (wrong := mismatch(value, found[pname])) is not None:
            where, want = wrong
            leaf = _at(value, where)
            problems.append(
                Problem(
                    shown,
                    f"is {type(leaf).__name__} {leaf!r}, but the notebook's default "
                    + (f"{found[pname].default!r} has {want} there" if where else f"is {want}"),
                    ".".join(str(p) for p in (*loc, *where)),
                    document.line((*loc, *where)),
                )
            )
    return problems


def _at(value: Any, where: tuple[str | int, ...]) -> Any:
    for part in where:
        value = value[part]
    return value


def _check_agenda(
    project: Project,
    shown: str,
    document: YamlDocument,
    params: MeetingParams,
    *,
    documents: bool = True,
) -> list[Problem]:
    """Every report is on the agenda once; every document reads, and none is wrongly in git.

    A supplied document must exist; a confidential one may be absent (it is never in
    git), but its item must give its page count, which must be right when it is present.
    """
    problems: list[Problem] = []
    placed: dict[str, int] = {}
    for index, item in enumerate(params.agenda or []):
        loc = ("agenda", index)
        if item.report:
            key, line = f"agenda.{index}.report", document.line((*loc, "report"))
            if item.report not in params.reports:
                problems.append(
                    Problem(
                        shown,
                        f"{item.report!r} is not one of this meeting's reports "
                        f"({', '.join(params.reports)}); add it under 'reports:' or "
                        "correct the name",
                        key,
                        line,
                    )
                )
            elif item.report in placed:
                problems.append(
                    Problem(
                        shown,
                        f"{item.report!r} is already on the agenda (agenda.{placed[item.report]}); "
                        "a paper appears once",
                        key,
                        line,
                    )
                )
            placed.setdefault(item.report, index)
        name = item.supplied or item.confidential
        if name is None:
            continue
        kind = "supplied" if item.supplied else "confidential"
        key, line = f"agenda.{index}.{kind}", document.line((*loc, kind))
        pages_key, pages_line = f"agenda.{index}.pages", document.line((*loc, "pages"))
        try:
            path = document_path(project, params.meeting.id, item)
        except OutsideFolderError as error:
            problems.append(Problem(shown, f"names {error.shown}, which {error.reason}", key, line))
            continue
        rel = project.relative(path)
        if item.confidential and item.pages is None:
            problems.append(
                Problem(
                    shown,
                    f"is missing: give the page count of the confidential document {rel} "
                    "(e.g. 'pages: 10'); the public pack shows that many Document is "
                    "Restricted sheets, so that it is paged the same with or without the document",
                    pages_key,
                    line,
                )
            )
        if not path.is_file():
            if item.supplied:  # a confidential document is optional: never in git
                problems.append(
                    Problem(
                        shown,
                        f"names the document {rel}, which does not exist; put the "
                        "document there, or correct the file name",
                        key,
                        line,
                    )
                )
            continue
        if not documents:
            continue
        from reportlib import supplied  # pypdf: only to read the documents

        if item.confidential and _tracked_by_git(project.root, path):
            problems.append(
                Problem(
                    shown,
                    f"names {rel}, which git tracks: a confidential document must never be "
                    f"committed; remove it from git with 'git rm --cached {rel}' (the file "
                    "stays here, and .gitignore keeps it out from then on)",
                    key,
                    line,
                )
            )
        if path.suffix.lower() == ".md":
            continue  # its words are checked with the papers' (reportlib.precheck)
        try:
            pages = supplied.pdf_pages(path)
        except ValueError as error:
            problems.append(Problem(shown, f"names {rel}, which {error}", key, line))
            continue
        if item.confidential and item.pages not in (None, pages):
            problems.append(
                Problem(
                    shown,
                    f"says {item.pages}, but {rel} has {pages} pages; set 'pages: {pages}'",
                    pages_key,
                    pages_line,
                )
            )
    for name in params.reports:
        if name not in placed:
            problems.append(
                Problem(
                    shown,
                    f"is not on the agenda; add an item with 'report: {name}' "
                    "where the paper belongs",
                    f"reports.{name}",
                    document.line(("reports", name)),
                )
            )
    return problems


def _tracked_by_git(root: Path, path: Path) -> bool:
    """Whether git tracks ``path`` (False outside a git checkout, or without git)."""
    from reportlib.environment import git_exit

    return git_exit(root, "ls-files", "--error-unmatch", "--", str(path)) == 0


def _problem(shown: str, document: YamlDocument, error: Any) -> Problem:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc) or None
    kind = error["type"]
    if kind == "missing":
        message = "is missing; add it"
    elif kind == "extra_forbidden":
        message = "is not a key this file takes; check its spelling"
    elif kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        message = f"{error['input']!r} is not a date; write it as YYYY-MM-DD"
    else:
        message = error["msg"].removeprefix("Value error, ")
        if "input" in error and kind not in ("model_type", "dict_type"):
            message += f" (got {error['input']!r})"
    return Problem(shown, message, key, document.line(loc))
