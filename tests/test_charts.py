"""Charts: house style, values labelled, alt text and caption carried, same bytes every time."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from reportlib import charts, style

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
    meta = meta["reportlib"]
    assert (meta["alt"], meta["caption"]) == ("South sold more.", "Sales by region")
    assert meta["narrow_svg"].lstrip().startswith("<?xml")
    assert (
        "<caption>Data for the chart: Sales by region (£&#x27;000)</caption>" in meta["table_html"]
    )
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


def luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#RRGGBB``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def grey(colour: str) -> float:
    """The grey level (0-255) a greyscale printer gives ``#RRGGBB`` (ITU-R BT.601 luma)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.mark.parametrize("series", sorted(style.SERIES_COLOURS))
def test_every_two_series_of_a_chart_differ_in_greyscale(series):
    colours = style.SERIES_COLOURS[series]
    assert len(colours) == series
    for a, b in itertools.combinations(colours, 2):  # neighbours, and any other two
        light, dark = sorted((luminance(a), luminance(b)), reverse=True)
        contrast = (light + 0.05) / (dark + 0.05)
        assert contrast >= style.SERIES_MIN_CONTRAST, (a, b, round(contrast, 2))
        assert abs(grey(a) - grey(b)) >= style.SERIES_MIN_GREY_STEP, (a, b)
    assert all(1.05 / (luminance(c) + 0.05) >= 3 for c in colours)  # 3:1 against white
    assert len(set(style.SERIES_HATCHES[:series])) == series  # and a pattern each


def test_the_survey_colours_that_printed_alike_are_no_longer_used_together():
    assert max(style.SERIES_COLOURS) == style.MAX_SERIES
    navy, pink = "#12436D", "#801650"  # the palette's pair 1.05:1 apart
    assert all(not {navy, pink} <= set(c) for c in style.SERIES_COLOURS.values())


def test_more_series_than_stay_apart_in_greyscale_are_refused():
    frame = pd.DataFrame({"name": ["A"] * 4, "year": [1, 2, 3, 4], "amount": [1, 2, 3, 4]})
    with pytest.raises(ValueError, match=r"1 to 3 series.*has 4: show fewer"):
        charts.grouped_bars(frame, "name", "year", "amount", title="t", units=None, alt="a")


def svg_width_in(svg: str) -> float:
    return float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svg).group(1)) / 72


def text_sizes(figure) -> set[float]:
    from matplotlib.text import Text

    return {t.get_fontsize() for t in figure.findobj(Text) if t.get_text().strip()}


LONG = pd.DataFrame(
    {
        "measure": ["Satisfied with the way the local council runs things", "Trusts it"] * 3,
        "round": [25, 25, 26, 26, 27, 27],
        "pct": [63, 59, 75, 71, 66, 64],
    }
)
LONG.attrs["source"] = "A survey of residents with a long name, rounds 25 to 27, positive answers"


def test_chart_text_is_no_smaller_than_the_papers_smallest_where_it_is_shown():
    chart = charts.grouped_bars(LONG, "measure", "round", "pct", title="t", units="%", alt="a")
    _, meta = chart._repr_mimebundle_()
    for figure, svg, width in (
        (chart.figure, chart.svg(), style.PRINT_WIDTH_IN),
        (chart.narrow, meta["reportlib"]["narrow_svg"], style.PHONE_WIDTH_IN),
    ):
        # Drawn at the width it is shown (printed, or 288 px on a phone), never scaled down.
        assert svg_width_in(svg) == pytest.approx(width, rel=0.01)
        assert min(text_sizes(figure)) >= style.SMALLEST_PT


def test_a_chart_carries_its_data_as_a_table_for_both_formats():
    chart = charts.grouped_bars(
        LONG,
        "measure",
        "round",
        "pct",
        title="t",
        units="%",
        alt="a",
        group_names={25: "Round 25", 26: "Round 26", 27: "Round 27"},
        caption="Positive answers",
    )
    _, meta = chart._repr_mimebundle_()
    table = meta["reportlib"]["table_markdown"]
    assert "| Measure | Round 25 | Round 26 | Round 27 |" in table
    assert "| Satisfied with the way the local council runs things | 63 | 75 | 66 |" in table
    assert ": Data for the chart\\: Positive answers \\(%\\)" in table
    nearby = charts.bars(FRAME, "name", "amount", title="S", units=None, alt="a", table_nearby=True)
    _, meta = nearby._repr_mimebundle_()
    # The words place a table of the same figures beside it: print does not repeat them.
    assert "table_markdown" not in meta["reportlib"] and "table_html" in meta["reportlib"]
