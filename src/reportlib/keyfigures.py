"""Key figures: what a paper records of its figures, and how the review page compares
them with the previous meeting's.

A notebook records them in its executed notebook's metadata,
``metadata.reportlib.key_figures``: a mapping of name to ``{"label": str, "value":
number, "units": str}`` (see :func:`reportlib.record.key_figure`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from reportlib.formats import PERCENT, kind, with_units

MINUS, NONE = "\u2212", "\u2013"  # a true minus sign; an en dash for "nothing"


def key_figures(notebook: Path) -> dict[str, dict[str, Any]]:
    """The key figures an executed notebook recorded, or {} (also if it cannot be read)."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return {}
    found = metadata.get("reportlib", {}).get("key_figures", {})
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def number(value: Any, units: str = "") -> str:
    """A figure as the page shows it: as the papers print it, units attached."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NONE if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    text = with_units(abs(value), units or None)
    if units and kind(units) is None:  # a count: "12 councils"
        text += f" {units}"
    return (MINUS if value < 0 else "") + text


def change(now: Any, before: Any, units: str = "") -> str:
    """The change from ``before`` to ``now`` as text (neither good nor bad: no colour)."""
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (now, before))
    if not numeric:
        return "new" if before is None and now is not None else NONE
    diff = now - before
    if diff == 0:
        return "no change"
    sign = "+" if diff > 0 else MINUS
    if kind(units) == PERCENT:
        text = f"{sign}{number(abs(diff))} points"
    else:
        text = f"{sign}{number(abs(diff), units)}"
        if before:
            text += f" ({sign}{abs(diff) / abs(before) * 100:.1f}%)"
    return text


def figure_rows(now: dict[str, dict], before: dict[str, dict]) -> list[dict[str, Any]]:
    rows = []
    for name in [*now, *(n for n in before if n not in now)]:
        current, earlier = now.get(name, {}), before.get(name, {})
        units = str(current.get("units") or earlier.get("units") or "")
        text = change(current.get("value"), earlier.get("value"), units)
        if name not in now:
            text = "no longer reported"
        rows.append(
            {
                "label": current.get("label") or earlier.get("label") or name,
                "now": number(current.get("value"), units) if name in now else NONE,
                "before": number(earlier.get("value"), units) if name in before else NONE,
                "change": text,
            }
        )
    return rows
