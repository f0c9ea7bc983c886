"""``reportlib new MEETING --from PREVIOUS``: start a meeting as a copy of the last one.

The new meeting gets ``params/MEETING.yaml`` — the previous file with the meeting id
set, the date (and time) given or left as ``TODO``, which ``check`` refuses until it is
filled in, and the next meeting left for the analyst to set — and ``data/MEETING/``:
every dataset, ``sources.yaml``, the words and the supplied documents, never a
confidential document and never an editor's litter. Nothing is overwritten: an
existing meeting is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reportlib.accept import FILE as ACCEPTED
from reportlib.exceptions import ParamsError, Problem, ReportlibError
from reportlib.files import atomic_write
from reportlib.params import CONFIDENTIAL_DIR, SUPPLIED_DIR, TODO, load_meeting
from reportlib.paths import Project, validate_meeting_id
from reportlib.yamlfile import load_yaml

#: Never copied: confidential documents, the last meeting's accepted warnings (a
#: reviewer accepts a build's warnings, not the next meeting's), notebook checkpoints,
#: editors' backups.
LEFT_OUT = (
    CONFIDENTIAL_DIR,
    ACCEPTED,
    ".ipynb_checkpoints",
    ".*",
    "*~",
    "*.swp",
    "*.bak",
    "#*#",
)


@dataclass
class NewMeeting:
    """What was made, and what the analyst must now do."""

    meeting: str
    params: Path
    data: Path
    checklist: list[str] = field(default_factory=list)


def new_meeting(
    project: Project,
    meeting: str,
    previous: str,
    *,
    date: dt.date | None = None,
    time: str | None = None,
) -> NewMeeting:
    """Create ``meeting`` from ``previous``; :class:`ReportlibError` if it cannot, before
    anything is written."""
    meeting, previous = validate_meeting_id(meeting), validate_meeting_id(previous)
    params, data = project.params_file(meeting), project.data_dir(meeting)
    for path in (params, data):
        if path.exists():
            raise ReportlibError(
                f"{project.relative(path)} exists already: meeting {meeting} has been "
                "started; edit its files, or remove them to start again"
            )
    if not project.params_file(previous).is_file():
        known = ", ".join(project.meetings()) or "none"
        raise ReportlibError(f"there is no meeting {previous} to start from (meetings: {known})")
    if meeting <= previous:
        raise ReportlibError(f"meeting {meeting} must come after {previous}, the one it copies")
    if date is not None and f"{date:%Y-%m}" != meeting:
        raise ReportlibError(f"--date {date.isoformat()} is not in {meeting}, the meeting's month")
    config = load_meeting(project, previous)  # a broken previous meeting is no template
    text = _params_text(project.params_file(previous), meeting, date, time)
    source = project.data_dir(previous)
    with tempfile.TemporaryDirectory(prefix=f".new-{meeting}-", dir=project.data) as tmp:
        staged = Path(tmp) / meeting
        if source.is_dir():
            shutil.copytree(source, staged, ignore=shutil.ignore_patterns(*LEFT_OUT))
        else:
            staged.mkdir()
        staged.rename(data)
    atomic_write(params, text)
    made = NewMeeting(meeting, params, data)
    made.checklist = _checklist(project, made, config, date is None)
    return made


def _params_text(path: Path, meeting: str, date: dt.date | None, time: str | None) -> str:
    """The previous params file with the meeting's id, date and time replaced in place,
    so that its comments and layout are kept."""
    text = path.read_text(encoding="utf-8")
    document = load_yaml(path)
    edits = [
        (("meeting", "id"), f'"{meeting}"'),
        (("meeting", "date"), date.isoformat() if date else f"{TODO}  # YYYY-MM-DD"),
    ]
    if time is not None or date is None:
        edits.append((("meeting", "time"), f'"{time}"' if time else f"{TODO}  # HH:MM"))
    spans = [(_value_node(document.node, loc), value) for loc, value in edits]
    following = _value_node(document.node, ("front_matter", "next_meeting"))
    if following is not None:
        spans.append(
            (following, 'null  # the meeting after this one: {date: YYYY-MM-DD, time: "HH:MM"}')
        )
    for node, value in sorted(spans, key=lambda s: s[0].start_mark.index, reverse=True):
        text = text[: node.start_mark.index] + value + text[node.end_mark.index :]
    return text


def _value_node(node: yaml.Node | None, loc: tuple[str, ...]) -> yaml.Node | None:
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if k.value == part), None)
    return node


def _checklist(project: Project, made: NewMeeting, config, todo_date: bool) -> list[str]:
    rel = project.relative
    items = []
    if todo_date:
        items.append(f"set the meeting's date and time in {rel(made.params)} (they say TODO)")
    items.append(
        f"set front_matter.next_meeting in {rel(made.params)}, and check the agenda, the "
        "reports' parameters and (each May) the membership"
    )
    datasets = sorted(made.data.glob("*.csv"))
    if datasets:
        items.append(
            "refresh the datasets with this meeting's figures (a dataset left as it was is "
            "a build warning): " + ", ".join(p.name for p in datasets)
        )
    items.append(
        f"update {rel(made.data / 'sources.yaml')} to say where each dataset now comes from"
    )
    words = sorted((made.data / "narrative").glob("*.md"))
    if words:
        items.append("revise each paper's words: " + ", ".join(rel(p) for p in words))
    supplied = sorted(p for p in (made.data / SUPPLIED_DIR).glob("*") if p.is_file())
    if supplied:
        items.append("replace the supplied documents: " + ", ".join(rel(p) for p in supplied))
    confidential = [i.confidential for i in config.params.agenda or [] if i.confidential]
    if confidential:
        items.append(
            f"put this meeting's confidential documents in {rel(made.data / CONFIDENTIAL_DIR)}/ "
            "(never copied, never committed): " + ", ".join(confidential)
        )
    items.append(f"then: reportlib check {made.meeting}, and make report MEETING={made.meeting}")
    return items


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParamsError(
            [Problem("--date", f"{text!r} is not a date; write it as YYYY-MM-DD")]
        ) from None
