"""Charts in the house style: one title, labelled values, units and a source on every chart.

Charts are horizontal bars, so that long category names stay readable and values can
be compared along one axis (the board's papers used pie charts, which readers compare
badly). A chart has one title, its caption (``caption``, else ``title``), shown by the
paper above or under the image, never inside it. A :class:`Chart` displays as SVG with
its alt text and caption attached, so a
notebook can state the chart's message from the data rather than typing it into a
``#| fig-alt`` option::

    bars(frame, "category", "amount_k", title=..., units="£'000", alt=...)

Colours come from :data:`reportlib.style.PALETTE` (colour-blind safe); the SVG bytes
are the same for the same data (no dates, ids from content).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd

from reportlib import style
from reportlib.formats import PERCENT, kind, number, with_units

SOURCE_WIDTH = 110  # characters per source line under a chart


def value_label(value: float, units: str | None) -> str:
    """A bar's label: ``29.9%`` for shares, ``19,200`` for £'000 (the axis names the units)."""
    return with_units(value, "%") if kind(units) == PERCENT else number(value)


def _need_alt(alt: str) -> str:
    if not alt or not alt.strip():
        raise ValueError("a chart needs alt text that says what it shows")
    return alt.strip()


class Chart:
    """A finished matplotlib figure with the alt text and caption that go with it."""

    def __init__(self, figure: Any, alt: str, caption: str | None = None):
        self.figure, self.alt, self.caption = figure, _need_alt(alt), caption

    def svg(self) -> str:
        import matplotlib
        import matplotlib.pyplot as plt

        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "reportlib", "svg.fonttype": "path"}):
            self.figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(self.figure)  # shown once, as this chart, not again by the inline backend
        return buffer.getvalue()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        meta = {"alt": self.alt, "caption": self.caption}
        return (
            {"image/svg+xml": self.svg(), "text/plain": self.alt},
            {"reportlib": {k: v for k, v in meta.items() if v}},
        )


def _figure(rows: int, units: str | None, source: str | None):
    import matplotlib.pyplot as plt

    style.apply_matplotlib()
    height = max(1.6, 0.9 + 0.32 * rows)
    fig, ax = plt.subplots(figsize=(style.CHART_WIDTH_IN, height))
    if units:
        ax.set_xlabel(units)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    if source:
        text = "\n".join(textwrap.wrap(f"Source: {source}", SOURCE_WIDTH))
        fig.text(0.01, 0, text, ha="left", va="top", fontsize=7.5, color=style.MUTED)
    return fig, ax


def _label_bars(ax: Any, bars: Any, units: str | None, largest: float) -> None:
    for bar in bars:
        width = bar.get_width()
        ax.text(
            width + largest * 0.01,
            bar.get_y() + bar.get_height() / 2,
            value_label(width, units),
            va="center",
            ha="left",
            fontsize=8.5,
            color=style.TEXT,
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
) -> Chart:
    """One bar per row of ``frame``, in the frame's order, each labelled with its value."""
    alt = _need_alt(alt)
    labels = [textwrap.fill(str(v), 34) for v in frame[label]]
    values = [float(v) for v in frame[value]]
    fig, ax = _figure(len(values), units, source if source is not None else _source(frame))
    drawn = ax.barh(labels, values, color=style.PALETTE[0], height=0.65)
    ax.invert_yaxis()  # first row at the top, as in a table
    largest = max(values, default=0) or 1
    _label_bars(ax, drawn, units, largest)
    ax.set_xlim(0, largest * 1.15)
    return Chart(fig, alt, caption or title)


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
) -> Chart:
    """Bars per ``label`` for each ``group`` (e.g. delivered vs planned), with a legend."""
    alt = _need_alt(alt)
    groups = list(groups if groups is not None else dict.fromkeys(frame[group]))
    names = group_names or {}
    labels = list(dict.fromkeys(frame[label]))
    table = frame.pivot_table(index=label, columns=group, values=value, aggfunc="sum", sort=False)
    table = table.reindex(index=labels, columns=groups)
    rows = len(labels) * max(1, len(groups)) * 0.6 + 1
    source = source if source is not None else _source(frame)
    fig, ax = _figure(int(rows), units, source)
    height = 0.8 / max(1, len(groups))
    positions = range(len(labels))
    largest = float(table.max().max()) if table.size else 1.0
    for i, key in enumerate(groups):
        ys = [p - 0.4 + height * (i + 0.5) for p in positions]
        xs = [0.0 if pd.isna(v) else float(v) for v in table[key]]
        drawn = ax.barh(
            ys,
            xs,
            height=height * 0.92,
            color=style.PALETTE[i % len(style.PALETTE)],
            label=names.get(key, str(key)),
        )
        _label_bars(ax, drawn, units, largest or 1)
    ax.set_yticks(list(positions), [textwrap.fill(str(v), 34) for v in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, (largest or 1) * 1.18)
    # Between the title and the bars, left-aligned: never over a bar or the title.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(groups), fontsize=8.5)
    return Chart(fig, alt, caption or title)


def _source(frame: pd.DataFrame) -> str | None:
    return frame.attrs.get("source_short") or frame.attrs.get("source")
