"""Row headers in the structure tree: the first cell of each table body row heads its row."""

import datetime as dt
import io

import pypdf
import pytest

from reportlib import pdftags
from reportlib.render import pdf

TABLE = """\
#set document(title: "Tables")
#set text(lang: "en", region: "GB")
= Tables
#table(
  columns: 3,
  table.header([Area], [2019], [2020]),
  table.cell(colspan: 3)[North],
  [Leeds], [1], [2],
  [York], [3], [4],
)
"""


def elements(catalog) -> list:
    found, stack = [], [catalog["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, dict) and ("/S" in node or "/K" in node):
            found.append(node)
            kids = node.get("/K", [])
            stack += reversed(kids) if isinstance(kids, list) else [kids]
    return [e for e in found if "/S" in e]


def table_attributes(cell) -> dict:
    attributes = cell["/A"] if isinstance(cell["/A"], list) else [cell["/A"]]
    return next(a.get_object() for a in attributes if a.get_object()["/O"] == "/Table")


@pytest.fixture
def compiled(tmp_path) -> bytes:
    return pdf.compile_typst(TABLE, tmp_path, dt.date(2020, 12, 17))


def test_first_cell_of_each_body_row_becomes_a_row_header(compiled):
    writer = pypdf.PdfWriter(pypdf.PdfReader(io.BytesIO(compiled)), incremental=True)
    assert pdftags.mark_row_headers(writer.root_object) == 2
    out = io.BytesIO()
    writer.write(out)
    catalog = pypdf.PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]
    rows = [e for e in elements(catalog) if e["/S"] == "/TR"]
    kinds = [[c.get_object()["/S"] for c in row["/K"]] for row in rows]
    # header row; the group heading across the row stays a cell; Leeds and York head rows
    assert kinds == [["/TH"] * 3, ["/TD"], ["/TH", "/TD", "/TD"], ["/TH", "/TD", "/TD"]]
    leeds, first, second = (c.get_object() for c in rows[2]["/K"])
    assert table_attributes(leeds)["/Scope"] == "/Row"
    assert table_attributes(first)["/Headers"][-1] == leeds["/ID"]
    assert table_attributes(second)["/Headers"][-1] == leeds["/ID"]
    # the id is in the tree's index, which stays sorted
    names = catalog["/StructTreeRoot"]["/IDTree"]["/Names"]
    keys = [str(names[i]) for i in range(0, len(names), 2)]
    assert leeds["/ID"] in keys and keys == sorted(keys)


def test_marking_twice_changes_nothing_more(compiled):
    reader = pypdf.PdfReader(io.BytesIO(compiled))
    assert pdftags.mark_row_headers(reader.trailer["/Root"]) == 2
    assert pdftags.mark_row_headers(reader.trailer["/Root"]) == 0


def test_an_untagged_pdf_is_left_alone():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    assert pdftags.mark_row_headers(writer.root_object) == 0
