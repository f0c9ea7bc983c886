"""Reconciliation: disagreements beyond the tolerance are warnings naming both sides."""

from __future__ import annotations

import pandas as pd

from reportlib import checks, record


def test_compare_warns_with_both_sides_and_the_difference():
    found = checks.compare(
        "Expenditure (£'000)",
        ("by theme", 63608),
        ("by service group", 63606),
        tolerance=1,
        units="£'000",
    )
    assert found is not None and found.difference == 2
    message = (
        "Expenditure (£'000): by theme is £63,608k but by service group is £63,606k, "
        "a difference of £2k (tolerance £1k)"
    )
    assert str(found) == message
    assert message in record.snapshot()["warnings"]


def test_compare_within_tolerance_is_silent():
    before = list(record.snapshot()["warnings"])
    assert checks.compare("Other income", ("a", 13752), ("b", 13751), tolerance=1) is None
    assert record.snapshot()["warnings"] == before


def test_stated_shares_are_checked_against_the_amounts():
    frame = pd.DataFrame(
        {
            "breakdown": ["income", "income"],
            "category": ["CLG", "Other"],
            "amount_k": [19200, 45075],
            "stated_share_pct": [29.9, 80.0],
        }
    )
    found = checks.stated_shares(
        frame,
        group="breakdown",
        label="category",
        amount="amount_k",
        stated="stated_share_pct",
        tolerance=0.1,
    )
    assert [d.what for d in found] == ["income: share of Other"]
    assert "the stated share is 80% but 45,075 of 64,275 is 70.13%" in str(found[0])


def test_shares_add_up_to_the_whole():
    frame = pd.DataFrame({"month": ["2018-12"] * 3, "share": [25.0, 19.0, 58.0]})
    found = checks.shares_add_up(
        frame, group="month", share="share", what="Browsers", tolerance=0.5
    )
    assert [str(d) for d in found] == [
        "Browsers (2018-12): the sum of the stated shares is 102% but the whole is 100%, "
        "a difference of 2% (tolerance 0.5%)"
    ]
