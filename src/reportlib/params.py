"""A meeting's parameters: ``params/<meeting>.yaml`` loaded through a typed schema.

Everything is checked before any notebook runs: the YAML itself, the schema, that
every report has a notebook, and that every parameter given to a report is declared
(with a compatible type) in that notebook's ``parameters`` cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from reportlib.exceptions import ParamsError, Problem
from reportlib.notebook import Parameter, declared_parameters, fits
from reportlib.paths import REPORT_NAME, Project, validate_meeting_id
from reportlib.yamlfile import YamlDocument, load_yaml

#: Parameters every report notebook receives from the build, whatever the YAML says.
BUILD_PARAMETERS = ("meeting",)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Model):
    """The contact officer on a paper's front sheet."""

    name: str
    position: str
    phone: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Meeting(_Model):
    """The meeting every paper belongs to."""

    id: str
    board: str = Field(min_length=1)
    date: dt.date
    time: str = Field(description="24-hour start time, HH:MM")
    venue: str

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("write the start time as HH:MM on the 24-hour clock, e.g. '11:00'")
        return value


class Report(_Model):
    """One paper, built by one notebook."""

    title: str = Field(min_length=1)
    notebook: str | None = Field(None, description="file in notebooks/; default <report>.ipynb")
    purpose: str = ""
    summary: list[str] = []
    recommendations: list[str] = []
    actions: list[str] = []
    contact: Contact | None = None
    timeout: StrictInt = Field(600, gt=0, description="seconds any one cell may run")
    parameters: dict[str, Any] = {}


class MeetingParams(_Model):
    """The whole of ``params/<meeting>.yaml``."""

    meeting: Meeting
    reports: dict[str, Report] = Field(min_length=1)


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


def notebook_path(project: Project, name: str, report: Report) -> Path:
    return project.notebook(report.notebook or f"{name}.ipynb")


def load_meeting(project: Project, meeting: str) -> MeetingConfig:
    """Load and check ``params/<meeting>.yaml``; raise :class:`ParamsError` with every problem."""
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
    declared: dict[str, dict[str, Parameter]] = {}
    for name, report in params.reports.items():
        problems += _check_report(project, shown, document, name, report, declared)
    if problems:
        raise ParamsError(problems)
    return MeetingConfig(project, path, params, document, declared)


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
    nb_path = notebook_path(project, name, report)
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
        elif not fits(value, found[pname]):
            want = found[pname].type.__name__ if found[pname].type else "?"
            problems.append(
                Problem(
                    shown,
                    f"is {type(value).__name__} {value!r}, but the notebook's "
                    f"default is {want} {found[pname].default!r}",
                    pkey,
                    document.line(loc),
                )
            )
    return problems


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
