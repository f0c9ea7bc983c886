"""A paper's words for one meeting: ``data/<meeting>/narrative/<report>.yaml``.

The narrative holds the meeting-specific text (front sheet, body sections, appendix
items); figures in it are placeholders that name a dataset row, never digits:

    {rps_figures.peers}                                  dataset rps_figures, key "peers"
    {rps_programmes.bespoke_remote_peer_support.delivered.programmes}
    {resident_satisfaction_polling.trusts_council.27:pct}   column pct (default: value)

A placeholder's key parts follow the dataset schema's ``key`` in order. Its value is
formatted with its units (:mod:`reportlib.formats`). Every text is escaped, so words
from data can never become markup: the Markdown built here is the only markup.

Any problem (a placeholder that resolves to nothing, a stray brace, a key the notebook
does not show) is a :class:`DataError` naming the narrative file, its line and key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from reportlib import record
from reportlib.data import load_table, read_yaml
from reportlib.exceptions import DataError, Problem
from reportlib.formats import with_units
from reportlib.inline import escape
from reportlib.paths import Project, find_project
from reportlib.yamlfile import YamlDocument

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([^{}:\n]+?)(?::([a-z][a-z0-9_]*))?\}")
PARAGRAPH_KEYS = {"lead", "text", "points", "after", "topics"}
SECTION_KEYS = {"heading", "level", "paragraphs", "subsections", "show", "note"}
FRONT_ITEM_KEYS = {"text", "points"}
CONTACT_FIELDS = ("name", "position", "phone", "email")

Where = Sequence[str | int]


class Markdown(str):
    """Markdown text that a notebook displays as Markdown (HTML and PDF both render it)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _keep(text: str) -> str:
    return text


class Narrative:
    """The narrative of ``report`` for ``meeting``, with its placeholders resolved.

    :meth:`text` gives one piece of text; :meth:`paragraph`, :meth:`section` and
    :meth:`show` the body; :meth:`record_front_sheet` gives the build the front sheet.
    ``where`` arguments are key paths in the file (``("sections", 2, "paragraphs")``),
    so that an error names the line.
    """

    def __init__(self, report: str, meeting: str, *, project: Project | None = None):
        self.project = project or find_project()
        self.meeting = meeting
        self.path = self.project.data_dir(meeting) / "narrative" / f"{report}.yaml"
        self.shown = self.project.relative(self.path)
        self.document: YamlDocument = read_yaml(
            self.project,
            self.path,
            f"every report's words are in data/<meeting>/narrative/{report}.yaml; "
            "copy the last meeting's and update it",
        )
        if not isinstance(self.document.data, dict):
            raise DataError([Problem(self.shown, "must be a mapping (purpose, summary, …)")])
        self.data: dict[str, Any] = self.document.data
        self._tables: dict[str, pd.DataFrame] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self.data:
            raise self.error(f"has no {key!r}; the notebook needs it", ())
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def error(self, message: str, where: Where) -> DataError:
        """A problem at key path ``where`` of the narrative file, with its line."""
        key = ".".join(str(p) for p in where) or None
        return DataError([Problem(self.shown, message, key, self.document.line(tuple(where)))])

    # -- figures -------------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """The meeting's dataset ``name`` (loaded once, checked against its schema)."""
        if name not in self._tables:
            self._tables[name] = load_table(name, self.meeting, project=self.project)
        return self._tables[name]

    def value(self, placeholder: str, where: Where = ()) -> Any:
        """The value behind a placeholder (``dataset.key[:column]``), to compute with."""
        match = PLACEHOLDER.fullmatch("{" + placeholder.strip("{}") + "}")
        if not match:
            raise self.error(f"{placeholder!r} is not a placeholder dataset.key[:column]", where)
        return self._lookup(match, where)[0]

    def _lookup(self, match: re.Match, where: Where) -> tuple[Any, str | None]:
        name, key, column = match.group(1), match.group(2), match.group(3) or "value"
        if not (self.project.data / "schemas" / f"{name}.yaml").is_file():
            raise self.error(f"{match.group(0)} names no dataset {name!r}", where)
        frame = self.table(name)
        schema = frame.attrs["schema"]
        parts = key.split(".")
        if len(parts) != len(schema.key):
            raise self.error(
                f"{match.group(0)}: dataset {name} is keyed by {', '.join(schema.key)}, "
                f"so give {len(schema.key)} key part(s) separated by '.'",
                where,
            )
        if column not in frame.columns:
            raise self.error(
                f"{match.group(0)}: dataset {name} has no column {column!r} "
                f"(it has: {', '.join(frame.columns)})",
                where,
            )
        rows = frame
        for col, part in zip(schema.key, parts, strict=True):
            rows = rows[rows[col].map(_key_text) == part]
        if len(rows) != 1:
            raise self.error(
                f"{match.group(0)}: no row of data/{self.meeting}/{name}.csv has "
                + ", ".join(f"{c} = {p!r}" for c, p in zip(schema.key, parts, strict=True)),
                where,
            )
        row = rows.iloc[0]
        units = row["units"] if "units" in frame.columns else schema.column(column).units
        value = row[column]
        return (value.item() if hasattr(value, "item") else value), units

    # -- text ------------------------------------------------------------------------

    def text(self, text: Any, where: Where = ()) -> str:
        """``text`` escaped for Markdown, its placeholders replaced by formatted figures."""
        return self._resolve(text, where, escape)

    def plain(self, text: Any, where: Where = ()) -> str:
        """Like :meth:`text`, unescaped: for the front sheet (the templates escape it)."""
        return self._resolve(text, where, _keep)

    def _resolve(self, text: Any, where: Where, finish: Callable[[str], str]) -> str:
        source, parts, last = str(text), [], 0
        for match in [*PLACEHOLDER.finditer(source), None]:
            literal = source[last : match.start() if match else len(source)]
            if "{" in literal or "}" in literal:
                raise self.error(
                    f"has a brace that is not part of a placeholder {{dataset.key[:column]}}: "
                    f"{literal.strip()[:60]!r}",
                    where,
                )
            parts.append(finish(literal))
            if match:
                parts.append(finish(with_units(*self._lookup(match, where))))
                last = match.end()
        return "".join(parts)

    def paragraph(self, item: Any, where: Where = ()) -> str:
        """A paragraph: text, or ``{lead, text, points, after, topics}``.

        ``lead`` is a bold lead-in, ``points`` bullets, ``after`` paragraphs after them,
        ``topics`` a short list run into one line. Any other key is an error, so that no
        words in the file are silently left out of the paper.
        """
        where = tuple(where)
        if not isinstance(item, dict):
            return self.text(item, where)
        self.check_keys(item, PARAGRAPH_KEYS, where, "a paragraph")
        lines = []
        first = self.text(item.get("text", ""), (*where, "text"))
        if item.get("lead"):
            first = f"**{self.text(item['lead'], (*where, 'lead'))}** {first}".rstrip()
        if first:
            lines.append(first)
        if item.get("points"):
            lines.append(self.bullets(item["points"], (*where, "points")))
        if item.get("topics"):
            topics = [self.text(t, (*where, "topics", i)) for i, t in enumerate(item["topics"])]
            lines.append("; ".join(topics) + ".")
        lines += [self.text(a, (*where, "after", i)) for i, a in enumerate(item.get("after") or [])]
        return "\n\n".join(lines)

    def paragraphs(self, items: Iterable[Any], where: Where = ()) -> Markdown:
        return Markdown(
            "\n\n".join(self.paragraph(p, (*where, i)) for i, p in enumerate(items or []))
        )

    def bullets(self, items: Iterable[Any], where: Where = ()) -> Markdown:
        """Items as one bullet list (each item may have a bold ``lead``)."""
        return Markdown(
            "\n".join(
                "- " + self.paragraph(p, (*where, i)).replace("\n", "\n  ")
                for i, p in enumerate(items or [])
            )
        )

    def heading(self, text: str, level: int = 1, where: Where = ()) -> Markdown:
        """A heading: level 1 is a section of the paper (``##``), 2 a sub-section."""
        return Markdown("#" * (level + 1) + " " + self.text(text, where))

    def bold(self, text: str, where: Where = ()) -> Markdown:
        """A short line in bold, such as a list's lead-in."""
        return Markdown(f"**{self.text(text, where)}**")

    def section(self, section: dict, where: Where = (), *, base: int = 1) -> Markdown:
        """``{heading, level, paragraphs, subsections}`` as Markdown."""
        where = tuple(where)
        out = []
        if section.get("heading"):
            level = base + int(section.get("level", 1)) - 1
            out.append(self.heading(section["heading"], level, (*where, "heading")))
        if section.get("paragraphs"):
            out.append(self.paragraphs(section["paragraphs"], (*where, "paragraphs")))
        for i, sub in enumerate(section.get("subsections") or []):
            self.check_keys(sub, SECTION_KEYS, (*where, "subsections", i), "a sub-section")
            out.append(self.section(sub, (*where, "subsections", i), base=base + 1))
        return Markdown("\n\n".join(out))

    def show(
        self,
        sections: Sequence[dict] | None = None,
        where: Where = ("sections",),
        *,
        figures: dict[str, Callable[[], Any]] | None = None,
        extra: Callable[[dict, tuple], Iterable[Any]] | None = None,
        extra_keys: Iterable[str] = (),
        base: int = 1,
    ) -> None:
        """Display sections in order (default: the body), each followed by its extras.

        A section's ``show: [name, ...]`` displays ``figures[name]()`` after its text, so
        the meeting's narrative decides where a chart or table stands. ``extra(section,
        where)`` returns more to display for the ``extra_keys`` the notebook handles
        itself. Any other key is an error; ``note`` keys are comments for the analyst.
        """
        from IPython.display import display

        where = tuple(where)
        found = self.get(str(where[0]), []) if sections is None else sections
        figures = figures or {}
        for i, section in enumerate(found or []):
            here = (*where, i)
            self.check_keys(section, SECTION_KEYS | set(extra_keys), here, "a section")
            display(self.section(section, here, base=base))
            for name in section.get("show") or []:
                if name not in figures:
                    raise self.error(
                        f"shows {name!r}, which this notebook does not draw "
                        f"(it draws: {', '.join(figures) or 'nothing'})",
                        (*here, "show"),
                    )
                display(figures[name]())
            for item in extra(section, here) if extra else ():
                display(item)

    def appendix_heading(self, appendix: dict, where: Where) -> Markdown:
        """``## Appendix 1: Title`` (the heading that starts the paper's appendix)."""
        where = tuple(where)
        label = self.text(appendix["label"], (*where, "label"))
        lines = [f"## {label}: {self.text(appendix['title'], (*where, 'title'))}"]
        if appendix.get("subtitle"):
            lines.append(self.bold(appendix["subtitle"], (*where, "subtitle")))
        return Markdown("\n\n".join(lines))

    def contacts(self, people: Sequence[dict] | None, heading: str, where: Where) -> Markdown:
        """Contact officers as a short list (name, position, phone, email)."""
        if not people:
            return Markdown("")
        lines = [
            "- " + ", ".join(self.text(p[k], (*where, i, k)) for k in CONTACT_FIELDS if p.get(k))
            for i, p in enumerate(people)
        ]
        return Markdown(f"{self.bold(heading)}\n\n" + "\n".join(lines))

    def check_keys(self, item: Any, allowed: set[str], where: Where, what: str) -> None:
        if not isinstance(item, dict):
            raise self.error(f"must be {what} (a mapping)", where)
        unknown = sorted(set(item) - allowed)
        if unknown:
            raise self.error(
                f"{what} takes {', '.join(sorted(allowed))}; not {', '.join(unknown)}", where
            )

    # -- front sheet -----------------------------------------------------------------

    def front_sheet(self) -> dict[str, Any]:
        """Purpose, summary, recommendations, actions and contact, placeholders resolved.

        Summary, recommendations and actions are lists of paragraphs, each text or
        ``{text, points}``; contact is one person or a list of people, each checked here
        so that a mistake is reported against this file.
        """
        from reportlib.params import Contact

        out: dict[str, Any] = {}
        if self.get("purpose"):
            out["purpose"] = self.plain(self["purpose"], ("purpose",))
        for key in ("summary", "recommendations", "actions"):
            items = []
            for i, item in enumerate(self.get(key) or []):
                where = (key, i)
                if not isinstance(item, dict):
                    items.append(self.plain(item, where))
                    continue
                self.check_keys(item, FRONT_ITEM_KEYS, where, "a front-sheet paragraph")
                points = item.get("points") or []
                items.append(
                    {
                        "text": self.plain(item.get("text", ""), (*where, "text")),
                        "points": [
                            self.plain(p, (*where, "points", j)) for j, p in enumerate(points)
                        ],
                    }
                )
            if items:
                out[key] = items
        contact = self.get("contact")
        if contact:
            people = contact if isinstance(contact, list) else [contact]
            for i, person in enumerate(people):
                at = ("contact", i) if isinstance(contact, list) else ("contact",)
                try:
                    Contact.model_validate(person)
                except ValueError as error:
                    raise self.error(f"is not a contact officer: {error}", at) from None
            out["contact"] = [dict(p) for p in people]
        return out

    def record_front_sheet(self) -> dict[str, Any]:
        """Give the build this narrative's front sheet (see :func:`record.front_sheet`)."""
        front = self.front_sheet()
        record.front_sheet(**front)
        return front


def _key_text(value: Any) -> str:
    """A key cell as a placeholder writes it: dates ISO, whole numbers without '.0'."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
