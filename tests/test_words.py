"""Reading a words file: front sheet, safe Markdown body, figure slots, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportlib.exceptions import DataError
from reportlib.words import Names, PlaceholderProblem, Words, parse

FIGURES = {"sales.North": "£120k", "sales.South:share_pct": "60%"}


def resolve(reference: str, names: Names) -> tuple[str, str | None]:
    reference = names.figures.get(reference, reference)
    if reference not in FIGURES:
        raise PlaceholderProblem("names no figure (nearest: sales.North)")
    return FIGURES[reference], None


def words(tmp_path: Path, text: str, *, titled: bool = False) -> Words:
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    return parse(path, "narrative/paper.md", resolve, titled=titled)


def problems(tmp_path: Path, text: str, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        words(tmp_path, text, **kwargs)
    return str(caught.value)


FRONT = "---\npurpose: For information.\n---\n"


def body(found: Words) -> str:
    return "\n\n".join(p.markdown for p in found.parts if p.figure is None)


def test_front_sheet_takes_one_paragraph_or_several_and_one_contact_or_several(tmp_path):
    found = words(
        tmp_path,
        "---\n"
        "purpose: For information.\n"
        "summary: North sold {sales.North}.\n"
        "recommendations:\n"
        "- That members note the report.\n"
        "- text: 'That members agree:'\n"
        "  points: [one, two]\n"
        "contact: {name: A, position: B, phone: 020 7000 0000, email: a@example.org}\n"
        "---\n",
    )
    front = found.front
    assert front.summary[0].text == "North sold £120k."  # plain: the templates escape
    assert [p.text for p in front.recommendations][1] == "That members agree:"
    assert front.recommendations[1].points == ("one", "two")
    assert front.contact[0].phone == "020 7000 0000"
    assert found.parts == []


def test_body_keeps_paragraphs_lists_and_bold_lead_ins(tmp_path):
    found = words(
        tmp_path,
        FRONT + "\nFirst paragraph,\nwritten over two lines.\n\n"
        "## Background\n\n"
        "- **Remote Peer Support:** sold {sales.North}\n"
        "  - a nested point\n\n"
        "  A second paragraph of the same item.\n"
        "- *second* item\n\n"
        "1. first\n2. second\n",
    )
    text = body(found)
    assert text.startswith("First paragraph, written over two lines\\.\n\n## Background")
    assert "- **Remote Peer Support\\:** sold £120k\n  - a nested point" in text
    assert "\n\n  A second paragraph of the same item\\." in text
    assert "- *second* item" in text
    assert "1\\. first" not in text and "1. first\n2. second" in text


def test_links_go_to_web_and_mail_addresses_only(tmp_path):
    found = words(
        tmp_path,
        FRONT + "\nSee [the *guide*](https://example.org/a_b?c=1), [mail](mailto:a@b.org) "
        "and [x](javascript:alert(1)).\n",
    )
    text = body(found)
    assert "[the *guide*](https://example.org/a_b?c=1)" in text and "[mail](mailto:a@b.org)" in text
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in text  # printed as typed


@pytest.mark.parametrize("vague", ["here", "Click here", "read more."])
def test_link_text_that_says_nothing_on_its_own_is_refused(tmp_path, vague):
    found = problems(tmp_path, FRONT + f"\nThe guide is [{vague}](https://example.org/g).\n")
    assert f"column 14: the link text {vague!r} says nothing when read on its own" in found


def test_figures_are_placed_where_the_words_say(tmp_path):
    found = words(
        tmp_path,
        FRONT + "\nBefore.\n\n{{< chart sales_chart >}}\n\n"
        "After.\n\n{{< table breakdown_table income >}}\n",
    )
    assert [(p.figure, p.args) for p in found.parts] == [
        (None, ()),
        ("sales_chart", ()),
        (None, ()),
        ("breakdown_table", ("income",)),
    ]
    assert found.slots == [("sales_chart", 7), ("breakdown_table", 11)]


def test_an_appendix_starts_at_its_heading_and_its_headings_sit_one_level_under(tmp_path):
    found = words(
        tmp_path,
        FRONT + "\n## Section\n\nBody.\n\n# Appendix 1: Detail\n\n## Part\n\n### Sub\n\nText.\n",
    )
    body_part, appendix = found.parts
    assert not body_part.appendix and appendix.appendix
    assert appendix.markdown.startswith("## Appendix 1\\: Detail\n\n### Part\n\n#### Sub")
    assert [(s.title, s.level) for s in found.sections] == [
        ("Section", 2),
        ("Appendix 1: Detail", 1),
        ("Part", 2),
        ("Sub", 3),
    ]
    assert found.sections[2].text == "Sub\nText."


def test_comments_are_for_the_analyst_only(tmp_path):
    found = words(tmp_path, FRONT + "\nOne <!-- a note -->line.\n<!-- a\nlong note -->\nmore.\n")
    assert body(found) == "One line\\. more\\."


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "#set page(fill: red) #pagebreak() $x^2$ `code` @cite",
        "::: source",
    ],
)
def test_markup_typed_into_the_words_is_shown_as_text(tmp_path, typed):
    text = body(words(tmp_path, FRONT + "\n" + typed + "\n"))
    assert "<" not in text and "`" not in text.replace("\\`", "")
    for char in "#$@:{":
        assert char not in text.replace("\\" + char, "")


def test_a_figure_value_is_never_read_as_markup(tmp_path):
    FIGURES["sales.West"] = "*<b>"
    try:
        assert body(words(tmp_path, FRONT + "\n{sales.West}\n")) == "\\*&lt;b&gt;"
    finally:
        del FIGURES["sales.West"]


def test_short_names_come_from_the_front_matter(tmp_path):
    found = words(tmp_path, "---\nfigures:\n  north: sales.North\n---\n\nNorth sold {north}.\n")
    assert body(found) == "North sold £120k\\."
    assert found.names.figures == {"north": "sales.North"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FRONT + "\nSold {sales.West}.\n", "narrative/paper.md:5: column 6: {sales.West} names"),
        (FRONT + "\nSold { stray.\n", "paper.md:5: column 6: a brace that is not part of a"),
        (FRONT + "\nA {{< chart x >}} inline\n", "paper.md:5: a chart or table is placed on a"),
        (FRONT + "\n## One\n\n#### Four\n", "paper.md:7: a level-4 heading (####) follows"),
        (FRONT + "\n# Title\n", "paper.md:5: '#' is for an appendix"),
        (FRONT + "\nText <!-- never closed\n", "paper.md:5: a comment '<!--' is never closed"),
        ("", "narrative/paper.md: is empty"),
        ("Words only.\n", "paper.md:1: must open with its front sheet"),
        ("---\npurpose: x\n", "paper.md:1: front sheet is not closed"),
        (
            "---\npurpose: Note: this breaks\n---\n",
            "paper.md:2: is not valid YAML: a value that contains ': ' must be in quotes",
        ),
        ("---\ntitle: A title\n---\n", "paper.md:2: title: is not a front-sheet key; the paper"),
        ("---\npurpose: Sold {sales.East}\n---\n", "paper.md:2: column 6: {sales.East} names"),
        (
            "---\ncontact: {name: A, position: B, phone: '1', email: nobody}\n---\n",
            "paper.md:2: contact.0.email: is not an e-mail address",
        ),
        ("---\nfigures: [a, b]\n---\n", "paper.md:2: figures: must map short names"),
    ],
    ids=[
        "unknown-placeholder",
        "stray-brace",
        "inline-shortcode",
        "heading-skips-a-level",
        "title-heading",
        "unclosed-comment",
        "empty",
        "no-front-sheet",
        "unclosed-front-sheet",
        "unquoted-colon",
        "title-in-a-report",
        "placeholder-in-front-sheet",
        "bad-email",
        "bad-figures",
    ],
)
def test_problems_name_the_file_and_line(tmp_path, text, expected):
    assert expected in problems(tmp_path, text)


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    message = problems(tmp_path, FRONT + "\n{sales.West} and\n\n{sales.East}\n")
    assert "2 problems" in message and "paper.md:5:" in message and "paper.md:7:" in message


def test_a_file_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "paper.md"
    path.write_bytes(FRONT.encode() + "\nCost £5.\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"paper\.md:5: is not UTF-8 text .* save it as UTF-8"):
        parse(path, "paper.md", resolve)


def test_a_supplied_document_gives_its_title(tmp_path):
    found = words(tmp_path, "---\ntitle: Other boards\n---\n\n## Background\n", titled=True)
    assert found.front.title == "Other boards"
    assert "paper.md:2: title: is missing; add it" in problems(tmp_path, FRONT, titled=True)
