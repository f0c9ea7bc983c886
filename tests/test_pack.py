"""The agenda pack: read back from the PDF, its agenda must say where each paper really is.

The shared build has a failed report, so its pack is the draft, ``pack-draft.pdf``.
"""

import io
import json
import re
import tomllib
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import NameObject, RectangleObject

from reportlib import pack, review
from reportlib.exceptions import ParamsError
from reportlib.pack import papers, sheets
from reportlib.params import load_meeting

from helpers import REPO, run_cli, write_params
from packed import (
    AGENDA_PARAMS,
    COMPLETE_PARAMS,
    CONFIDENTIAL_MARKDOWN,
    built_meeting,
    copy_built,
    leaflet_pdf,
    make_agenda_project,
)

MM = 72 / 25.4
BOARD = "Improvement and Innovation Board"
# What the first page of each item with pages shows (the paper's title, or a sheet's).
FIRST_PAGE_SHOWS = {
    2: "Document is Restricted",
    3: "Sales in 2020: <em>an update</em>",
    5: "Improvement activity of other boards",
    6: "Leaflet page one",
    7: "A greeting",
    8: "Sales",
    9: "Paper not available",
}
ITEM_TITLES = {
    1: "Welcome, Apologies and Declarations of Interest",
    2: "Confidential minutes of the previous meeting",
    3: "Sales in 2020: <em>an update</em>",
    4: "An update on next year - verbal update",
    5: "Improvement activity of other boards",
    6: "A leaflet from a partner",
    7: "A greeting",
    8: "Sales by region",
    9: "Broken",
    10: "Any Other Business",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_meeting(tmp_path_factory)


@pytest.fixture(scope="module")
def reader(built):
    return pypdf.PdfReader(built.out / "pack-draft.pdf")


def text_at(page, low: float, high: float) -> str:
    """Text whose baseline lies between ``low`` and ``high`` points from the page's foot."""
    found = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if low <= y <= high and text.strip():
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


def footer(page) -> str:
    return text_at(page, 0, 20 * MM)


def header(page) -> str:
    height = float(page.mediabox.height)
    return text_at(page, height - 26 * MM, height)


def agenda_ranges(reader) -> tuple[int, dict[int, tuple[int, int]]]:
    """The agenda page's index and, per item, the page range it prints."""
    index = next(
        i for i, p in enumerate(reader.pages) if "Date of Next Meeting" in p.extract_text()
    )
    text = reader.pages[index].extract_text()
    ranges = {}
    for number, title in ITEM_TITLES.items():
        found = re.search(re.escape(f"{number}. {title}") + r" (\d+)(?: - (\d+))?$", text, re.M)
        if found:
            first = int(found.group(1))
            ranges[number] = (first, int(found.group(2) or first))
    return index, ranges


def test_agenda_page_ranges_are_where_each_paper_starts_and_ends(built, reader):
    agenda_page, ranges = agenda_ranges(reader)
    front = agenda_page + 1  # the agenda closes the front matter
    assert set(ranges) == set(FIRST_PAGE_SHOWS), "items without a paper have no pages"
    expected_next = 1
    for number in sorted(ranges):
        first, last = ranges[number]
        assert first == expected_next, f"item {number} should follow on from the last"
        start = reader.pages[front + first - 1].extract_text()
        assert FIRST_PAGE_SHOWS[number] in start, f"item {number} does not start on page {first}"
        if number + 1 in ranges:  # the page after the range is the next item's first
            after = reader.pages[front + last].extract_text()
            assert FIRST_PAGE_SHOWS[number + 1] in after
        expected_next = last + 1
    assert front + expected_next - 1 == len(reader.pages), "the last paper ends the pack"
    # The ranges are where the pack's own bookmarks put each item, by the pages' labels.
    labels = reader.page_labels
    starts = {
        int(e.title.split(".")[0]): int(labels[reader.get_destination_page_number(e)])
        for e in reader.outline
        if not isinstance(e, list) and e.title[0].isdigit()
    }
    numbers = sorted(starts)
    ends = [starts[n] - 1 for n in numbers[1:]] + [int(labels[-1])]
    assert ranges == {n: (starts[n], end) for n, end in zip(numbers, ends, strict=True)}


def test_every_paper_page_has_the_running_header_and_its_pack_number(reader):
    agenda_page, _ = agenda_ranges(reader)
    front = agenda_page + 1
    for index, page in enumerate(reader.pages):
        if index < front:
            assert footer(page) == "", "the front matter is not numbered"
            continue
        number = str(index - front + 1)
        assert footer(page) == number, f"page {index + 1} of the file should show {number}"
        if "Leaflet page" not in page.extract_text():  # the supplied PDF keeps its own top
            assert header(page).startswith(BOARD) and "17 December 2020" in header(page)
    papers = len(reader.pages) - front
    assert reader.page_labels == [
        *["i", "ii", "iii", "iv"][:front],
        *map(str, range(1, papers + 1)),
    ]


def test_outline_has_one_bookmark_per_item_with_pages(reader):
    _, ranges = agenda_ranges(reader)
    front = agenda_ranges(reader)[0] + 1
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    items = {
        int(e.title.split(".")[0]): reader.get_destination_page_number(e)
        for e in top
        if e.title[0].isdigit()
    }
    assert items == {n: front + first - 1 for n, (first, _) in ranges.items()}
    titles = [e.title for e in top if e.title[0].isdigit()]
    assert titles == [f"{n}. {ITEM_TITLES[n]}" for n in sorted(ranges)]
    assert [e.title for e in top][:3] == ["Notices", "Membership 2020/2021", "Agenda"]


def test_front_matter_shows_cover_notices_membership_and_next_meeting(reader):
    cover, notices, membership = (reader.pages[i].extract_text() for i in range(3))
    assert "Agenda" in cover and "Thursday 17 December 2020" in cover and "11.00 am" in cover
    assert "To: Members of the Board" in cover
    assert "There will be a meeting of the Improvement and Innovation Board" in notices
    assert "cons@example.org" in notices and "Jo Bloggs" in notices
    assert "Conservative (2)" in membership and "Labour (1)" in membership  # counted
    assert "Cllr Ann Able (Chairman)" in membership and "Ed Evans" in membership
    agenda = reader.pages[agenda_ranges(reader)[0]].extract_text()
    assert "NON-CONFIDENTIAL ITEMS" in agenda
    assert "Date of Next Meeting: Friday, 5 March 2021, 11.00 am, tbc" in agenda


def test_supplied_documents_are_in_the_pack(reader):
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "The second numbered paragraph." in text  # the Markdown, rendered
    assert "What the other boards did." in text and "Contact officer: A Person" in text
    assert "Leaflet page two" in text  # the PDF, as supplied


def test_failed_report_has_a_placeholder_in_a_draft_pack_and_the_build_fails(built, reader):
    assert [j.name for j in built.result.failed] == ["raises_error"]
    assert "item 9 (raises_error): the paper is missing from the pack" in built.log
    assert "pack: the pack is a draft, written as pack-draft.pdf" in built.log
    placeholder = reader.pages[-1].extract_text()
    assert "Paper not available" in placeholder and "Do not publish this pack" in placeholder
    assert not (built.out / "pack.pdf").exists(), "pack.pdf is only ever a complete pack"


def test_pack_is_tagged_and_described(reader):
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB"
    tree = root["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    # (a restricted sheet after the first holds artifacts only: nothing to point at)
    assert {int(p["/StructParents"]) for p in reader.pages if "/StructParents" in p} <= keys
    kinds, alts, stack = set(), [], [tree["/K"][0]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict) or "/S" not in node:
            continue
        kinds.add(node["/S"])
        alts += [node["/Alt"]] if "/Alt" in node else []
        kids = node.get("/K", [])
        stack += kids if isinstance(kids, list) else [kids]
    assert {"/Part", "/H1", "/Table", "/Figure"} <= kinds
    assert "Bar chart: the South sold half as much again as the North." in alts
    assert reader.metadata.title.startswith("Improvement and Innovation Board, 17 December 2020")
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


def test_pack_json_records_the_pages(built, reader):
    info = json.loads((built.out / "pack.json").read_text())
    _, ranges = agenda_ranges(reader)
    recorded = {r["number"]: (r["first"], r["last"]) for r in info["items"] if "first" in r}
    assert recorded == ranges
    assert info["pages"] == len(reader.pages) and info["confidential_pack"] is None
    assert info["pack"] == "pack-draft.pdf" and info["draft"] is True
    assert set(info["inputs"]) == {
        "data/2020-12/supplied/boards.md",
        "data/2020-12/supplied/leaflet.pdf",
    }
    assert any("confidential pack was not made" in w for w in info["warnings"])


def test_assembling_again_gives_the_same_bytes(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    before = (project.output_dir("2020-12") / "pack-draft.pdf").read_bytes()
    pack.assemble(load_meeting(project, "2020-12"), project.output_dir("2020-12"))
    assert (project.output_dir("2020-12") / "pack-draft.pdf").read_bytes() == before


def test_only_a_complete_pack_is_pack_pdf(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    write_params(project, COMPLETE_PARAMS)
    made = pack.assemble(load_meeting(project, "2020-12"), out)
    assert made.path == out / "pack.pdf" and not (out / "pack-draft.pdf").exists()
    assert not any(
        "Paper not available" in p.extract_text() for p in pypdf.PdfReader(made.path).pages
    )
    complete = made.path.read_bytes()
    view = review.context(load_meeting(project, "2020-12"), out)["pack"]
    assert view["href"] == "pack.pdf" and not view["draft"]
    # A paper goes missing again: the draft is made beside the complete pack, untouched.
    write_params(project, AGENDA_PARAMS)
    made = pack.assemble(load_meeting(project, "2020-12"), out)
    assert made.path == out / "pack-draft.pdf" and made.info["draft"]
    assert (out / "pack.pdf").read_bytes() == complete
    assert made.warnings[0].startswith(
        "the pack is a draft, written as pack-draft.pdf: the paper for item(s) 9 is missing; "
        "pack.pdf, the last complete pack, was left as it was."
    )
    page = review.render(review.context(load_meeting(project, "2020-12"), out))
    assert "The pack is a draft: do not publish it." in page
    assert 'href="pack-draft.pdf#page=7"' in page and 'href="pack.pdf"' in page


def test_a_confidential_document_makes_the_full_pack_with_the_same_page_numbers(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    write_params(project, COMPLETE_PARAMS)  # the full pack is made with a complete pack only
    out = project.output_dir("2020-12")
    without = pack.assemble(load_meeting(project, "2020-12"), out).path.read_bytes()
    folder = project.data_dir("2020-12") / "confidential"
    folder.mkdir()
    (folder / "minutes.md").write_text(CONFIDENTIAL_MARKDOWN, encoding="utf-8")
    made = pack.assemble(load_meeting(project, "2020-12"), out)
    assert made.confidential == out / "confidential" / "pack-confidential.pdf"
    # The public pack is the same, byte for byte, with or without the document.
    assert made.path.read_bytes() == without
    public, full = pypdf.PdfReader(made.path), pypdf.PdfReader(made.confidential)
    assert len(public.pages) == len(full.pages)
    _, ranges = agenda_ranges(public)
    assert agenda_ranges(full)[1] == ranges
    first, last = ranges[2]
    assert last - first == 1  # pages: 2, which the minutes take: two restricted sheets
    front = agenda_ranges(public)[0] + 1
    for index in range(front + first - 1, front + last):
        assert "Document is Restricted" in public.pages[index].extract_text()
    secret = "Secret minute text"
    assert secret in "".join(full.pages[i].extract_text() for i in range(front, front + 2))
    assert not any(secret in p.extract_text() for p in public.pages)
    assert not any("confidential pack was not made" in w for w in made.warnings)
    # A page count that is wrong is an error naming the params file, key and line.
    write_params(project, COMPLETE_PARAMS.replace("    pages: 2\n", "    pages: 3\n"))
    with pytest.raises(ParamsError) as caught:
        pack.assemble(load_meeting(project, "2020-12"), out)
    line = COMPLETE_PARAMS.splitlines().index("    pages: 2") + 1
    assert str(caught.value) == (
        f"params/2020-12.yaml:{line}: agenda.1.pages: says 3, but "
        "data/2020-12/confidential/minutes.md has 2 pages in the pack; set 'pages: 2'"
    )
    # Without the document the full pack is removed, not left stale.
    write_params(project, COMPLETE_PARAMS)
    (folder / "minutes.md").unlink()
    made = pack.assemble(load_meeting(project, "2020-12"), out)
    assert made.confidential is None and not (out / "confidential").exists()


@pytest.fixture
def config(tmp_path):
    return load_meeting(make_agenda_project(tmp_path / "project"), "2020-12")


def two_pages(tmp_path: Path, change) -> Path:
    """The two-page leaflet as a PDF file, after ``change(writer)``."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(leaflet_pdf())))
    change(writer)
    path = tmp_path / "supplied.pdf"
    writer.write(path)
    return path


def test_a_supplied_pdf_whose_pages_share_a_content_stream_gets_one_number_a_page(config, tmp_path):
    def share(writer):
        writer.pages[1][NameObject("/Contents")] = writer.pages[0].raw_get("/Contents")

    stamped = pypdf.PdfReader(io.BytesIO(papers.stamp_pdf(config, two_pages(tmp_path, share), 7)))
    assert [footer(p) for p in stamped.pages] == ["7", "8"]


def test_a_supplied_pdf_is_numbered_inside_its_crop_box(config, tmp_path):
    box = (100, 150, 495, 700)

    def crop(writer):
        for page in writer.pages:
            page.cropbox = RectangleObject(box)

    stamped = pypdf.PdfReader(io.BytesIO(papers.stamp_pdf(config, two_pages(tmp_path, crop), 7)))
    assert [text_at(p, box[1], box[1] + 20 * MM) for p in stamped.pages] == ["7", "8"]


@pytest.mark.parametrize(
    ("hhmm", "shown"),
    [("11:00", "11.00 am"), ("12:30", "12.30 pm"), ("00:15", "12.15 am"), ("18:05", "6.05 pm")],
)
def test_times_are_written_as_the_board_writes_them(hhmm, shown):
    assert sheets.time_12h(hhmm) == shown


def test_pypdf_is_pinned_below_its_next_major_version():
    # reportlib.pdfwriter wraps pypdf's private PdfWriter._ID and _add_object.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [d for d in project["project"]["dependencies"] if d.startswith("pypdf")]
    major = int(pypdf.__version__.split(".")[0])
    assert f"<{major + 1}" in pin, "allow a new major version only after checking them"


def test_build_help_explains_the_pack(tmp_path):
    done = run_cli(make_agenda_project(tmp_path / "project"), "build", "--help")
    assert done.returncode == 0
    for words in ("pack.pdf", "confidential/pack-confidential.pdf", "index.html", "Restricted"):
        assert words in done.stdout


def structure(node) -> list:
    """Every structure element under ``node``, in reading order."""
    found, stack = [], [node]
    while stack:
        element = stack.pop().get_object()
        if not isinstance(element, dict) or "/S" not in element:
            continue
        found.append(element)
        kids = element.get("/K", [])
        stack += reversed(kids) if isinstance(kids, list) else [kids]
    return found


def test_restricted_sheets_are_one_section_with_one_heading(reader):
    _, ranges = agenda_ranges(reader)
    front = agenda_ranges(reader)[0] + 1
    first, last = ranges[2]
    parts = reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0]["/K"]
    restricted = parts[1].get_object()  # the front matter's part, then item 2's
    assert restricted["/S"] == "/Part"
    headings = [e for e in structure(restricted) if e["/S"].startswith("/H")]
    assert len(headings) == 1 and last > first, "two sheets, one heading"
    # the later sheets show the same words, as artifacts a screen reader skips
    later = reader.pages[front + last - 1]
    assert "Document is Restricted" in later.extract_text() and "/StructParents" not in later


def test_agenda_entries_link_to_their_items_first_pages(reader):
    agenda_page, ranges = agenda_ranges(reader)
    front = agenda_page + 1
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    targets = {}
    for ref in reader.pages[agenda_page]["/Annots"]:
        link = ref.get_object()
        assert link["/A"]["/S"] == "/GoTo", "no link leaves the pack"
        page = reader.get_page_number(link["/A"]["/D"][0].get_object())
        number = int(re.match(r"Go to item (\d+), ", link["/Contents"]).group(1))
        targets.setdefault(number, set()).add(page)
        assert parents[int(link["/StructParent"])]["/S"] == "/Link", "each link is tagged"
    assert targets == {n: {front + first - 1} for n, (first, _) in ranges.items()}


def test_pack_xmp_describes_it_and_claims_pdf_ua_only_when_every_part_is(built, reader):
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert f'<rdf:li xml:lang="x-default">{reader.metadata.title}</rdf:li>' in packet
    assert "<rdf:li>en-GB</rdf:li>" in packet and "<reportlib:meeting>2020-12<" in packet
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    # the supplied leaflet was not made as PDF/UA, so the pack does not say it is
    assert "pdfuaid:part" not in packet
    info = json.loads((built.out / "pack.json").read_text())
    assert info["tagged"] and not info["pdf_ua"]
    assert (
        "the pack does not declare PDF/UA-1, because data/2020-12/supplied/leaflet.pdf does "
        "not; ask its author for a PDF/UA (accessible) PDF"
    ) in info["warnings"]


def test_the_pack_compiles_each_paper_from_its_kept_source(built, tmp_path, monkeypatch):
    from reportlib.render import pdf

    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    before = (out / "pack-draft.pdf").read_bytes()
    rendered = []
    real = pdf.typst_source
    monkeypatch.setattr(
        pdf, "typst_source", lambda md, ctx: rendered.append(ctx["title"]) or real(md, ctx)
    )
    pack.assemble(load_meeting(project, "2020-12"), out)
    assert rendered == ["Improvement activity of other boards"], "only the supplied Markdown"
    assert (out / "pack-draft.pdf").read_bytes() == before
    # A paper whose PDF came from elsewhere (Quarto) has no kept source: rendered here.
    record = json.loads((out / "manifest.json").read_text())
    del record["reports"]["greets"]["outputs"]["greets.typ.zip"]
    (out / "manifest.json").write_text(json.dumps(record))
    rendered.clear()
    pack.assemble(load_meeting(project, "2020-12"), out)
    assert rendered == ["Improvement activity of other boards", "A greeting"]
    assert (out / "pack-draft.pdf").read_bytes() == before
    # A kept source changed after the build is refused, not trusted.
    (out / "reads_data.typ.zip").write_bytes(b"not the build's")
    with pytest.raises(
        pack.PackError,
        match=r"outputs/2020-12/reads_data\.typ\.zip is missing "
        "or was changed after the build; build reads_data again",
    ):
        pack.assemble(load_meeting(project, "2020-12"), out)


def test_links_inside_papers_keep_to_their_own_paper(config, tmp_path):
    from reportlib.pack.merge import merge
    from reportlib.pack.plan import Part
    from reportlib.render import pdf

    def compiled(name: str, blank_pages: int) -> bytes:
        source = (
            f'#set document(title: "{name}")\n#set text(lang: "en")\n= {name}\n'
            + "#pagebreak()\n" * blank_pages
            + "See #link(<sec>)[the section].\n#pagebreak()\n= Section <sec>\n"
        )
        folder = tmp_path / name
        folder.mkdir()
        return pdf.compile_typst(source, folder, config.params.meeting.date)

    front = compiled("Front", 0)
    parts = [
        Part(1, "One", "report", "built", compiled("One", 0)),
        Part(2, "Two", "report", "built", compiled("Two", 2)),
    ]
    joined = pypdf.PdfReader(io.BytesIO(merge(config, front, parts).pdf))
    links = {}
    for index, page in enumerate(joined.pages):
        for ref in page.get("/Annots", []):
            target = ref.get_object()["/A"]["/D"][0].get_object()
            links[index] = joined.get_page_number(target)
    # the same label in each: each link leads to the section of its own document
    assert links == {0: 1, 2: 3, 6: 7}


def test_every_table_header_a_cell_names_is_in_the_pack_s_id_tree(reader):
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    names = tree["/IDTree"]["/Names"]
    ids = [str(names[i]) for i in range(0, len(names), 2)]
    assert ids == sorted(ids), "a name tree is sorted"
    named, scopes = set(), set()
    for element in structure(tree["/K"][0]):
        attributes = element.get("/A")
        attributes = attributes if isinstance(attributes, list) else [attributes]
        for found in (a.get_object() for a in attributes if a is not None):
            named.update(str(h) for h in found.get("/Headers", []))
            if element["/S"] == "/TH":
                scopes.add(found.get("/Scope"))
    assert named and named <= set(ids)
    assert {"/Row", "/Column"} <= scopes, "the front matter's tables head rows and columns"
