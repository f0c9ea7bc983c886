"""How a figure reads: one set of rules for prose, chart labels and warnings.

Figures are printed as the data states them, never rounded: a whole number with
thousands separators, a decimal with its own digits, a round million or billion in
words (as the papers write "1.2 million"). Units decide the sign: ``%`` after a share,
``£`` before money, ``£…k`` for £'000.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

PERCENT, POUNDS, THOUSAND_POUNDS = "percent", "pounds", "thousand pounds"


def kind(units: str | None) -> str | None:
    """What ``units`` say a value is: a share, money, money in £'000, or a plain count."""
    if not units:
        return None
    if units.startswith("%") or units in ("percent", "pct", "per cent"):
        return PERCENT
    if units in ("pounds", "£"):
        return POUNDS
    if units == "£'000":
        return THOUSAND_POUNDS
    return None


def number(value: float, *, words: bool = True) -> str:
    """154000 -> '154,000'; 1200000 -> '1.2 million' (only where that is exact); 2.5 -> '2.5'."""
    if words and value >= 1_000_000:
        size, word = (
            (1_000_000_000, "billion") if value >= 1_000_000_000 else (1_000_000, "million")
        )
        tenths = value / size * 10
        if float(tenths).is_integer():
            return f"{value / size:,.{0 if tenths % 10 == 0 else 1}f} {word}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def with_units(value: Any, units: str | None) -> str:
    """``value`` as prose shows it, with the sign its ``units`` call for."""
    if isinstance(value, pd.Timestamp):
        return f"{value:%B %Y}" if value.day == 1 else f"{value.day} {value:%B %Y}"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # a numpy number reads as the Python number it holds
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return "\u2013"  # en dash: the house mark for "no figure"
    found = kind(units)
    if found == PERCENT:
        return f"{number(value)}%"
    if found == POUNDS:
        return f"£{number(value)}"
    if found == THOUSAND_POUNDS:
        return f"£{number(value, words=False)}k"
    return number(value)
