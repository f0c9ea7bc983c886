"""What in a meeting's inputs may be out of date, found without running anything.

A meeting is usually started as a copy of the one before (``reportlib new``), so two
things point to an input that was not brought up to date: a dataset that is byte for
byte the previous meeting's, and a date written in the words or the sources that lies
before the previous meeting. Each is a build warning of the reports it concerns,
beginning :data:`reportlib.record.STALE`, which the review page groups.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from reportlib.exceptions import ReportlibError
from reportlib.narrative import FOLDER
from reportlib.notebook import declared_datasets
from reportlib.params import MeetingConfig, load_meeting
from reportlib.record import STALE

# English month names whatever the locale: the papers are written in English.
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DATE = re.compile(
    rf"\b(?:(\d{{1,2}}) )?({'|'.join(MONTHS)}) (\d{{4}})\b|\b(\d{{4}})-(\d{{2}})-(\d{{2}})\b"
)


def previous_meeting(config: MeetingConfig) -> MeetingConfig | None:
    """The latest earlier meeting with a valid params file, or None."""
    project, meeting = config.project, config.params.meeting.id
    for earlier in reversed([m for m in project.meetings() if m < meeting]):
        try:
            return load_meeting(project, earlier)
        except ReportlibError:
            continue
    return None


def stale_inputs(config: MeetingConfig) -> dict[str, list[str]]:
    """Warnings per report about inputs that may be out of date (see the module)."""
    found: dict[str, list[str]] = {name: [] for name in config.params.reports}
    before = previous_meeting(config)
    if before is None:
        return found
    project, meeting = config.project, config.params.meeting.id
    reads = {name: declared_datasets(config.notebook_path(name)) for name in found}

    def concerning(dataset: str) -> list[str]:
        return [n for n, names in reads.items() if dataset in names] or list(found)

    here, there = project.data_dir(meeting), project.data_dir(before.params.meeting.id)
    for path in sorted(here.glob("*.csv")):
        old = there / path.name
        if old.is_file() and old.read_bytes() == path.read_bytes():
            message = (
                f"{STALE}{project.relative(path)} is the same, byte for byte, as "
                f"{project.relative(old)}: refresh it for this meeting, unless its figures "
                "really did not change"
            )
            for name in concerning(path.stem):
                found[name].append(message)
    since = before.params.meeting
    for name in found:
        words = here / FOLDER / f"{name}.md"
        found[name] += [
            f"{STALE}{project.relative(words)}:{line}: {message}"
            for message, line in _dated_lines(words, since.date, since.date_long)
        ]
    sources = here / "sources.yaml"
    entries = _entries(sources)
    for message, line in _dated_lines(sources, since.date, since.date_long):
        for name in concerning(entries.get(line) or ""):
            found[name].append(f"{STALE}{project.relative(sources)}:{line}: {message}")
    return found


def _dated_lines(path: Path, date: dt.date, long: str) -> list[tuple[str, int]]:
    """Each date written in ``path`` that lies before ``date``, with its line."""
    if not path.is_file():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in _DATE.finditer(line):
            when = _date_of(match)
            if when is not None and when < date:
                found.append(
                    (
                        f"{match.group(0)!r} lies before the previous meeting ({long}): "
                        "is it still what this meeting's paper should say?",
                        number,
                    )
                )
    return found


def _date_of(match: re.Match) -> dt.date | None:
    """The date a match names; a month alone stands for its last day."""
    try:
        if match.group(4):
            return dt.date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
        year, month = int(match.group(3)), MONTHS.index(match.group(2)) + 1
        day = int(match.group(1)) if match.group(1) else calendar.monthrange(year, month)[1]
        return dt.date(year, month, day)
    except ValueError:
        return None


def _entries(path: Path) -> dict[int, str | None]:
    """Each line of ``sources.yaml`` and the top-level key (a dataset) whose entry holds it."""
    entries, entry = {}, None
    if path.is_file():
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"[a-z][a-z0-9_]*:", text):
                entry = text.split(":", 1)[0]
            entries[number] = entry
    return entries
