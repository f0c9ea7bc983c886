"""The agenda and front matter in the meeting's parameters: validated before anything runs."""

import datetime as dt
import shutil
import subprocess

import pypdf
import pytest

from reportlib.build import check
from reportlib.exceptions import ParamsError
from reportlib.params import load_meeting

from helpers import BASE_PARAMS, params_errors
from packed import AGENDA_PARAMS, leaflet_pdf, make_agenda_project

REPORTS = BASE_PARAMS + "  greets:\n    title: A greeting\n"


@pytest.fixture
def agenda_project(tmp_path):
    return make_agenda_project(tmp_path / "project")


def test_items_are_numbered_and_reports_lend_their_titles(agenda_project):
    config = load_meeting(agenda_project, "2020-12")
    rows = config.numbered_agenda()
    assert [n for n, _ in rows] == [1, 2, 3, None, 4, 5, 6, 7, 8, 9, 10]
    kinds = [item.kind for _, item in rows]
    assert kinds[:5] == ["none", "confidential", "report", "heading", "verbal"]
    assert config.item_title(rows[2][1]) == "Sales in 2020: <em>an update</em>"
    assert config.item_title(rows[8][1]) == "Sales by region"  # its own title wins
    membership = config.params.front_matter.membership
    assert [len(g.members) for g in membership.groups] == [2, 1]
    assert config.params.front_matter.notices[0].text == [
        "Please tell your group office if you cannot attend."
    ]


def test_the_meeting_date_is_written_as_the_papers_write_it(agenda_project):
    meeting = load_meeting(agenda_project, "2020-12").params.meeting
    assert meeting.date_long == "17 December 2020"
    assert meeting.model_copy(update={"date": dt.date(2021, 3, 5)}).date_long == "5 March 2021"


def test_a_missing_supplied_document_stops_the_build_naming_file_key_and_line(agenda_project):
    (agenda_project.data_dir("2020-12") / "supplied" / "boards.md").unlink()
    with pytest.raises(ParamsError) as caught:
        check(agenda_project, "2020-12")  # what build() runs before any notebook
    line = AGENDA_PARAMS.splitlines().index("    supplied: boards.md") + 1
    assert str(caught.value) == (
        f"params/2020-12.yaml:{line}: agenda.5.supplied: names the document "
        "data/2020-12/supplied/boards.md, which does not exist; put the document there, "
        "or correct the file name"
    )
    assert not agenda_project.output_dir("2020-12").exists()


def test_a_missing_confidential_document_is_not_an_error(agenda_project):
    assert not (agenda_project.data_dir("2020-12") / "confidential").exists()
    assert load_meeting(agenda_project, "2020-12").params.agenda[1].confidential == "minutes.md"


def test_a_supplied_markdown_front_sheet_is_checked(agenda_project):
    path = agenda_project.data_dir("2020-12") / "supplied" / "boards.md"
    path.write_text("---\npurpose: For information.\nsumary: typo\n---\n\nBody.\n")
    with pytest.raises(ParamsError) as caught:
        check(agenda_project, "2020-12")  # with the papers' words, before anything runs
    message = str(caught.value)
    assert "data/2020-12/supplied/boards.md:2: title: is missing; add it" in message
    assert (
        "data/2020-12/supplied/boards.md:3: sumary: is not a front-sheet key; did you mean summary?"
        in message
    )
    path.write_text("No front sheet here.\n")
    with pytest.raises(ParamsError, match=r"boards\.md:1: must open with its front sheet"):
        check(agenda_project, "2020-12")


def line_of(text: str) -> int:
    """The line of ``AGENDA_PARAMS`` that is ``text``."""
    return AGENDA_PARAMS.splitlines().index(text) + 1


def test_an_unreadable_or_empty_supplied_pdf_is_an_error_naming_file_key_and_line(
    agenda_project,
):
    path = agenda_project.data_dir("2020-12") / "supplied" / "leaflet.pdf"
    where = f"params/2020-12.yaml:{line_of('    supplied: leaflet.pdf')}: agenda.6.supplied: "
    path.write_text("not a pdf")
    assert params_errors(agenda_project, AGENDA_PARAMS).startswith(
        where + "names data/2020-12/supplied/leaflet.pdf, which is not a readable PDF ("
    )
    empty = pypdf.PdfWriter()
    empty.write(path)
    assert params_errors(agenda_project, AGENDA_PARAMS) == (
        where + "names data/2020-12/supplied/leaflet.pdf, which has no pages; supply the "
        "document with its pages"
    )


def test_a_confidential_item_must_give_its_page_count(agenda_project):
    text = AGENDA_PARAMS.replace("    pages: 2\n", "")
    assert params_errors(agenda_project, text) == (
        f"params/2020-12.yaml:{line_of('    confidential: minutes.md')}: agenda.1.pages: "
        "is missing: give the page count of the confidential document "
        "data/2020-12/confidential/minutes.md (e.g. 'pages: 10'); the public pack shows that "
        "many Document is Restricted sheets, so that it is paged the same with or without "
        "the document"
    )
    text = AGENDA_PARAMS.replace(
        "    supplied: boards.md\n", "    supplied: boards.md\n    pages: 2\n"
    )
    assert "agenda.5: 'pages' is for a confidential item only" in params_errors(
        agenda_project, text
    )


def test_a_confidential_pdf_must_have_the_pages_the_item_gives(agenda_project):
    folder = agenda_project.data_dir("2020-12") / "confidential"
    folder.mkdir()
    (folder / "minutes.pdf").write_bytes(leaflet_pdf())  # two pages
    text = AGENDA_PARAMS.replace("minutes.md\n    pages: 2", "minutes.pdf\n    pages: 3")
    assert params_errors(agenda_project, text) == (
        f"params/2020-12.yaml:{line_of('    pages: 2')}: agenda.1.pages: says 3, but "
        "data/2020-12/confidential/minutes.pdf has 2 pages; set 'pages: 2'"
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_confidential_document_in_git_stops_the_build(agenda_project):
    folder = agenda_project.data_dir("2020-12") / "confidential"
    folder.mkdir()
    (folder / "minutes.md").write_text("---\ntitle: Minutes\n---\n\nSecret.\n")
    check(agenda_project, "2020-12")  # not a git checkout: nothing to check

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=agenda_project.root, check=True, capture_output=True)

    git("init", "-q")
    (agenda_project.root / ".gitignore").write_text("data/*/confidential/\n")
    check(agenda_project, "2020-12")  # ignored, as it should be
    git("add", "--force", "data/2020-12/confidential/minutes.md")
    with pytest.raises(ParamsError) as caught:
        check(agenda_project, "2020-12")
    assert str(caught.value) == (
        f"params/2020-12.yaml:{line_of('    confidential: minutes.md')}: "
        "agenda.1.confidential: names data/2020-12/confidential/minutes.md, which git tracks: "
        "a confidential document must never be committed; remove it from git with "
        "'git rm --cached data/2020-12/confidential/minutes.md' (the file stays here, and "
        ".gitignore keeps it out from then on)"
    )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "  - title: Two papers\n    report: greets\n    verbal: true\n",
            "agenda.0: an item has at most one of report, supplied, confidential, verbal",
        ),
        ("  - heading: A\n    title: B\n", "agenda.0: a heading row takes only 'heading'"),
        ("  - verbal: true\n", "agenda.0: an item needs a 'title'"),
        (
            "  - title: Escape\n    supplied: ../../secret.md\n",
            "agenda.0.supplied: name the document by its file name",
        ),
        (
            "  - title: Word\n    supplied: paper.docx\n",
            "agenda.0.supplied: a document must be a PDF (.pdf) or Markdown (.md) file",
        ),
        ("  - title: T\n    colour: red\n", "agenda.0.colour: is not a key this file takes"),
    ],
)
def test_malformed_items_are_refused_with_their_key(project, item, message):
    text = REPORTS + "agenda:\n" + item + "  - report: greets\n"
    assert message in params_errors(project, text)


def test_agenda_and_reports_must_agree(project):
    text = (
        BASE_PARAMS + "  greets:\n    title: G\n  reads_data:\n    title: S\n"
        "agenda:\n  - report: greets\n  - report: greets\n  - report: nope\n"
    )
    message = params_errors(project, text)
    assert "params/2020-12.yaml:14: agenda.1.report: 'greets' is already on the agenda" in message
    assert "agenda.2.report: 'nope' is not one of this meeting's reports" in message
    assert (
        "params/2020-12.yaml:10: reports.reads_data: is not on the agenda; add an item "
        "with 'report: reads_data'"
    ) in message


def test_front_matter_is_validated(project):
    text = (
        REPORTS + "agenda:\n  - report: greets\nfront_matter:\n  notices:\n"
        "    - heading: Offices\n      offices:\n"
        "        - {group: Labour, phone: '1', email: not-an-email}\n"
        "  next_meeting: {date: 2021-02-30}\n"
    )
    message = params_errors(project, text)
    assert "front_matter.notices.0.offices.0.email:" in message
    assert "front_matter.next_meeting.date: '2021-02-30' is not a date" in message


def test_a_meeting_without_an_agenda_is_still_valid(project):
    assert load_meeting(project, "2020-12").params.agenda is None


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("../confidential/minutes.pdf", "leads into a confidential/ folder"),
        ("/etc/os-release", "leads outside its folder supplied/"),
    ],
)
def test_a_supplied_document_linked_out_of_supplied_is_refused(agenda_project, target, reason):
    meeting = agenda_project.data_dir("2020-12")
    (meeting / "confidential").mkdir()
    (meeting / "confidential" / "minutes.pdf").write_bytes(leaflet_pdf())
    leaflet = meeting / "supplied" / "leaflet.pdf"
    leaflet.unlink()
    leaflet.symlink_to(target)
    with pytest.raises(ParamsError) as caught:
        check(agenda_project, "2020-12")
    line = AGENDA_PARAMS.splitlines().index("    supplied: leaflet.pdf") + 1
    assert f"params/2020-12.yaml:{line}: agenda." in str(caught.value)
    assert f"names data/2020-12/supplied/leaflet.pdf, which {reason}" in str(caught.value)


def test_an_alias_in_a_markdown_front_sheet_is_refused_with_its_line(agenda_project):
    boards = agenda_project.data_dir("2020-12") / "supplied" / "boards.md"
    text = boards.read_text().replace("purpose: For information.", "purpose: &p For information.")
    boards.write_text(text.replace("summary: What the other boards did.", "summary: *p"))
    with pytest.raises(
        ParamsError, match=r"boards\.md:3: is not valid YAML: uses the YAML anchor &p"
    ):
        check(agenda_project, "2020-12")
