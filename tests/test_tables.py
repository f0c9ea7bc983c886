"""House tables: precision as the data states it, widths by content, indented sub-rows."""

import re

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from reportlib import kernel
from reportlib.tables import Table

FEEDBACK = pd.DataFrame(
    {
        "Response": ["Satisfied", "Very satisfied", "Fairly satisfied", "Would recommend"],
        "Share (%)": [100, 82, 18, 100],
        "depth": [0, 1, 1, 0],
    }
)


def test_sub_rows_are_indented_in_both_forms_and_the_depth_column_is_not_shown():
    table = Table(FEEDBACK, level="depth", total=True)
    markdown, page = table._repr_markdown_(), table._repr_html_()
    assert "| `#h(1.2em)`{=typst}Very satisfied | 82 |" in markdown
    assert "| Satisfied | 100 |" in markdown and "depth" not in markdown + page
    assert '<th scope="row" class="rl-sub-1">Fairly satisfied</th>' in page
    assert '<th scope="row">Total</th><td class="num">200</td>' in page  # depth 0 only


def test_indent_names_the_column_that_is_indented():
    frame = FEEDBACK.assign(Group="Councils")[["Group", "Response", "Share (%)", "depth"]]
    page = Table(frame, level="depth", indent="Response")._repr_html_()
    assert '<td class="rl-sub-1">Very satisfied</td>' in page
    with pytest.raises(ValueError, match="indent names 'Nope'"):
        Table(frame, level="depth", indent="Nope")
    with pytest.raises(ValueError, match="level names 'Nope'"):
        Table(frame, level="Nope")


def test_columns_share_the_width_by_content():
    frame = pd.DataFrame(
        {
            "Measure": ["Satisfied with local area as a place to live", "Trusts the council"],
            "Round 25, Feb 2020 (%)": [81.0, 59.0],
            "Change since round 26 (points)": [-4.0, -7.0],
        }
    )
    rule = Table(frame)._repr_markdown_().splitlines()[1]
    measure, round_, change = (len(c.strip(":")) for c in rule.strip("|").split("|"))
    assert measure > 2 * round_ and measure > 2 * change  # text wide, numbers narrow
    assert rule.startswith("|:-") and rule.endswith("-:|")


def test_a_schema_or_the_caller_states_decimal_places():
    frame = pd.DataFrame({"m": ["a"], "pct": [81.0]})
    assert "| a | 81 |" in Table(frame, formats={"pct": "pct"})._repr_markdown_()
    stated = Table(frame, formats={"pct": "pct"}, decimals={"pct": 1})._repr_markdown_()
    assert "| a | 81\\.0 |" in stated

    class Column:
        name, decimals = "pct", 2

    frame.attrs["schema"] = type("Schema", (), {"columns": (Column(),)})()
    assert "| a | 81\\.00 |" in Table(frame, formats={"pct": "pct"})._repr_markdown_()


def test_dataframes_and_stylers_display_as_house_tables_under_the_pinned_pandas():
    formatter = DisplayFormatter()
    kernel.register_tables(formatter)
    frame = pd.DataFrame({"Region": ["North"], "Sales": [1200]})
    data, _ = formatter.format(frame)
    assert data["text/markdown"].startswith("| Region | Sales |")
    assert '<table class="rl-table">' in data["text/html"] and "1,200" in data["text/html"]
    styled = frame.style.format({"Sales": "£{:,}"}).set_caption("Styled")
    data, _ = formatter.format(styled)
    assert "| North | £1,200 |" in data["text/markdown"] and ": Styled" in data["text/markdown"]
    assert "<caption>Styled</caption>" in data["text/html"] and "<style" not in data["text/html"]


def test_a_meaningful_index_becomes_columns():
    frame = pd.DataFrame({"Sales": [1, 2]}, index=pd.Index(["N", "S"], name="Region"))
    assert re.match(r"\| Region \| Sales \|", Table.of_frame(frame)._repr_markdown_())
    assert "| 0 |" not in Table.of_frame(frame.reset_index())._repr_markdown_()


def test_a_change_follows_the_precision_of_its_inputs():
    frame = pd.DataFrame({"m": ["a", "b"], "then": [30.1, 81.0], "now": [29.9, 77.0]})
    frame["change"] = frame["now"] - frame["then"]  # -0.20000000000000284 and -4.0
    table = Table(frame, formats={"then": "pct", "now": "pct", "change": "change"})
    assert "| a | 30\\.1 | 29\\.9 | \u22120\\.2 |" in table._repr_markdown_()
    whole = frame.assign(then=[81.0, 87.0], now=[77.0, 83.0])
    whole["change"] = whole["now"] - whole["then"]
    table = Table(whole, formats={"then": "pct", "now": "pct", "change": "change"})
    assert "| a | 81 | 77 | \u22124 |" in table._repr_markdown_()


def test_a_styler_with_a_two_level_header_and_a_named_index():
    columns = pd.MultiIndex.from_tuples([("Sales", "North"), ("Sales", "South")])
    frame = pd.DataFrame([[1, 2], [3, 4]], columns=columns, index=pd.Index(["a", "b"], name="Row"))
    markdown = Table.of_styler(frame.style.hide(["a"]))._repr_markdown_()
    assert markdown.splitlines()[0] == "| Row | Sales, North | Sales, South |"
    assert markdown.splitlines()[2:] == ["| b | 3 | 4 |"]
