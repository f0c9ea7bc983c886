"""The meeting's words: placeholders resolved from data, text escaped, errors located."""

from __future__ import annotations

import pytest

from reportlib import record
from reportlib.exceptions import DataError
from reportlib.formats import number, with_units
from reportlib.narrative import Narrative

NARRATIVE = "data/2020-12/narrative/paper.yaml"


def narrative(project, text: str) -> Narrative:
    folder = project.data_dir("2020-12") / "narrative"
    folder.mkdir(exist_ok=True)
    (folder / "paper.yaml").write_text(text, encoding="utf-8")
    return Narrative("paper", "2020-12", project=project)


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


def test_placeholders_resolve_by_schema_key_and_column(project):
    words = narrative(
        project, "summary: ['North sold {sales.North:amount}, {sales.South:share_pct}.']\n"
    )
    assert words.text(words["summary"][0]) == r"North sold £120k, 60%\."
    assert words.value("sales.South:amount") == 180
    assert "data/2020-12/narrative/paper.yaml" in record.snapshot()["reads"]


def test_front_sheet_resolves_and_keeps_text_plain(project):
    words = narrative(
        project,
        "purpose: For information.\n"
        "summary:\n"
        "- text: 'Sales were {sales.North:amount} in the North:'\n"
        "  points: [one, two]\n"
        "recommendations: [That members note the report.]\n"
        "contact:\n"
        "- {name: A, position: B, phone: '1', email: a@example.org}\n"
        "- {name: C, position: D, phone: '2', email: c@example.org}\n",
    )
    front = words.record_front_sheet()
    assert front["summary"] == [
        {"text": "Sales were £120k in the North:", "points": ["one", "two"]}
    ]
    assert [c["name"] for c in front["contact"]] == ["A", "C"]
    assert record.snapshot()["front"]["purpose"] == "For information."


def test_hostile_text_is_escaped(project):
    words = narrative(
        project, "x: '<script>alert(1)</script> *bold* [link](http://evil) x^2^ @cite'\n"
    )
    text = words.text(words["x"])
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\*bold\*" in text and r"\[link\]" in text
    assert r"x\^2\^" in text and r"\@cite" in text


def test_paragraph_shapes(project):
    words = narrative(
        project,
        "p:\n"
        "  lead: Lead\n"
        "  text: Lead-in\n"
        "  points: [{lead: A, text: first}, second]\n"
        "  topics: [red, blue]\n"
        "  after: [Afterwards]\n",
    )
    assert words.paragraph(words["p"], ("p",)) == (
        "**Lead** Lead\\-in\n\n- **A** first\n- second\n\nred; blue.\n\nAfterwards"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'{nothing.North}'", "{nothing.North} names no dataset 'nothing'"),
        ("'{sales.West:amount}'", "no row of data/2020-12/sales.csv has region = 'West'"),
        ("'{sales.North.South}'", "dataset sales is keyed by region, so give 1 key part"),
        ("'{sales.North:colour}'", "dataset sales has no column 'colour'"),
        ("'{ sales }'", "has a brace that is not part of a placeholder"),
        ("'{Sales.North} then {sales.North:amount}'", "has a brace that is not part of"),
        ("'unclosed {sales.North'", "has a brace that is not part of a placeholder"),
    ],
    ids=[
        "unknown-dataset",
        "no-row",
        "key-parts",
        "unknown-column",
        "stray-braces",
        "brace-before-a-placeholder",
        "unclosed",
    ],
)
def test_bad_placeholders_name_file_key_and_line(project, text, expected):
    words = narrative(project, f"intro: fine\nsections:\n- paragraphs:\n  - {text}\n")
    with pytest.raises(DataError) as caught:
        words.section(words["sections"][0], ("sections", 0))
    message = str(caught.value)
    assert expected in message
    assert f"{NARRATIVE}:4: sections.0.paragraphs.0:" in message


def test_a_paragraph_key_nobody_shows_is_an_error(project):
    words = narrative(project, "p: {text: hi, quote: lost words}\n")
    with pytest.raises(DataError, match="not quote"):
        words.paragraph(words["p"], ("p",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("summary: [{text: a, after: [b]}]", "summary.0: a front-sheet paragraph takes points"),
        ("contact: {name: A, position: B, phone: '1', email: nobody}", "contact: is not a contact"),
        ("summary: ['{sales.West:amount}']", "no row of data/2020-12/sales.csv"),
    ],
    ids=["unknown-key", "bad-email", "bad-placeholder"],
)
def test_front_sheet_problems_name_the_file_and_key(project, text, expected):
    words = narrative(project, text + "\n")
    with pytest.raises(DataError) as caught:
        words.front_sheet()
    assert NARRATIVE in str(caught.value) and expected in str(caught.value)


def test_show_places_figures_where_the_narrative_says(project, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    words = narrative(
        project,
        "sections:\n- heading: One\n  paragraphs: [text]\n  show: [chart]\n- heading: Two\n",
    )
    words.show(figures={"chart": lambda: "CHART"})
    assert shown == ["## One\n\ntext", "CHART", "## Two"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sections:\n- heading: One\n  show: [table]\n", "sections.0.show: shows 'table'"),
        ("sections:\n- heading: One\n  quote: lost\n", "sections.0: a section takes"),
    ],
    ids=["unknown-figure", "unknown-key"],
)
def test_show_refuses_what_it_cannot_show(project, monkeypatch, text, expected):
    monkeypatch.setattr("IPython.display.display", lambda _: None)
    words = narrative(project, text)
    with pytest.raises(DataError, match=expected):
        words.show(figures={"chart": lambda: "CHART"})


def test_contacts(project):
    words = narrative(project, "people: [{name: A, position: B, phone: '1', email: a@b.org}]\n")
    assert words.contacts(words["people"], "Contacts", ("people",)) == (
        "**Contacts**\n\n- A, B, 1, a\\@b\\.org"
    )
    assert words.contacts(None, "Contacts", ("people",)) == ""


def test_missing_narrative_says_where_to_put_it(project):
    with pytest.raises(DataError, match=r"narrative/absent\.yaml: does not exist"):
        Narrative("absent", "2020-12", project=project)
