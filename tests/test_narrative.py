"""A paper's words in its notebook: placeholders from data, figures placed, checks up front."""

from __future__ import annotations

import pytest

from reportlib import record
from reportlib.build import build, check
from reportlib.exceptions import DataError
from reportlib.formats import number, with_units
from reportlib.narrative import Narrative, check_meeting
from reportlib.params import load_meeting

from helpers import BASE_PARAMS, write_params

WORDS = "data/2020-12/narrative/paper.md"


def narrative(project, text: str, report: str = "paper") -> Narrative:
    folder = project.data_dir("2020-12") / "narrative"
    folder.mkdir(exist_ok=True)
    (folder / f"{report}.md").write_text(text, encoding="utf-8")
    return Narrative(report, "2020-12", project=project)


@pytest.mark.parametrize(
    ("value", "units", "expected"),
    [
        (154000, "hits", "154,000"),
        (1200000.0, "page views", "1.2 million"),
        (266000000, "pounds", "£266 million"),
        (5000000000, "pounds", "£5 billion"),
        (29.9, "%", "29.9%"),
        (68.0, "percent", "68%"),
        (19200, "£'000", "£19,200k"),
        (2.5, "hours", "2.5"),
        (3, "one in N", "3"),
        (1050000000, "pounds", "£1,050,000,000"),
        (2500000000, "pounds", "£2.5 billion"),
        (1200000, "£'000", "£1,200,000k"),
        (0.125, "hours", "0.125"),
        (38.0, "% of users", "38%"),
    ],
)
def test_values_read_as_prose(value, units, expected):
    assert with_units(value, units) == expected


def test_number_keeps_exact_figures_exact():
    assert number(1250000) == "1,250,000"  # not a round hundred thousand: printed in full


def test_placeholders_resolve_by_schema_key_column_and_short_name(project):
    words = narrative(
        project,
        "---\nsummary: North sold {sales.North:amount}.\nfigures:\n  south: sales.South:share_pct\n"
        "---\n\nThe South had {south}.\n",
    )
    assert words.front.summary[0].text == "North sold £120k."
    assert words.words.parts[0].markdown == "The South had 60%\\."
    assert words.value("sales.South:amount") == 180
    assert words.value("south") == 60.0
    reads = record.snapshot()["reads"]
    assert WORDS in reads and "data/2020-12/sales.csv" in reads
    assert record.snapshot()["front"] == {"summary": [{"text": "North sold £120k.", "points": []}]}


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("{nothing.North}", "names no dataset 'nothing'"),
        ("{sales.West:amount}", "no row of data/2020-12/sales.csv has region = 'West'"),
        (
            "{sales.Nrth:amount}",
            "no row of data/2020-12/sales.csv has region = 'Nrth' (nearest: North)",
        ),
        ("{sales.North.South}", "dataset sales is keyed by region, so give 1 key part"),
        ("{sales.North:colour}", "dataset sales has no column 'colour'"),
        ("{sale.North}", "names no dataset 'sale' (nearest: sales)"),
        ("{north}", "names no figure: it is not under 'figures:'"),
    ],
    ids=["dataset", "row", "nearest-row", "key-parts", "column", "nearest-dataset", "short"],
)
def test_a_placeholder_that_resolves_to_nothing_names_file_line_column(
    project, placeholder, expected
):
    with pytest.raises(DataError) as caught:
        narrative(project, f"---\npurpose: x\n---\n\nIt was {placeholder}.\n")
    assert f"{WORDS}:5: column 8: {placeholder} {expected}" in str(caught.value)


def test_datasets_lets_a_figure_go_by_its_own_name(project):
    words = narrative(
        project,
        "---\ndatasets: [sales]\nfigures: {south: sales.South}\n---\n\n"
        "{North:amount} and {south:amount}.\n",
    )
    assert words.words.parts[0].markdown == "£120k and £180k\\."
    with pytest.raises(DataError, match=r"'datasets:' lists 'nothing', which is no dataset"):
        narrative(project, "---\ndatasets: [nothing]\n---\n\n{North}\n")


def test_show_places_figures_and_previews_the_front_sheet(project, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda item, **kwargs: shown.append((item, kwargs))
    )
    words = narrative(
        project,
        "---\npurpose: For information.\n---\n\n## One\n\nText.\n\n"
        "{{< chart sales_chart North >}}\n\n## Two\n",
    )
    words.figure(lambda region: f"CHART {region}")  # a lambda is offered as '<lambda>'

    @words.figure
    def sales_chart(region):
        return f"CHART {region}"

    words.show()
    preview, one, chart, two = shown
    assert preview[1]["metadata"] == {"reportlib": {"preview": True}}
    assert "For information." in preview[0]["text/html"]
    assert one[0].data == "## One\n\nText\\." and chart[0] == "CHART North"
    assert two[0].data == "## Two"


def test_show_refuses_a_figure_the_notebook_does_not_offer(project, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    words = narrative(project, "---\npurpose: x\n---\n\n{{< table totals >}}\n")
    with pytest.raises(DataError, match=rf"{WORDS}:5: places 'totals', which notebooks/paper"):
        words.show()


def test_a_figure_that_fails_names_the_line_that_placed_it(project, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    words = narrative(project, "---\npurpose: x\n---\n\n{{< table totals West >}}\n")

    @words.figure
    def totals(region):
        raise KeyError(region)

    with pytest.raises(DataError, match=rf"{WORDS}:5: placing totals West failed: KeyError"):
        words.show()


def test_missing_words_say_where_they_go(project):
    with pytest.raises(DataError, match=r"narrative/absent\.md: does not exist"):
        Narrative("absent", "2020-12", project=project)


def words_params(project, report: str = "shows_words") -> None:
    write_params(project, BASE_PARAMS + f"  {report}:\n    title: Sales in words\n")


def test_check_finds_every_problem_before_anything_runs(project):
    words_params(project)
    folder = project.data_dir("2020-12") / "narrative"
    folder.mkdir()
    (folder / "shows_words.md").write_text(
        "---\npurpose: x\n---\n\n{sales.West}\n\n{{< chart pie_chart >}}\n", encoding="utf-8"
    )
    (folder / "budget.md").write_text("---\npurpose: x\n---\n", encoding="utf-8")
    problems = [str(p) for p in check_meeting(load_meeting(project, "2020-12"))]
    assert problems[0].startswith("data/2020-12/narrative/shows_words.md:5: column 1:")
    assert problems[1].startswith(
        "data/2020-12/narrative/shows_words.md:7: places 'pie_chart', which "
        "notebooks/shows_words.ipynb does not offer (it offers: sales_chart)"
    )
    assert problems[2].startswith("data/2020-12/narrative/budget.md: is the words of no report")
    with pytest.raises(DataError, match="3 problems"):
        check(project, "2020-12")


def test_a_notebook_that_opens_words_needs_its_file(project):
    words_params(project)
    with pytest.raises(DataError, match=r"narrative/shows_words\.md: does not exist"):
        check(project, "2020-12")


SMALL_PAPER = """\
---
purpose: For information.
summary: North sold {sales.North:amount} this year.
recommendations: That members note the report.
contact: {name: Alex Example, position: Analyst, phone: 020 7000 0000, email: alex@example.org}
---

Sales rose in both regions; see [the sales guide](https://example.org/guide).

## Background

The South sold {sales.South:amount}:

- **South:** the larger share, {sales.South:share_pct};
- **North:** the rest.

{{< chart sales_chart >}}

## Next steps

A closing paragraph, with <script>alert(1)</script> and #pagebreak() typed in.

# Appendix 1: Method

An appendix paragraph, not numbered.
"""


@pytest.mark.slow
def test_a_paper_written_in_words_reads_the_same_in_html_and_pdf(project):
    from pypdf import PdfReader

    words_params(project)
    folder = project.data_dir("2020-12") / "narrative"
    folder.mkdir()
    (folder / "shows_words.md").write_text(SMALL_PAPER, encoding="utf-8")
    result = build(project, "2020-12")
    assert result.ok, [str(j.error) for j in result.failed]
    out = project.outputs / "2020-12"
    html = (out / "shows_words.html").read_text(encoding="utf-8")
    pdf = " ".join(p.extract_text() for p in PdfReader(out / "shows_words.pdf").pages)
    pdf = " ".join(pdf.split())
    for text in (html, pdf):
        assert "North sold £120k this year." in text
        assert "That members note the report." in text and "Alex Example" in text
        assert text.index("Sales rose") < text.index("The South sold £180k")
        assert text.index("the rest.") < text.index("Sales by region") < text.index("A closing")
        assert "South: the larger share, 60%" in text.replace("<strong>", "").replace(
            "</strong>", ""
        )
        assert "Front sheet" not in text  # the notebook's own preview stays there
        assert "#pagebreak() typed in" in text  # printed as typed, never run
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://example.org/guide">the sales guide</a>' in html
    assert '<a href="mailto:alex@example.org">alex@example.org</a>' in html
    uris = {
        a.get_object()["/A"].get("/URI")
        for page in PdfReader(out / "shows_words.pdf").pages
        for a in page.get("/Annots") or []
    }
    assert {"https://example.org/guide", "mailto:alex@example.org"} <= uris
    for n, start in ((1, "Sales rose"), (2, "The South sold"), (3, "A closing")):
        assert f"{n}. {start}" in pdf
    assert "4. An appendix" not in pdf and "An appendix paragraph" in pdf
    for text, kind in (("A closing", "rl-numbered"), ("An appendix paragraph", "rl-appendix")):
        before = html[: html.index(text)]  # the body is numbered, the appendix is not
        assert before[before.rindex('class="rl-cell') :].startswith(f'class="rl-cell {kind}"')


def with_polls(project, rows: str) -> None:
    (project.data / "schemas" / "polls.yaml").write_text(
        "title: Polls\nkey: [measure, round]\nperiod: round\ncolumns:\n"
        "  measure: {type: str}\n  round: {type: int}\n  month: {type: date}\n"
        "  pct: {type: float, units: '%'}\n",
        encoding="utf-8",
    )
    (project.data_dir("2020-12") / "polls.csv").write_text(
        "measure,round,month,pct\n" + rows, encoding="utf-8"
    )


def test_latest_and_previous_follow_the_data(project):
    with_polls(project, "trust,26,2020-06-01,70\ntrust,27,2020-10-01,64\nnew,27,2020-10-01,5\n")
    words = narrative(
        project,
        "---\npurpose: x\n---\n\nIn {polls.latest:month} (round {polls.latest:round}), "
        "{polls.trust.latest:pct}, from {polls.trust.previous:pct} in {polls.previous:month}; "
        "{polls.new.latest:pct}.\n",
    )
    assert words.words.parts[0].markdown == (
        "In October 2020 \\(round 27\\), 64%, from 70% in June 2020; 5%\\."
    )
    assert words.words.notes == []


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("{polls.new.previous:pct}", "polls.csv has one round only (27), so there is no previous"),
        ("{sales.latest:amount}", "dataset sales has no period"),
    ],
    ids=["one-period-only", "no-period"],
)
def test_a_relative_period_that_does_not_exist_is_an_error(project, placeholder, expected):
    with_polls(project, "trust,26,2020-06-01,70\nnew,27,2020-10-01,5\n")
    with pytest.raises(DataError) as caught:
        narrative(project, f"---\npurpose: x\n---\n\nIt was {placeholder}.\n")
    assert f"{WORDS}:5: column 8: {placeholder}" in str(caught.value)
    assert expected in str(caught.value)


def test_a_placeholder_fixed_to_an_older_period_is_a_warning(project):
    with_polls(project, "trust,26,2020-06-01,70\ntrust,27,2020-10-01,64\n")
    words = narrative(project, "---\npurpose: x\n---\n\nIt was {polls.trust.26:pct}.\n")
    assert words.words.parts[0].markdown == "It was 70%\\."
    (note,) = words.words.notes
    assert str(note).startswith(f"{WORDS}:5: column 8: {{polls.trust.26:pct}} names round 26")
    assert f"may be out of date: {note}" in record.snapshot()["warnings"]
