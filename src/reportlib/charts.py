"""Charts in the house style: one title, labelled values, units and a source on every chart.

Charts are horizontal bars, so that long category names stay readable and values can
be compared along one axis (the board's papers used pie charts, which readers compare
badly). A chart has one title, its caption (``caption``, else ``title``), shown by the
paper above or under the image, never inside it. A :class:`Chart` displays as SVG with
its alt text and caption attached, so a notebook can state the chart's message from the
data rather than typing it into a ``#| fig-alt`` option::

    bars(frame, "category", "amount_k", title=..., units="£'000", alt=...)

A chart is readable by everyone: every bar carries its value; series differ in
lightness and pattern as well as hue (:data:`reportlib.style.SERIES_COLOURS`); it is
drawn at the width it is printed, and again for phones with each name above its bars,
so that no text shrinks below the paper's smallest; and it carries its data as a
:class:`~reportlib.tables.Table`, which the paper shows beside it. The SVG bytes are the
same for the same data (no dates, ids from content).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reportlib import style
from reportlib.formats import PERCENT, kind, number, with_units
from reportlib.tables import Table

LABEL_WIDTH = 34  # characters per line of a category name beside its bars
UNIT_IN = 0.25  # inches per unit of the bars' axis: a bar is 0.8, a line of text 0.75
PAD_IN = 0.02  # white space around the drawing, within its width


def value_label(value: float, units: str | None) -> str:
    """A bar's label: ``29.9%`` for shares, ``19,200`` for £'000 (the axis names the units)."""
    return with_units(value, "%") if kind(units) == PERCENT else number(value)


def _need_alt(alt: str) -> str:
    if not alt or not alt.strip():
        raise ValueError("a chart needs alt text that says what it shows")
    return alt.strip()


class Chart:
    """A finished chart: its figure, a narrow one for phones, alt text, caption and data."""

    def __init__(
        self,
        figure: Any,
        alt: str,
        caption: str | None = None,
        *,
        narrow: Any = None,
        table: Table | None = None,
        table_nearby: bool = False,
    ):
        self.figure, self.alt, self.caption = figure, _need_alt(alt), caption
        self.narrow, self.table, self.table_nearby = narrow, table, table_nearby

    def svg(self) -> str:
        return _svg(self.figure)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        meta: dict[str, Any] = {"alt": self.alt, "caption": self.caption}
        if self.narrow is not None:
            meta["narrow_svg"] = _svg(self.narrow)
        if self.table is not None:
            meta["table_html"] = self.table._repr_html_()
            # In print, a chart whose words place a table of its data beside it needs no second.
            meta["table_markdown"] = None if self.table_nearby else self.table._repr_markdown_()
        return (
            {"image/svg+xml": self.svg(), "text/plain": self.alt},
            {"reportlib": {k: v for k, v in meta.items() if v}},
        )


def _svg(figure: Any) -> str:
    import matplotlib
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "reportlib", "svg.fonttype": "path"}):
        figure.savefig(
            buffer, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=PAD_IN
        )
    plt.close(figure)  # shown once, as this chart, not again by the inline backend
    return buffer.getvalue()


@dataclass(frozen=True)
class _Series:
    """What one chart shows: a name per row, and per series its name and values."""

    labels: list[str]
    names: list[str]
    values: list[list[float | None]]  # values[series][row]; None where there is no figure
    units: str | None
    source: str | None

    @property
    def largest(self) -> float:
        return max((v for s in self.values for v in s if v is not None), default=0.0) or 1.0


def _draw(data: _Series, width_in: float, narrow: bool) -> Any:
    """The bars at ``width_in`` wide: names beside the bars, or above them when ``narrow``."""
    import matplotlib.pyplot as plt

    style.apply_matplotlib()
    k = len(data.names)
    colours, hatches = style.SERIES_COLOURS[k], style.SERIES_HATCHES
    wrap = 2 * LABEL_WIDTH if narrow else LABEL_WIDTH
    chars = int(width_in * 72 / (0.6 * style.CHART_TEXT_PT))  # a line of text across the chart
    names = [textwrap.wrap(label, min(wrap, chars)) or [""] for label in data.labels]
    y, bars_at, names_at = 0.0, [], []
    for lines in names:
        if narrow:
            names_at.append(y)
            y += 0.75 * len(lines)
        bars_at.append([y + 0.4 + 0.8 * i for i in range(k)])
        y += 0.8 * k + (0.6 if narrow else max(0.5, 0.75 * len(lines) - 0.8 * k + 0.3))
    legend_in = 0.22 * k if k > 1 else 0
    fig, ax = plt.subplots(figsize=(width_in, 0.4 + y * UNIT_IN + legend_in))
    for i in range(k):
        ys = [at[i] for at in bars_at]
        xs = [0.0 if v is None else v for v in data.values[i]]
        drawn = ax.barh(
            ys, xs, height=0.72, color=colours[i], hatch=hatches[i], label=data.names[i]
        )
        for bar, value in zip(drawn, data.values[i], strict=True):
            text = "\u2013" if value is None else value_label(value, data.units)  # no figure
            ax.text(bar.get_width() + data.largest * 0.01, bar.get_y() + 0.36, text, va="center")
    ax.set_ylim(y - 0.2, -0.2)  # first row at the top, as in a table
    ax.set_xlim(0, data.largest * (1.22 if narrow else 1.15))
    for spine in ("top", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    ax.set_xticks([])
    ax.tick_params(axis="y", length=0)
    if narrow:
        ax.set_yticks([])
        for at, lines in zip(names_at, names, strict=True):
            ax.text(0, at + 0.05, "\n".join(lines), va="top", ha="left", linespacing=1.1)
    else:
        ax.set_yticks([sum(at) / k for at in bars_at], ["\n".join(lines) for lines in names])
    if data.units:
        ax.set_xlabel("\n".join(textwrap.wrap(data.units, chars)), loc="left")
    if k > 1:
        # Above the bars, one series a line in the bars' order: each bar's place in its
        # group, its pattern and its lightness, not only its hue, say which series it is.
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), borderaxespad=0.2)
    _fit(fig, width_in - 2 * PAD_IN)
    if data.source:  # under everything drawn, the units included, from its left edge
        box = fig.get_tightbbox()
        left, below = box.x0 / fig.get_figwidth(), (box.y0 - 0.08) / fig.get_figheight()
        text = "\n".join(textwrap.wrap(f"Source: {data.source}", chars))
        fig.text(left, below, text, va="top", fontsize=style.CHART_SOURCE_PT, color=style.MUTED)
    return fig


def _fit(fig: Any, width_in: float) -> None:
    """Widen or narrow the figure until everything drawn spans ``width_in`` exactly."""
    for _ in range(6):
        gap = width_in - fig.get_tightbbox().width
        if abs(gap) < 0.002:
            return
        fig.set_figwidth(max(1.0, fig.get_figwidth() + gap * 1.25))


def _chart(data: _Series, alt: str, caption: str, header: str, table_nearby: bool) -> Chart:
    if not 1 <= len(data.names) <= style.MAX_SERIES:
        raise ValueError(
            f"a chart shows 1 to {style.MAX_SERIES} series, each told apart by its lightness, "
            f"but this one has {len(data.names)}: show fewer, or split it into several charts"
        )
    frame = pd.DataFrame({header: data.labels})
    for name, values in zip(data.names, data.values, strict=True):
        frame[name] = values
    share = kind(data.units) == PERCENT
    formats = {c: "pct" if share else "number" for c in frame.columns[1:]} | {header: "text"}
    units = f" ({data.units})" if data.units else ""
    # No source line: the chart just above states it.
    table = Table(frame, f"Data for the chart: {caption}{units}", formats=formats, source="")
    return Chart(
        _draw(data, style.PRINT_WIDTH_IN, narrow=False),
        alt,
        caption,
        narrow=_draw(data, style.PHONE_WIDTH_IN, narrow=True),
        table=table,
        table_nearby=table_nearby,
    )


def bars(
    frame: pd.DataFrame,
    label: str,
    value: str,
    *,
    title: str,
    units: str | None,
    alt: str,
    source: str | None = None,
    caption: str | None = None,
    header: str | None = None,
    table_nearby: bool = False,
) -> Chart:
    """One bar per row of ``frame``, in the frame's order, each labelled with its value.

    ``header`` names the column of ``label`` in the chart's data table (else ``label``
    itself); ``table_nearby`` says that the words place a table of the same figures
    beside the chart, so that the printed paper does not repeat them.
    """
    alt = _need_alt(alt)
    data = _Series(
        [str(v) for v in frame[label]],
        [_header(units or value)],
        [[float(v) for v in frame[value]]],
        units,
        source if source is not None else _source(frame),
    )
    return _chart(data, alt, caption or title, header or _header(label), table_nearby)


def grouped_bars(
    frame: pd.DataFrame,
    label: str,
    group: str,
    value: str,
    *,
    title: str,
    units: str | None,
    alt: str,
    groups: Sequence[Any] | None = None,
    group_names: dict[Any, str] | None = None,
    source: str | None = None,
    caption: str | None = None,
    header: str | None = None,
    table_nearby: bool = False,
) -> Chart:
    """Bars per ``label`` for each ``group`` (e.g. delivered vs planned), with a legend."""
    alt = _need_alt(alt)
    groups = list(groups if groups is not None else dict.fromkeys(frame[group]))
    names = group_names or {}
    labels = list(dict.fromkeys(frame[label]))
    table = frame.pivot_table(index=label, columns=group, values=value, aggfunc="sum", sort=False)
    table = table.reindex(index=labels, columns=groups)
    data = _Series(
        [str(v) for v in labels],
        [names.get(key, str(key)) for key in groups],
        [[None if pd.isna(v) else float(v) for v in table[key]] for key in groups],
        units,
        source if source is not None else _source(frame),
    )
    return _chart(data, alt, caption or title, header or _header(label), table_nearby)


def _header(name: str) -> str:
    """``month_share`` -> ``Month share``: a column's name as a table's heading."""
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


def _source(frame: pd.DataFrame) -> str | None:
    return frame.attrs.get("source_short") or frame.attrs.get("source")
