"""Reconciliation: where the data states one total several ways, check that they agree.

A difference is a build warning (terminal, manifest, review page) that names both
sides and the difference: beyond the tolerance for :func:`compare` (a stated share
against the one its amounts give, say), and for :func:`total` whatever the tolerance,
which then decides only whether it is called rounding or a disagreement. No figure is
ever adjusted: the paper prints the data as stated, a table whose total differs from
the figure it stands for carries :attr:`Discrepancy.footnote` under it, and the
warning tells the reviewer where to look.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from reportlib import record
from reportlib.formats import number, with_units


@dataclass(frozen=True)
class Discrepancy:
    """Two statements of one figure that differ: by rounding (within the tolerance) or not."""

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

    @property
    def rounding(self) -> bool:
        """Whether the difference is within the tolerance: rounding, not a disagreement."""
        return abs(self.difference) <= self.tolerance + 1e-9

    def show(self, value: float) -> str:
        return with_units(round(value, 2), self.units)

    def __str__(self) -> str:
        verdict = "rounding" if self.rounding else "a disagreement"
        return (
            f"{self.what}: {self.left} is {self.show(self.left_value)} but {self.right} is "
            f"{self.show(self.right_value)}, a difference of {self.show(abs(self.difference))} "
            f"(tolerance {self.show(self.tolerance)}: {verdict})"
        )

    @property
    def footnote(self) -> str:
        """The note under the table whose total is the left side, for its reader.

        Figures read as the table prints them: its columns carry the units.
        """

        def show(value: float) -> str:
            return number(round(value, 2), words=False)

        left, right = show(self.left_value), show(self.right_value)
        if self.rounding:
            return (
                f"The breakdown sums to {left} because of rounding; "
                f"the stated total is {right} ({self.right})."
            )
        return (
            f"The breakdown sums to {left}, but {self.right} is {right}: "
            f"a difference of {show(abs(self.difference))}."
        )

    def swapped(self) -> Discrepancy:
        """The same difference seen from the right side (for the other side's table)."""
        return dataclasses.replace(
            self,
            left=self.right,
            left_value=self.right_value,
            right=self.left,
            right_value=self.left_value,
        )


def compare(
    what: str,
    left: tuple[str, float],
    right: tuple[str, float],
    *,
    tolerance: float,
    units: str | None = None,
    key: str | None = None,
) -> Discrepancy | None:
    """Warn and return a :class:`Discrepancy` if the two ``(name, value)`` sides differ
    by more than ``tolerance`` (a difference within it is rounding, not reported).

    ``key`` names the check in the warning's id (default: ``what``), so that a reviewer
    can accept the warning and the acceptance still holds when the figures change.
    """
    found = Discrepancy(what, left[0], float(left[1]), right[0], float(right[1]), tolerance, units)
    if found.rounding:
        return None
    record.warn(str(found), key=f"check-{key or what}")
    return found


def total(
    what: str,
    computed: tuple[str, float],
    stated: tuple[str, float],
    *,
    tolerance: float,
    units: str | None = None,
    key: str | None = None,
) -> Discrepancy | None:
    """A computed total against the figure it stands for: any difference is a warning.

    Within ``tolerance`` the warning calls it rounding, beyond it a disagreement; either
    way the table that prints ``computed`` should carry the returned
    :attr:`Discrepancy.footnote` (``Table(..., notes=[found.footnote])``), so that the
    paper never prints two numbers for one total without saying why.
    """
    found = Discrepancy(
        what, computed[0], float(computed[1]), stated[0], float(stated[1]), tolerance, units
    )
    if abs(found.difference) < 1e-9:
        return None
    record.warn(str(found), key=f"total-{key or what}")
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
