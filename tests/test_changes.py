"""What a paper says, kept per build, and what changed between two builds."""

from __future__ import annotations

import nbformat

from reportlib import changes


def paper(sentence: str, amount: int) -> nbformat.NotebookNode:
    table = (
        "| Region | Amount (£'000) |\n|:---|---:|\n"
        f"| North | {amount:,} |\n| Total | {amount + 180:,} |\n\n: Sales by region \\(£'000\\)\n"
    )
    cell = nbformat.v4.new_code_cell()
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": f"## Summary\n\n{sentence}"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": table}),
        nbformat.v4.new_output(
            "display_data",
            data={"text/markdown": "A note for the writer only."},
            metadata={"reportlib": {"preview": True}},
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("**Bold** words."), cell])
    nb.metadata["reportlib"] = {
        "front": {"purpose": "For information."},
        "key_figures": {"peers": {"label": "Peers", "value": 68.0, "units": "peers"}},
    }
    return nb


def test_content_is_the_papers_words_and_figures_as_a_reader_sees_them():
    found = changes.content(paper("Sales rose in *every* region.", 120))
    assert found["words"] == [
        "Purpose: For information.",
        "Bold words.",
        "Summary",
        "Sales rose in every region.",
    ]
    assert found["figures"] == {
        "Peers": "68 peers",
        "Sales by region (£'000): North, Amount (£'000)": "120",
        "Sales by region (£'000): Total, Amount (£'000)": "300",
    }


def test_a_changed_sentence_is_shown_word_by_word_and_figures_before_and_after():
    before = changes.content(paper("Sales rose in every region.", 120))
    after = changes.content(paper("Sales fell in every region.", 1150))
    diff = changes.compare(before, after)
    assert diff.words == [
        [("same", "Sales"), ("del", "rose"), ("ins", "fell"), ("same", "in every region.")]
    ]
    assert diff.figures == [
        {
            "label": "Sales by region (£'000): North, Amount (£'000)",
            "before": "120",
            "now": "1,150",
        },
        {
            "label": "Sales by region (£'000): Total, Amount (£'000)",
            "before": "300",
            "now": "1,330",
        },
    ]
    assert changes.compare(after, after).empty


def test_each_build_keeps_the_one_before(tmp_path):
    changes.remember(tmp_path, "sales", "2020-12-01T10:00:00+00:00", paper("One.", 1))
    changes.remember(tmp_path, "sales", "2020-12-02T10:00:00+00:00", paper("Two.", 2))
    kept = changes.history(tmp_path, "sales")
    assert kept["built"] == "2020-12-02T10:00:00+00:00"
    assert kept["previous"]["built"] == "2020-12-01T10:00:00+00:00"
    assert "One." in kept["previous"]["content"]["words"]
    assert "Two." in kept["content"]["words"]
