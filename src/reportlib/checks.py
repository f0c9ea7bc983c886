"""Reconciliation: where the data states one total several ways, check that they agree.

A disagreement beyond the stated tolerance is a build warning (terminal, manifest,
review page) that names both sides and the difference. No figure is ever adjusted:
the paper prints the data as stated, and the warning tells the reviewer where to look.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reportlib import record
from reportlib.formats import with_units


@dataclass(frozen=True)
class Discrepancy:
    """Two statements of one figure that differ by more than the tolerance."""

    what: str
    left: str
    left_value: float
    right: str
    right_value: float
    tolerance: float
    units: str | None = None

    @property
    def difference(self) -> float:
        return self.left_value - self.right_value

    def __str__(self) -> str:
        def show(value: float) -> str:
            return with_units(round(value, 2), self.units)

        return (
            f"{self.what}: {self.left} is {show(self.left_value)} but {self.right} is "
            f"{show(self.right_value)}, a difference of {show(abs(self.difference))} "
            f"(tolerance {show(self.tolerance)})"
        )


def compare(
    what: str,
    left: tuple[str, float],
    right: tuple[str, float],
    *,
    tolerance: float,
    units: str | None = None,
) -> Discrepancy | None:
    """Warn and return a :class:`Discrepancy` if the two ``(name, value)`` sides differ."""
    found = Discrepancy(what, left[0], float(left[1]), right[0], float(right[1]), tolerance, units)
    if abs(found.difference) <= tolerance + 1e-9:
        return None
    record.warn(str(found))
    return found


def stated_shares(
    frame: pd.DataFrame,
    *,
    group: str,
    label: str,
    amount: str,
    stated: str,
    tolerance: float,
) -> list[Discrepancy]:
    """Each row's stated share of its group's total against the share its amount gives."""
    found = []
    for name, rows in frame.groupby(group, sort=False):
        total = rows[amount].sum()
        for _, row in rows.iterrows():
            computed = 100 * row[amount] / total if total else float("nan")
            result = compare(
                f"{name}: share of {row[label]}",
                ("the stated share", row[stated]),
                (f"{row[amount]:,} of {total:,}", computed),
                tolerance=tolerance,
                units="%",
            )
            if result:
                found.append(result)
    return found


def shares_add_up(
    frame: pd.DataFrame,
    *,
    group: str,
    share: str,
    what: str,
    tolerance: float,
    partial: bool = False,
) -> list[Discrepancy]:
    """Shares of one whole, per group, against 100%.

    ``partial``: the rows are only some parts of the whole (e.g. the browsers a paper
    names), so only a sum above 100% disagrees.
    """
    found = []
    for name, rows in frame.groupby(group, sort=False):
        total = rows[share].sum()
        if partial and total <= 100:
            continue
        result = compare(
            f"{what} ({name})",
            ("the sum of the stated shares", total),
            ("the whole", 100.0),
            tolerance=tolerance,
            units="%",
        )
        if result:
            found.append(result)
    return found
