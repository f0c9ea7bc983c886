"""Build warnings with stable ids, so that a reviewer can accept one by its id.

An id is ``<where>/<key>``. ``where`` is the report that warned, ``same-fact`` for a
fact two papers state differently (:mod:`reportlib.samefacts`), ``pack`` for the
pack, or ``accept`` for an acceptance that matches no warning. ``key`` names what was
checked (a check's name, a declared fact), never the figures in the message, so that
the id survives a change of figures; a warning that names nothing of the kind gets a
key made from a hash of its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from reportlib.fingerprint import sha256

#: What an id looks like: ``where/key``, lower case, digits, ``-``, ``_`` and ``.``.
ID = re.compile(r"[a-z0-9_-]+/[a-z0-9_.-]+")
SAME_FACT, PACK, ACCEPT = "same-fact", "pack", "accept"
#: The kinds of warning: about what was built, or about an input that may be out of date.
WARNING, STALE = "warning", "stale"
#: How the text of a warning about an out-of-date input begins, as a notebook raises it
#: (:data:`reportlib.record.STALE`); read here alone, where a text becomes a warning.
STALE_PREFIX = "may be out of date: "


@dataclass(frozen=True)
class BuildWarning:
    """One warning of a build: its stable id, what it says and its kind.

    The one shape of a warning from where it arises (a report, the meeting's same
    facts, the pack, an acceptance) to the terminal, the review page and ``--strict``.
    """

    id: str
    message: str
    kind: str = ""  # WARNING or STALE; worked out from the message when not given

    def __post_init__(self) -> None:
        if not self.kind:
            found = STALE if self.message.startswith(STALE_PREFIX) else WARNING
            object.__setattr__(self, "kind", found)

    @property
    def text(self) -> str:
        """What it says, without the words that mark its kind."""
        return self.message.removeprefix(STALE_PREFIX) if self.kind == STALE else self.message

    @property
    def where(self) -> str:
        """The report that warned, or ``same-fact``, ``pack`` or ``accept``."""
        return self.id.partition("/")[0]

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message}


class Warned(Protocol):
    """What holds a report's warnings: a report's record
    (:class:`reportlib.manifest.ReportEntry`)."""

    warnings: list[str]
    warning_ids: list[str]


def slug(text: str) -> str:
    """``text`` as an id's key: "Other income (£'000)" -> "other-income-000"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "warning"


def text_key(message: str) -> str:
    """The key of a warning that names no check: from its text, so stable while it is."""
    return "w-" + sha256(message.encode("utf-8"))[:10]


def of_report(report: str, entry: Warned) -> list[BuildWarning]:
    """The warnings of a report's manifest entry (an entry without ids: keys from text)."""
    messages = entry.warnings
    keys = entry.warning_ids
    if len(keys) != len(messages):
        keys = [text_key(m) for m in messages]
    return [BuildWarning(f"{report}/{k}", m) for k, m in zip(keys, messages, strict=True)]


def of_pack(messages: list[str]) -> list[BuildWarning]:
    return [BuildWarning(f"{PACK}/{text_key(m)}", m) for m in messages]


def of_json(found: Any) -> list[BuildWarning]:
    """Warnings stored as ``[{"id": ..., "message": ...}]`` (the meeting's own)."""
    if not isinstance(found, list):
        return []
    return [
        BuildWarning(str(w["id"]), str(w["message"]))
        for w in found
        if isinstance(w, dict) and "id" in w and "message" in w
    ]
