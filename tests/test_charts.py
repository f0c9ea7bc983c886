"""Charts: house style, values labelled, alt text and caption carried, same bytes every time."""

from __future__ import annotations

import pandas as pd
import pytest

from reportlib import charts

FRAME = pd.DataFrame({"name": ["North", "South"], "year": [2019, 2019], "amount": [120, 180]})
FRAME.attrs["source_short"] = "Fixture sales report, Table 1"


def test_a_chart_carries_alt_text_and_caption_to_the_paper():
    chart = charts.bars(
        FRAME,
        "name",
        "amount",
        title="Sales",
        units="£'000",
        alt="South sold more.",
        caption="Sales by region",
    )
    data, meta = chart._repr_mimebundle_()
    assert meta == {"reportlib": {"alt": "South sold more.", "caption": "Sales by region"}}
    assert data["text/plain"] == "South sold more."
    assert data["image/svg+xml"].lstrip().startswith("<?xml")


def test_a_chart_without_alt_text_is_refused():
    with pytest.raises(ValueError, match="alt text"):
        charts.bars(FRAME, "name", "amount", title="Sales", units=None, alt=" ")


def test_svg_is_byte_identical_for_the_same_data():
    def draw():
        return charts.grouped_bars(
            FRAME, "name", "year", "amount", title="Sales", units="%", alt="Two bars."
        ).svg()

    first, second = draw(), draw()
    assert first == second
    assert "<dc:date>" not in first  # no creation time


@pytest.mark.parametrize(
    ("value", "units", "label"),
    [
        (29.9, "%", "29.9%"),
        (38.0, "% of users", "38%"),
        (19200, "£'000", "19,200"),
        (2.5, None, "2.5"),
    ],
)
def test_value_labels(value, units, label):
    assert charts.value_label(value, units) == label


def test_a_chart_has_one_title_its_caption_never_one_inside_the_image():
    titled = charts.bars(FRAME, "name", "amount", title="Sales", units="£'000", alt="Sales.")
    assert titled.caption == "Sales"
    assert [ax.get_title(loc="left") for ax in titled.figure.axes] == [""]
    captioned = charts.bars(
        FRAME, "name", "amount", title="Sales", units=None, alt="Sales.", caption="By region"
    )
    assert captioned.caption == "By region"
