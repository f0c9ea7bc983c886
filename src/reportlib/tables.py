"""Tables in the house style: captions, units, thousands separators, numbers right-aligned.

``Table`` displays as accessible HTML (caption, header cells with scope) and as a
Markdown pipe table (for the PDF). All text from data is escaped in both.
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
    87 as whole numbers, 29.9 with one), the same for every row of the column.
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
        notes: Sequence[str] = (),
    ):
        self.frame = frame
        self.caption = caption
        found = frame.attrs.get("source_short") or frame.attrs.get("source")
        self.source = source if source is not None else found
        self.formats = {c: (formats or {}).get(c) or _guess(frame[c]) for c in frame.columns}
        self.decimals = {
            c: _decimals(frame[c]) for c in frame.columns if self.formats[c] in AS_STATED
        }
        self.total = total
        self.notes = [str(n) for n in notes]

    def _cells(self) -> tuple[list[str], list[list[str]], list[bool]]:
        numeric = [self.formats[c] not in ("text",) for c in self.frame.columns]
        head = [str(c) for c in self.frame.columns]
        rows = [
            [self._fmt(v, c) for c, v in zip(self.frame.columns, row, strict=True)]
            for row in self.frame.itertuples(index=False)
        ]
        if self.total:
            sums = ["Total"] + [
                self._fmt(self.frame[c].sum(), c) if numeric[i] else ""
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
            cells = [f'<th scope="row"{cls(0)}>{html.escape(row[0])}</th>'] + [
                f"<td{cls(i)}>{html.escape(v)}</td>" for i, v in enumerate(row) if i > 0
            ]
            out.append(f"<tr{total}>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        out += [f'<p class="rl-source rl-note">Note: {html.escape(n)}</p>' for n in self.notes]
        if self.source:
            out.append(f'<p class="rl-source">Source: {html.escape(self.source)}</p>')
        return "".join(out)

    def _repr_markdown_(self) -> str:
        head, rows, numeric = self._cells()

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(escape(c) for c in cells) + " |"

        out = [line(head), "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
        out += [line(r) for r in rows]
        if self.caption:
            out += ["", f": {escape(self.caption)}"]
        for note in self.notes:  # in the source's style under the table (see paper.lua)
            out += ["", "::: {.source}", f"Note: {escape(note)}", ":::"]
        if self.source:
            out += ["", "::: {.source}", f"Source: {escape(self.source)}", ":::"]
        return "\n".join(out) + "\n"


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
