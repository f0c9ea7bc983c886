"""Reconciliation: differences are warnings naming both sides; a total's, whatever the tolerance."""

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
        "a difference of £2k (tolerance £1k: a disagreement)"
    )
    assert str(found) == message
    assert message in record.snapshot()["warnings"]


def test_a_warning_id_names_the_check_not_its_figures():
    checks.compare("Councils served", ("a", 47), ("b", 45), tolerance=0, key="councils")
    checks.compare("Councils served", ("a", 48), ("b", 45), tolerance=0, key="councils")
    found = record.snapshot()
    ids = [
        i
        for w, i in zip(found["warnings"], found["warning_ids"], strict=True)
        if "Councils served" in w
    ]
    assert ids == ["check-councils", "check-councils"]


def test_a_total_differing_within_the_tolerance_is_still_a_warning_and_a_footnote():
    found = checks.total(
        "Other income (£'000)",
        ("the other income breakdown", 13752),
        ("the income breakdown", 13751),
        tolerance=1,
        units="£'000",
        key="Other income",
    )
    assert found is not None and found.rounding
    assert str(found).endswith("(tolerance £1k: rounding)")
    assert str(found) in record.snapshot()["warnings"]
    assert "total-other-income" in record.snapshot()["warning_ids"]
    assert found.footnote == (
        "The breakdown sums to 13,752 because of rounding; the stated total is 13,751 "
        "(the income breakdown)."
    )


def test_a_total_beyond_the_tolerance_is_noted_under_both_tables():
    found = checks.total("Expenditure", ("by theme", 63608), ("by group", 63606), tolerance=1)
    assert found is not None and not found.rounding
    assert (
        found.footnote == "The breakdown sums to 63,608, but by group is 63,606: a difference of 2."
    )
    assert found.swapped().footnote == (
        "The breakdown sums to 63,606, but by theme is 63,608: a difference of 2."
    )


def test_a_total_equal_to_its_stated_figure_says_nothing():
    assert checks.total("Grants", ("parts", 40999), ("stated", 40999), tolerance=1) is None


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
        "a difference of 2% (tolerance 0.5%: a disagreement)"
    ]
