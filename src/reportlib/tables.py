"""Tables in the house style: captions, units, thousands separators, numbers right-aligned.

``Table`` displays as accessible HTML (caption, header cells with scope) and as a
Markdown pipe table (for the PDF). All text from data is escaped in both. Columns are
as wide as their content needs (text wide, numbers narrow), and a ``level`` column
indents sub-rows under the row they break down.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from reportlib.inline import escape


def count(value: Any, decimals: int = 0) -> str:
    return f"{value:,.0f}"


def money(value: Any, decimals: int = 0) -> str:
    return f"£{value:,.0f}"


def decimal(value: Any, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}"


def change(value: Any, decimals: int = 1) -> str:
    return f"{value:+,.{decimals}f}".replace("-", "\u2212")  # a true minus sign reads better


FORMATS: dict[str, Callable[[Any, int], str]] = {
    "count": count,
    "money": money,
    "money_k": count,
    "pct": decimal,
    "number": decimal,
    "change": change,
    "text": lambda value, decimals=0: str(value),
    # already formatted (a Styler's display values): printed as given, aligned as a number
    "shown": lambda value, decimals=0: str(value),
}
#: Formats printed with as many decimal places as the column's data has.
AS_STATED = ("pct", "number", "change")
MAX_DECIMALS = 3


class Table:
    """A DataFrame shown as a board-paper table.

    ``formats`` maps a column to ``count``, ``money`` (£), ``money_k`` (£'000, the
    units go in the column name), ``pct``, ``change`` (signed), ``number`` or ``text``;
    unlisted numeric columns are ``count`` if whole and ``number`` otherwise. ``pct``,
    ``number`` and ``change`` columns show the decimal places their data has (81 and
    87 as whole numbers, 29.9 with one), the same for every row of the column, unless
    ``decimals`` or the data's schema (``decimals:`` of the column of that name) says.
    A change worked out from whole numbers is whole (-4, not -4.0); one from figures
    with a decimal place has one (the sum's float noise is not a decimal place).
    ``level`` names a column of depths (0 for a row, 1 for its parts, …): it is not
    shown; each row's ``indent`` cell (else its first) is indented by its depth, and a
    total adds only the rows at depth 0.
    ``notes`` are printed under the table, above its source, in the HTML and the PDF
    (such as :attr:`reportlib.checks.Discrepancy.footnote` for a total that differs
    from the figure it stands for).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        caption: str | None = None,
        *,
        formats: Mapping[str, str] | None = None,
        source: str | None = None,
        total: bool = False,
        decimals: Mapping[str, int] | None = None,
        level: str | None = None,
        indent: str | None = None,
        notes: Sequence[str] = (),
    ):
        self.depth = [0] * len(frame)
        if level is not None:
            if level not in frame.columns:
                raise ValueError(f"level names {level!r}, which is not a column of the table")
            self.depth = [int(d) for d in frame[level].fillna(0)]
            frame = frame.drop(columns=[level])
        if indent is not None and indent not in frame.columns:
            raise ValueError(f"indent names {indent!r}, which is not a column of the table")
        self.indented = list(frame.columns).index(indent) if indent is not None else 0
        self.frame = frame
        self.caption = caption
        found = frame.attrs.get("source_short") or frame.attrs.get("source")
        self.source = source if source is not None else found
        self.formats = {c: (formats or {}).get(c) or _guess(frame[c]) for c in frame.columns}
        stated = {**_schema_decimals(frame), **(decimals or {})}
        self.decimals = {
            c: stated.get(c, _decimals(frame[c]))
            for c in frame.columns
            if self.formats[c] in AS_STATED
        }
        self.total = total
        self.notes = [str(n) for n in notes]

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> Table:
        """Any DataFrame as a house table: a meaningful index becomes its first columns."""
        frame = _flat_columns(frame)
        if not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index()
        frame.columns = [str(c) for c in frame.columns]
        return cls(frame, frame.attrs.get("caption"))

    @classmethod
    def of_styler(cls, styler: Any) -> Table:
        """A pandas Styler as a house table: its caption and the values as it formats them.

        The Styler's own colours and CSS are not kept: papers have one table style.
        """
        data = _flat_columns(styler.data)
        hidden = set(getattr(styler, "hidden_columns", []))
        columns = [str(c) for i, c in enumerate(data.columns) if i not in hidden]
        # The body is the last lines (the header may take several); each row starts with
        # its index labels unless the index is hidden.
        lines = styler.to_string(delimiter="\x1f").splitlines()
        shown_rows = len(data) - len(set(getattr(styler, "hidden_rows", [])))
        body = [line.split("\x1f") for line in lines[len(lines) - shown_rows :]]
        labels = (len(body[0]) if body else len(columns)) - len(columns)
        if isinstance(data.index, pd.RangeIndex):  # row numbers say nothing to a reader
            body, labels = [row[labels:] for row in body], 0
        names = [str(n) if n is not None else "" for n in data.index.names][:labels]
        head = names + columns
        numeric = {str(c) for c in data.columns if pd.api.types.is_numeric_dtype(data[c])}
        frame = pd.DataFrame(body, columns=head)
        formats = {c: "shown" if c in numeric else "text" for c in frame.columns}
        caption = styler.caption if isinstance(styler.caption, str) else None
        return cls(frame, caption, formats=formats)

    def _cells(self) -> tuple[list[str], list[list[str]], list[bool]]:
        numeric = [self.formats[c] not in ("text",) for c in self.frame.columns]
        head = [str(c) for c in self.frame.columns]
        rows = [
            [self._fmt(v, c) for c, v in zip(self.frame.columns, row, strict=True)]
            for row in self.frame.itertuples(index=False)
        ]
        if self.total:
            top = self.frame[[d == 0 for d in self.depth]]
            sums = ["Total"] + [
                self._fmt(top[c].sum(), c) if numeric[i] else ""
                for i, c in enumerate(self.frame.columns)
                if i > 0
            ]
            rows.append(sums)
        return head, rows, numeric

    def _fmt(self, value: Any, column: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "\u2013"  # en dash: the house mark for "no figure"
        return FORMATS[self.formats[column]](value, self.decimals.get(column, 0))

    def _repr_html_(self) -> str:
        head, rows, numeric = self._cells()

        def cls(i: int) -> str:
            return ' class="num"' if numeric[i] else ""

        out = ['<table class="rl-table">']
        if self.caption:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        out.append(
            "<thead><tr>"
            + "".join(f'<th scope="col"{cls(i)}>{html.escape(h)}</th>' for i, h in enumerate(head))
            + "</tr></thead><tbody>"
        )
        for r, row in enumerate(rows):
            total = ' class="total"' if self.total and r == len(rows) - 1 else ""
            depth = self.depth[r] if r < len(self.depth) else 0

            def attrs(i: int, depth: int = depth) -> str:
                if depth and i == self.indented:
                    return f' class="rl-sub-{min(depth, 3)}"'
                return cls(i)

            cells = [f'<th scope="row"{attrs(0)}>{html.escape(row[0])}</th>'] + [
                f"<td{attrs(i)}>{html.escape(v)}</td>" for i, v in enumerate(row) if i > 0
            ]
            out.append(f"<tr{total}>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        out += [f'<p class="rl-source rl-note">Note: {html.escape(n)}</p>' for n in self.notes]
        if self.source:
            out.append(f'<p class="rl-source">Source: {html.escape(self.source)}</p>')
        return "".join(out)

    def _repr_markdown_(self) -> str:
        head, rows, numeric = self._cells()

        def line(cells: list[str], depth: int = 0) -> str:
            shown = [escape(c) for c in cells]
            if depth:
                shown[self.indented] = INDENT.format(depth * 1.2) + shown[self.indented]
            return "| " + " | ".join(shown) + " |"

        # Dashes set each column's share of the width (pandoc reads them as relative
        # widths once a line is long): text columns wide, number columns narrow.
        dashes = [3 + _width([h, *(r[i] for r in rows)]) for i, h in enumerate(head)]
        out = [
            line(head),
            "|"
            + "|".join(
                "-" * d + ":" if n else ":" + "-" * d for n, d in zip(numeric, dashes, strict=True)
            )
            + "|",
        ]
        out += [line(r, self.depth[i] if i < len(self.depth) else 0) for i, r in enumerate(rows)]
        if self.caption:
            out += ["", f": {escape(self.caption)}"]
        for note in self.notes:  # in the source's style under the table (see paper.lua)
            out += ["", "::: {.source}", f"Note: {escape(note)}", ":::"]
        if self.source:
            out += ["", "::: {.source}", f"Source: {escape(self.source)}", ":::"]
        return "\n".join(out) + "\n"


#: A sub-row's indent in the PDF (em per level of depth), raw Typst before its indented cell.
INDENT = "`#h({:g}em)`{{=typst}}"


#: The most characters a column asks for: longer text wraps rather than squeeze the rest.
WIDEST = 45


def _width(cells: list[str]) -> int:
    """Characters a column needs: its longest cell, and its header (bold) on two lines."""
    head = cells[0]
    longest_word = max((len(w) for w in head.split()), default=0) + 2
    return min(WIDEST, max([longest_word, -(-len(head) // 2), *(len(c) for c in cells[1:])]))


def _flat_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column labels as single strings ("Sales, North" for a two-level header)."""
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.copy()
        frame.columns = [", ".join(str(p) for p in c if str(p)) for c in frame.columns]
    return frame


def _schema_decimals(frame: pd.DataFrame) -> dict[str, int]:
    """Decimal places the data's schema states for columns of this frame (by name)."""
    schema = frame.attrs.get("schema")
    columns = getattr(schema, "columns", ())
    return {c.name: c.decimals for c in columns if getattr(c, "decimals", None) is not None}


def _guess(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    whole = series.dropna()
    return "count" if len(whole) and (whole == whole.round()).all() else "number"


def _decimals(series: pd.Series) -> int:
    """The fewest decimal places that show every value of ``series`` as it is stated."""
    values = [float(v) for v in series.dropna()]
    for places in range(MAX_DECIMALS + 1):
        if all(abs(round(v, places) - v) < 1e-6 for v in values):
            return places
    return MAX_DECIMALS
