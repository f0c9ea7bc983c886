"""A meeting's parameters: ``params/<meeting>.yaml`` loaded through a typed schema.

Everything is checked before any notebook runs: the YAML itself, the schema, that
every report has a notebook, that every parameter given to a report is declared
(with a compatible type) in that notebook's ``parameters`` cell, and that the agenda's
documents can be read (and that no confidential one is in git).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from reportlib.exceptions import OutsideFolderError, ParamsError, Problem
from reportlib.frontsheet import FIELDS, FrontSheet, FrontSheetFields
from reportlib.notebook import Parameter, declared_parameters, mismatch
from reportlib.paths import REPORT_NAME, Project, contained, validate_meeting_id
from reportlib.yamlfile import YamlDocument, load_yaml

#: Parameters every report notebook receives from the build, whatever the YAML says.
BUILD_PARAMETERS = ("meeting",)
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
#: Where an agenda item's document lives, under ``data/<meeting>/``.
SUPPLIED_DIR, CONFIDENTIAL_DIR = "supplied", "confidential"
#: What ``reportlib new`` writes where the analyst must fill a value in.
TODO = "TODO"
DOCUMENT_TYPES = (".pdf", ".md")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meeting(_Model):
    """The meeting every paper belongs to."""

    id: str
    board: str = Field(min_length=1)
    date: dt.date
    time: str = Field(description="24-hour start time, HH:MM")
    venue: str

    @field_validator("date", "time", mode="before")
    @classmethod
    def _not_todo(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper().startswith(TODO):
            raise ValueError(
                "is still TODO (reportlib new leaves it so): write the meeting's "
                "date as YYYY-MM-DD and its start time as HH:MM"
            )
        return value

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.fullmatch(value):
            raise ValueError("write the start time as HH:MM on the 24-hour clock, e.g. '11:00'")
        return value

    @property
    def date_long(self) -> str:
        """The date as the papers print it: ``17 December 2020``."""
        return f"{self.date.day} {self.date:%B %Y}"


class Report(FrontSheetFields):
    """One paper, built by one notebook; its front sheet is usually in its words instead."""

    title: str = Field(min_length=1)
    notebook: str | None = Field(None, description="file in notebooks/; default <report>.ipynb")
    timeout: StrictInt = Field(600, gt=0, description="seconds any one cell may run")
    parameters: dict[str, Any] = Field(default_factory=dict)

    @property
    def front(self) -> FrontSheet:
        """The front sheet this entry gives (title and any front-sheet fields)."""
        fields = {k: getattr(self, k) for k in self.model_fields_set if k in FIELDS}
        return FrontSheet.model_validate({"title": self.title, **fields})


class AgendaItem(_Model):
    """One row of the agenda: a group heading, or a numbered item with at most one paper.

    ``report`` is a paper built by a notebook; ``supplied`` a document someone else wrote
    (``data/<meeting>/supplied/``); ``confidential`` a document kept out of git
    (``data/<meeting>/confidential/``) that the public pack replaces by a *Document is
    Restricted* sheets, ``pages`` of them (the document's page count, given so that the
    public pack is paged the same on every machine, with or without the document);
    ``verbal`` an update given at the meeting, with no paper. An item with none of them
    (welcome, any other business) has no paper either.
    """

    title: str | None = Field(None, min_length=1)
    heading: str | None = Field(None, min_length=1)
    report: str | None = None
    supplied: str | None = None
    confidential: str | None = None
    pages: StrictInt | None = Field(None, gt=0, description="a confidential document's pages")
    verbal: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> AgendaItem:
        papers = [k for k in ("report", "supplied", "confidential") if getattr(self, k)]
        papers += ["verbal"] if self.verbal else []
        if self.pages is not None and not self.confidential:
            raise ValueError("'pages' is for a confidential item only; remove it")
        if self.heading is not None:
            if self.title is not None or papers:
                raise ValueError(
                    "a heading row takes only 'heading'; put the item on a row of its own"
                )
            return self
        if len(papers) > 1:
            raise ValueError(
                f"an item has at most one of report, supplied, confidential, verbal "
                f"(this one has {' and '.join(papers)}); split it into two items"
            )
        if self.title is None and not self.report:
            raise ValueError("an item needs a 'title' (or a 'report', whose title it takes)")
        return self

    @field_validator("supplied", "confidential")
    @classmethod
    def _document(cls, value: str | None) -> str | None:
        if value is None:
            return value
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or "\\" in value:
            raise ValueError(
                "name the document by its file name inside the meeting's folder "
                "(e.g. boards_improvement_activity.md), without '..' or a leading '/'"
            )
        if path.suffix.lower() not in DOCUMENT_TYPES:
            raise ValueError(
                f"a document must be a PDF (.pdf) or Markdown (.md) file, not {value!r}"
            )
        return value

    @property
    def kind(self) -> str:
        """heading, report, supplied, confidential, verbal or none."""
        if self.heading is not None:
            return "heading"
        for kind in ("report", "supplied", "confidential"):
            if getattr(self, kind):
                return kind
        return "verbal" if self.verbal else "none"


class Member(_Model):
    """A board member or substitute as the membership page lists them."""

    name: str = Field(min_length=1)
    role: str | None = Field(None, description="Chairman, Vice-Chair, Deputy Chair, Observer …")
    authority: str | None = None


class Group(_Model):
    """A political group's seats on the board (the seat count is counted, not typed)."""

    name: str = Field(min_length=1)
    members: list[Member] = Field(min_length=1)
    substitutes: list[Member] = []


class Membership(_Model):
    title: str = Field(min_length=1, description="e.g. Membership 2020/2021")
    groups: list[Group] = Field(min_length=1)
    observers: list[Member] = Field([], description="independent observers")


class GroupOffice(_Model):
    group: str = Field(min_length=1)
    phone: str
    email: str = Field(pattern=_EMAIL)


class NoticeContact(_Model):
    name: str = Field(min_length=1)
    email: str = Field(pattern=_EMAIL)
    phone: str = ""


class Notice(_Model):
    """A notice in the pack: a heading, and text, group offices or a contact."""

    heading: str = Field(min_length=1)
    text: list[str] = Field([], description="a paragraph, or a list of paragraphs")
    offices: list[GroupOffice] = []
    contact: NoticeContact | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _paragraphs(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _says_something(self) -> Notice:
        if not (self.text or self.offices or self.contact):
            raise ValueError("a notice needs 'text', 'offices' or 'contact'")
        return self


class NextMeeting(_Model):
    date: dt.date
    time: str | None = Field(None, description="24-hour start time, HH:MM")
    note: str = Field("", description="e.g. tbc")

    @field_validator("time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.fullmatch(value):
            raise ValueError("write the start time as HH:MM on the 24-hour clock, e.g. '11:00'")
        return value


class FrontMatter(_Model):
    """What the agenda pack shows before the agenda: cover, notices, membership."""

    to: str = Field("", description="the cover's 'To:' line")
    cc: str = Field("", description="the cover's 'cc:' line")
    notices: list[Notice] = []
    membership: Membership | None = None
    next_meeting: NextMeeting | None = None


class MeetingParams(_Model):
    """The whole of ``params/<meeting>.yaml``."""

    meeting: Meeting
    reports: dict[str, Report] = Field(min_length=1)
    #: The agenda in order; a meeting with one gets an agenda pack and a review page.
    agenda: list[AgendaItem] | None = Field(None, min_length=1)
    front_matter: FrontMatter = FrontMatter()


@dataclass(frozen=True)
class MeetingConfig:
    """Validated parameters of one meeting, with where they came from."""

    project: Project
    path: Path
    params: MeetingParams
    document: YamlDocument
    declared: dict[str, dict[str, Parameter]]

    @property
    def id(self) -> str:
        return self.params.meeting.id

    def notebook_path(self, report: str) -> Path:
        return notebook_path(self.project, report, self.params.reports[report])

    def notebook_parameters(self, report: str) -> dict[str, Any]:
        """What the build injects into the report's notebook."""
        return {"meeting": self.id, **self.params.reports[report].parameters}

    def numbered_agenda(self) -> list[tuple[int | None, AgendaItem]]:
        """The agenda's rows with their item numbers (None for a heading)."""
        rows: list[tuple[int | None, AgendaItem]] = []
        number = 0
        for item in self.params.agenda or []:
            if item.heading is None:
                number += 1
            rows.append((None if item.heading is not None else number, item))
        return rows

    def item_title(self, item: AgendaItem) -> str:
        """The item's title on the agenda: its own, else its report's."""
        if item.title:
            return item.title
        if item.report:
            return self.params.reports[item.report].title
        return item.heading or ""

    def document_path(self, item: AgendaItem) -> Path:
        """Where a supplied or confidential item's document is (it may not exist)."""
        return document_path(self.project, self.id, item)


def notebook_path(project: Project, name: str, report: Report) -> Path:
    return project.notebook(report.notebook or f"{name}.ipynb")


def document_path(project: Project, meeting: str, item: AgendaItem) -> Path:
    """``data/<meeting>/supplied/<file>`` or ``data/<meeting>/confidential/<file>``, resolved.

    Raises :class:`OutsideFolderError` if a link leads out of that folder: a supplied
    document never comes from the confidential folder, or from outside the project.
    """
    folder = SUPPLIED_DIR if item.supplied else CONFIDENTIAL_DIR
    name = item.supplied or item.confidential
    if name is None:
        raise ValueError(f"agenda item {item.title!r} has no document")
    base = project.data_dir(meeting) / folder
    return contained(base / name, base, project.relative(base / name))


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
