"""The types of a meeting's parameters (``params/<meeting>.yaml``): the typed schema the
file is validated against, and :class:`MeetingConfig`, the loaded meeting every stage
takes. Loading and the checks across files are :mod:`reportlib.params`'.
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
    field_validator,
    model_validator,
)

from reportlib.frontsheet import FIELDS, FrontSheet, FrontSheetFields
from reportlib.notebook import Parameter
from reportlib.paths import Project, contained
from reportlib.yamlfile import YamlDocument

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
