"""The pack's own pages, compiled from its Typst templates: front matter and sheets.

The front matter is the cover, notices, membership and the agenda, whose entries
link to their items; a sheet stands in for a paper (*Document is Restricted*, one a
page of the confidential document, or *Paper not available*). Each template fills
itself from a ``data.json`` written here and is compiled as PDF/UA-1 on the house base.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from reportlib import style
from reportlib.params import MeetingConfig

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "typst"
#: Agenda entries link to this address and the item's number; the merge points each
#: at the item's first page (the front matter alone does not hold those pages).
ITEM_LINK = "reportlib-item:"


def time_12h(hhmm: str) -> str:
    """``11:00`` as the board writes it: ``11.00 am``."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return f"{(hour - 1) % 12 + 1}.{minute:02d} {'am' if hour < 12 else 'pm'}"


def day_date(date: dt.date) -> str:
    """``Thursday 17 December 2020``."""
    return f"{date:%A} {date.day} {date:%B %Y}"


def item_link(number: int) -> str:
    return f"{ITEM_LINK}{number}"


def linked_item(address: str) -> int | None:
    """The item number an agenda entry's link address stands for, or None."""
    if not address.startswith(ITEM_LINK) or not address[len(ITEM_LINK) :].isdigit():
        return None
    return int(address[len(ITEM_LINK) :])


def compile_template(
    template: str, data: dict[str, Any], date: dt.date, first_page: int | None = None
) -> bytes:
    """Compile one of the pack's Typst templates with ``data`` as its data.json."""
    from reportlib.render.pdf import compile_typst

    with tempfile.TemporaryDirectory(prefix="reportlib-pack-") as tmp:
        folder = Path(tmp)
        (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return compile_typst(
            (TEMPLATES / template).read_text(encoding="utf-8"),
            folder,
            date,
            first_page=first_page,
            what=f"the pack's {template}",
        )


def _common(config: MeetingConfig) -> dict[str, Any]:
    meeting = config.params.meeting
    return {
        "board": meeting.board,
        "date_long": meeting.date_long,
        "year": meeting.date.year,
        "month": meeting.date.month,
        "day": meeting.date.day,
        "lang": style.LANG,
        "style": {**style.typst_variables(), "size": style.BODY_SIZE_PT},
    }


def sheet(
    config: MeetingConfig, heading: str, lines: list[str], first_page: int, pages: int = 1
) -> bytes:
    """``pages`` numbered sheets with a heading and a few lines, in place of a paper.

    A screen reader meets the heading and lines once: the sheets after the first
    repeat them for the eye only.
    """
    data = {**_common(config), "title": heading, "heading": heading, "lines": lines, "pages": pages}
    return compile_template("pack-sheet.typ", data, config.params.meeting.date, first_page)


def restricted(config: MeetingConfig, number: int, title: str, first: int, pages: int) -> bytes:
    return sheet(config, "Document is Restricted", [f"Item {number}: {title}"], first, pages)


def front(config: MeetingConfig, rows: list[dict[str, Any]]) -> bytes:
    """Cover, notices, membership and the agenda (with its page ranges, linked)."""
    meeting = config.params.meeting
    matter = config.params.front_matter
    notices = [
        {
            "heading": n.heading,
            "paragraphs": list(n.text),
            "offices": [o.model_dump() for o in n.offices],
            "contact": n.contact.model_dump() if n.contact else None,
        }
        for n in matter.notices
    ]
    next_meeting = ""
    if matter.next_meeting:
        nm = matter.next_meeting
        words = [f"{nm.date:%A}, {nm.date.day} {nm.date:%B %Y}"]
        words += [time_12h(nm.time)] if nm.time else []
        words += [nm.note] if nm.note else []
        next_meeting = ", ".join(words)
    data = {
        **_common(config),
        "title": f"{meeting.board}: agenda pack, {meeting.date_long}",
        "day_date": day_date(meeting.date),
        "time": time_12h(meeting.time),
        "venue": meeting.venue,
        "to": matter.to,
        "cc": matter.cc,
        "notice_line": (
            f"There will be a meeting of the {meeting.board} at {time_12h(meeting.time)} "
            f"on {day_date(meeting.date)}. Venue: {meeting.venue}."
            if matter.notices
            else ""
        ),
        "notices": notices,
        "membership": matter.membership.model_dump() if matter.membership else None,
        "agenda": [
            {**row, "link": item_link(row["number"]) if row["pages"] else None} for row in rows
        ],
        "next_meeting": next_meeting,
    }
    return compile_template("pack-front.typ", data, meeting.date)
