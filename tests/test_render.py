"""Rendering: the fixture notebook renders_paper exercises every feature once."""

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import stat

import nbformat
import pypdf
import pytest
from PIL import Image as PIL_Image

from reportlib import render
from reportlib.build import build
from reportlib.exceptions import RenderError
from reportlib.paths import Project
from reportlib.progress import Progress
from reportlib.render import document, pdf_engine, quarto
from reportlib.render.html import check_self_contained, one_h1, table_name, unique_ids

from helpers import REPO

FIXTURE = REPO / "tests" / "fixtures" / "project"


def _build(root, report="renders_paper"):
    result = build(
        Project(root),
        "2020-12",
        reports=[report],
        progress=Progress(io.StringIO(), tty=False),
        engine="typst",
    )
    assert result.ok, [str(j.error) for j in result.failed]
    return result


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """Build renders_paper once; return (output folder, html text, pdf reader, manifest)."""
    root = tmp_path_factory.mktemp("render") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    result = _build(root)
    out = result.output_dir
    html = (out / "renders_paper.html").read_text()
    reader = pypdf.PdfReader(out / "renders_paper.pdf")
    manifest = json.loads((out / "manifest.json").read_text())["reports"]["renders_paper"]
    return out, html, reader, manifest


def pdf_text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def struct_elements(reader):
    """Every (type, alt) in the PDF's structure tree (the tags of a tagged PDF)."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return found


def test_inline_values_in_both_formats_and_their_source_kept(paper):
    out, html, reader, _ = paper
    assert "Sales in North came to £300k this year." in html
    assert "Sales in North came to £300k this year." in pdf_text(reader)
    executed = nbformat.read(out / "renders_paper.ipynb", as_version=4)
    cell = next(c for c in executed.cells if "came to" in c.source)
    assert cell.metadata.reportlib["inline"][1] == {"expr": 'f"£{total:,}k"', "value": "£300k"}
    assert "`{python} region`" in cell.metadata.reportlib["source"]


def test_no_code_in_either_format(paper):
    _, html, reader, _ = paper
    for text in (html, pdf_text(reader)):
        assert "load_table" not in text and "import " not in text and "#|" not in text


@pytest.mark.parametrize(
    ("option", "present", "absent"),
    [
        ("include: false", [], ["left out entirely"]),
        ("output: false", [], ["ran, output hidden"]),
        ("warning (default false)", [], ["hidden warning"]),
        ("warning: true", ["shown warning"], []),
        ("output: asis", ["Printed as Markdown."], ["Printed **as"]),
        ("fig-cap", ["Sales by region, 2020"], []),
        ("tbl-cap", ["Sales by region (£'000)"], []),
    ],
)
def test_cell_options_in_both_formats(paper, option, present, absent):
    _, html, reader, _ = paper
    text = pdf_text(reader)
    html_text = html.replace("<strong>", "").replace("</strong>", "")
    for words in present:
        assert words in html_text.replace("&#x27;", "'"), option
        assert words in text, option
    for words in absent:
        assert words not in html and words not in text, option


def test_figure_alt_text_caption_and_label(paper):
    _, html, reader, _ = paper
    alt = "Bar chart: the South sold half as much again as the North."
    assert '<figure class="rl-figure" id="fig-sales">' in html
    assert f'<img alt="{alt}" src="data:image/svg+xml;base64,' in html
    assert "<figcaption>Sales by region, 2020</figcaption>" in html
    assert ("/Figure", alt) in struct_elements(reader)


def test_real_table_in_both_formats(paper):
    _, html, reader, _ = paper
    assert '<th class="num" scope="col">amount</th>' in html
    assert '<tr class="total"><th scope="row">Total</th><td class="num">300</td>' in html
    assert "/Table" in {s for s, _ in struct_elements(reader)}
    assert re.search(r"North 120 40\b(?!\.)", pdf_text(reader))  # whole, as the data has it
    assert "Source: Fixture sales report, December 2020, Table 1" in pdf_text(reader)


def test_paragraphs_are_numbered_across_headings_not_in_appendices(paper):
    _, html, reader, _ = paper
    text = pdf_text(reader)
    assert "1. Sales in North" in text and "4. A closing paragraph." in text
    assert "\nAn appendix paragraph" in text
    assert 'class="rl-cell rl-appendix"' in html and "counter-increment: para" in html


def test_pdf_pages_have_running_header_and_numbers(paper):
    _, _, reader, _ = paper
    assert len(reader.pages) == 3  # the front sheet, the paper, its appendix on a page of its own
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        header = "Improvement and Innovation Board 17 December 2020"
        if number == 3:  # an appendix's pages name it in the running header
            header = "Improvement and Innovation Board Appendix 1 17 December 2020"
            assert "\nAppendix 1: Detail" in text
        assert text.startswith(header), text[:80]
        assert text.rstrip().endswith(str(number))
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width)), round(float(mediabox.height))) == (595, 842)  # A4


def test_pdf_is_tagged_with_title_and_language(paper):
    _, _, reader, _ = paper
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Sales in 2020: <em>an update</em>"


def test_hostile_strings_are_escaped(paper):
    _, html, _, _ = paper
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html and "<img src=x" not in html and "<em>an update" not in html
    check_self_contained(html)


def test_html_is_self_contained(paper):
    _, html, _, _ = paper
    assert "http://" not in html and "https://" not in html
    assert "default-src 'none'" in html


@pytest.mark.parametrize(
    "page",
    [
        "<script>x()</script>",
        '<img src="https://example.org/x.png">',
        '<p onclick="x()">a</p>',
        '<a href="data:text/html,x">a</a>',
        '<a href="file:///etc/passwd">a</a>',
        '<div style="background: url(http://x/y)">',
        '<style>@import "x.css";</style>',
        '<img src="local.png">',
        '<a href="&#106;avascript:alert(1)">a</a>',
        '<link rel="stylesheet" href="x.css">',
        '<picture><source srcset="https://example.org/x.svg"><img src="data:,"></picture>',
        '<video><source src="data:video/mp4;base64,AA"></video>',
    ],
)
def test_self_contained_check_refuses_anything_that_loads_or_runs(page):
    with pytest.raises(RenderError, match="self-contained"):
        check_self_contained(f"<html><body>{page}</body></html>")


@pytest.mark.parametrize(
    "link", ["https://example.org/a?b=1", "http://example.org", "mailto:a@example.org", "#s"]
)
def test_links_that_only_navigate_are_allowed(link):
    check_self_contained(f'<html><body><a href="{link}">a</a></body></html>')


def test_a_picture_of_data_images_is_allowed():
    check_self_contained('<picture><source srcset="data:,a"><img src="data:,b" alt="x"></picture>')


def test_repeated_ids_are_numbered_and_heading_links_removed(paper):
    _, page, _, _ = paper
    assert 'class="anchor-link"' not in page
    assert unique_ids('<h4 id="a">1</h4><h4 id="a">2</h4><p id="a-2"></p><h4 id="a">3</h4>') == (
        '<h4 id="a">1</h4><h4 id="a-3">2</h4><p id="a-2"></p><h4 id="a-4">3</h4>'
    )


def test_a_notebooks_own_level_one_heading_goes_under_the_title():
    page = '<h1 id="rl-title">T</h1><h2 id="rl-body-title">T</h2><h1>A</h1><h2>B</h2></h2x>'
    assert (
        one_h1(page)
        == '<h1 id="rl-title">T</h1><h2 id="rl-body-title">T</h2><h2>A</h2><h3>B</h3></h2x>'
    )
    kept = '<h1 id="rl-title">T</h1><h2 id="rl-body-title">T</h2><h2>A</h2>'
    assert one_h1(kept) == kept


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        ("<table><caption>Sales <em>&amp;</em> costs</caption></table>", "Sales & costs"),
        ("<table><tr><td>1</td></tr></table>", "Table"),
        ("<p>no table</p>", None),
    ],
)
def test_a_tables_scroll_box_is_named_by_its_caption(markup, name):
    assert table_name(markup) == name


def test_manifest_records_render_stages(paper):
    *_, manifest = paper
    assert set(manifest["seconds"]) == {"execute", "html", "pdf"}
    assert set(manifest["outputs"]) == {
        "renders_paper.ipynb",
        "renders_paper.html",
        "renders_paper.pdf",
        "renders_paper.typ.zip",  # the PDF's Typst source, which the pack compiles
    }
    assert any("shown warning" in w for w in manifest["warnings"])


def test_two_builds_give_identical_bytes(paper, tmp_path):
    out, *_ = paper
    root = tmp_path / "again"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    again = _build(root).output_dir
    for name in ("renders_paper.html", "renders_paper.pdf", "renders_paper.typ.zip"):
        first = hashlib.sha256((out / name).read_bytes()).hexdigest()
        second = hashlib.sha256((again / name).read_bytes()).hexdigest()
        assert first == second, name


def test_figure_without_alt_text_is_a_warning():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "#| fig-cap: A chart",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "fig"}
                    )
                ],
            )
        ]
    )
    nb.cells[0].metadata.reportlib = {"cell": 4}
    assert document.prepare(nb).warnings == [
        "cell 4: a figure has no alt text; add '#| fig-alt: ...' saying what the chart shows"
    ]


def test_a_pdf_ua_violation_fails_the_pdf_with_typst_s_message_and_the_cell(tmp_path):
    image = io.BytesIO()
    PIL_Image.new("RGB", (4, 4), "white").save(image, format="PNG")
    png = base64.b64encode(image.getvalue()).decode("ascii")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                outputs=[nbformat.v4.new_output("display_data", data={"image/png": png})]
            )
        ]
    )
    nb.cells[0].metadata.reportlib = {"cell": 4}
    values = {
        **{k: [] for k in ("summary", "recommendations", "actions", "contacts")},
        **{"title": "T", "board": "B", "date_long": "1 May 2021", "date": "2021-05-01"},
        **{"purpose": "", "meeting": "2021-05"},
    }
    path = tmp_path / "paper.pdf"
    with pytest.raises(RenderError) as caught:
        render.render("pdf", document.prepare(nb), values, tmp_path, path)
    assert "Typst could not compile the paper: PDF/UA-1 error: missing alt text" in str(
        caught.value
    )
    assert str(caught.value).endswith(
        "cell 4: a figure has no alt text; add '#| fig-alt: ...' saying what the chart shows"
    )
    assert not path.exists()


def test_invalid_cell_options_name_the_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("#| fig-alt: a: b\nx = 1")])
    nb.cells[0].metadata.reportlib = {"cell": 7}
    with pytest.raises(RenderError, match="cell 7: cell options are not valid YAML"):
        document.prepare(nb)


def test_remote_images_in_markdown_are_refused():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("![logo](https://example.org/logo.png)")]
    )
    nb.cells[0].metadata.reportlib = {"cell": 2}
    with pytest.raises(RenderError, match="Markdown cell 2 loads an image from https://"):
        document.prepare(nb)


def test_quarto_command_line(tmp_path):
    command = quarto.command(
        "/opt/quarto/bin/quarto", tmp_path / "paper.ipynb", tmp_path / "paper-metadata.yml"
    )
    assert command == [
        "/opt/quarto/bin/quarto",
        "render",
        "paper.ipynb",
        "--to",
        "typst",
        "--no-execute",
        "--metadata-file",
        "paper-metadata.yml",
        "--output",
        "paper.pdf",
    ]


def test_quarto_metadata_uses_the_house_template():
    values = {
        "title": "T",
        "board": "B",
        "date_long": "1 May 2021",
        "date": "2021-05-01",
        "purpose": "",
        "summary": [],
        "recommendations": [],
        "actions": [],
        "contacts": [],
    }
    meta = quarto.metadata(values)
    assert meta["template"].endswith("templates/typst/paper.typ")
    assert meta["filters"][0].endswith("templates/typst/paper.lua")
    assert (meta["echo"], meta["warning"], meta["year"], meta["title"]) == (False, False, 2021, "T")


def test_quarto_missing_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(quarto.shutil, "which", lambda _: None)
    assert pdf_engine("auto") == "typst"
    with pytest.raises(
        RenderError, match="'quarto' is not on PATH: install Quarto, or build with --engine typst"
    ):
        quarto.render(nbformat.v4.new_notebook(), {}, tmp_path)


def _fake_quarto(tmp_path, script):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_quarto_failure_shows_its_output(monkeypatch, tmp_path):
    bin_dir = _fake_quarto(tmp_path, 'echo "ERROR: template not found" >&2\nexit 3\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert pdf_engine("auto") == "quarto"
    values = {
        "title": "T",
        "board": "B",
        "date_long": "1 May",
        "date": "2021-05-01",
        "purpose": "",
        "summary": [],
        "recommendations": [],
        "actions": [],
        "contacts": [],
    }
    with pytest.raises(RenderError, match=r"(?s)quarto render failed \(exit 3\).*template not"):
        quarto.render(nbformat.v4.new_notebook(), values, tmp_path)


@pytest.mark.skipif(shutil.which("quarto") is None, reason="Quarto is not installed here")
def test_real_quarto_renders_the_paper(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    result = build(
        Project(root),
        "2020-12",
        reports=["renders_paper"],
        formats=["pdf"],
        engine="quarto",
        progress=Progress(io.StringIO(), tty=False),
    )
    assert result.ok, [str(j.error) for j in result.failed]
    text = pdf_text(pypdf.PdfReader(result.output_dir / "renders_paper.pdf"))
    assert "Sales in North came to £300k this year." in text


def test_a_table_shows_the_decimal_places_its_data_has():
    import pandas as pd

    from reportlib.tables import Table

    frame = pd.DataFrame(
        {"measure": ["a", "b"], "now": [81.0, 87.0], "share": [29.9, 70.1], "change": [-4.0, 2.0]}
    )
    table = Table(frame, formats={"now": "pct", "share": "pct", "change": "change"})
    markdown = table._repr_markdown_()
    assert "| a | 81 | 29\\.9 | \u22124 |" in markdown and "| b | 87 | 70\\.1 | \\+2 |" in markdown


def test_a_table_note_is_printed_under_it_in_both_formats():
    import pandas as pd

    from reportlib.tables import Table

    note = "The breakdown sums to 13,752 because of rounding; the stated total is 13,751."
    table = Table(pd.DataFrame({"part": ["a"], "amount": [13752]}), "Parts", notes=[note])
    page = table._repr_html_()
    assert page.index("</table>") < page.index(f'<p class="rl-source rl-note">Note: {note}</p>')
    markdown = table._repr_markdown_()
    assert markdown.endswith(
        "::: {.source}\nNote: The breakdown sums to 13,752 because of "
        "rounding; the stated total is 13,751\\.\n:::\n"
    )


def test_figures_in_prose_read_the_same_from_numpy():
    import numpy as np

    from reportlib.formats import with_units

    assert with_units(np.int64(64275), "£'000") == "£64,275k"
    assert with_units(np.float64(33.9), "%") == "33.9%"


@pytest.mark.parametrize("target", ["/etc/passwd", "../params/2020-12.yaml", "link.png"])
def test_markdown_images_must_be_files_inside_notebooks(project, tmp_path, target):
    (project.notebooks / "link.png").symlink_to("/etc/passwd")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"![x]({target})")])
    nb.cells[0].metadata.reportlib = {"cell": 3}
    doc = document.prepare(nb)
    for fmt in ("html", "pdf"):
        with pytest.raises(RenderError, match=r"Markdown cell 3 shows .*, which leads outside"):
            render.render(fmt, doc, {}, project.notebooks, tmp_path / f"x.{fmt}")
        assert not (tmp_path / f"x.{fmt}").exists()


def test_maths_carries_its_tex_source_as_alt_text(tmp_path):
    from reportlib.render import pdf

    values = {
        **{k: [] for k in ("summary", "recommendations", "actions", "contacts")},
        **{"title": "T", "board": "B", "date_long": "1 May 2021", "date": "2021-05-01"},
        "purpose": "",
    }
    markdown = 'A "share" of $\\frac{a}{b}$.\n\n$$\\sum_{i=1}^n i$$\n'
    data = pdf.compile_typst(pdf.typst_source(markdown, values), tmp_path, dt.date(2021, 5, 1))
    tree = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"]
    alts, stack = [], [tree]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Formula":
                alts.append(str(node["/Alt"]))
            kids = node.get("/K", [])
            stack += kids if isinstance(kids, list) else [kids]
    assert sorted(alts) == ["\\frac{a}{b}", "\\sum_{i=1}^n i"]


# The feature notebook renders_every_feature: every kind of output and every cell option
# an analyst may type, through both renderers.


@pytest.fixture(scope="module")
def features(tmp_path_factory):
    """Build renders_every_feature once; return (html, pdf text, pdf reader, warnings)."""
    root = tmp_path_factory.mktemp("features") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    with (root / "params" / "2020-12.yaml").open("a", encoding="utf-8") as params:
        params.write("  renders_every_feature:\n    title: Every feature\n")
    result = _build(root, "renders_every_feature")  # it fails if an eval: false cell runs
    out = result.output_dir
    reader = pypdf.PdfReader(out / "renders_every_feature.pdf")
    manifest = json.loads((out / "manifest.json").read_text())
    warnings = manifest["reports"]["renders_every_feature"]["warnings"]
    return (out / "renders_every_feature.html").read_text(), pdf_text(reader), reader, warnings


def _html_text(html):
    return re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#x27;", "'")


def test_features_unicode_and_missing_glyphs(features):
    html, text, _, warnings = features
    for words in ("café, naïve, “quoted”, 5 \u00d7 4 \u2212 3 ≥ 2 and £12", "東京 and 🎉"):
        assert words in html
    assert "café, naïve, “quoted”" in text
    assert any(
        w.startswith("cell 2: the PDF's fonts have no glyph for") and "東" in w for w in warnings
    )


def test_features_links_in_both_formats(features):
    html, _, reader, _ = features
    assert '<a href="https://www.local.gov.uk/guidance">the guidance</a>' in html
    assert '<a href="mailto:team@example.org">the team</a>' in html
    # A heading link in another case goes to the heading in both formats.
    assert '<a href="#Next-steps">the next steps</a>' in html
    assert '<a href="#tbl-regions">the table</a>' in html
    uris, internal = set(), 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
            elif annot.get_object().get("/Dest") is not None or action is not None:
                internal += 1
    assert {"https://www.local.gov.uk/guidance", "mailto:team@example.org"} <= uris
    assert internal >= 2  # the heading and the labelled table


def test_features_maths_as_mathml_and_typst(features):
    html, text, _, warnings = features
    assert "<mfrac><mi>a</mi><mi>b</mi></mfrac>" in html  # $\frac{a}{b}$
    assert "<msqrt><mi>x</mi></msqrt>" in html  # \(\sqrt{x}\)
    assert html.count('<math display="block"') >= 3  # $$E = mc^2$$, align, the Latex output
    assert "<mtable>" in html  # the align environment kept its rows
    assert "<msubsup><mo>∫</mo>" in html  # IPython Latex output
    visible = re.sub(r"<annotation.*?</annotation>", "", html, flags=re.S)  # TeX for tools
    assert "\\frac{a}{b}" not in visible and "\\begin{align}" not in visible
    assert "<IPython.core.display.Latex" not in html + text
    assert "money stays money: $5 and $10." in html and "money stays money: $5 and $10." in text
    # Typst maths, in its maths font's italic letters: E = mc², and both rows of align
    e, m, c, a, b, d, e_ = (chr(0x1D438), *(chr(0x1D44E + ord(x) - 97) for x in "mcabde"))
    assert f"{e} = {m}{c}" in text
    assert re.search(rf"{a}\s*=\s*{b}\s*\+\s*{c}\s*\n.*{d}\s*=\s*{e_}", text)
    assert "∫" in text
    assert "<code>\\frac{a</code>" in html and "\\frac{a" in text  # shown as typed, and a warning
    assert "cell 3: the formula '\\\\frac{a' is not TeX that pandoc can read" in warnings


def test_features_raw_cells_go_to_their_format(features):
    html, text, _, warnings = features
    assert '<p class="raw-html">A raw HTML paragraph.</p>' in html
    assert "A raw HTML paragraph." not in text
    assert "A raw Typst paragraph." in text and "A raw Typst paragraph." not in html
    assert "<strong>A raw LaTeX paragraph</strong>" in html and "A raw LaTeX paragraph" in text
    assert "reStructuredText paragraph" not in html + text
    assert any(
        w.startswith("raw cell 7 is left out: its format is text/restructuredtext")
        for w in warnings
    )


def test_features_every_image_kind(features):
    html, _, reader, _ = features
    for mime in ("image/png", "image/jpeg", "image/svg+xml"):
        assert f'src="data:{mime};base64,' in html, mime
    assert 'alt="An attached blue square" src="data:image/png;base64,' in html
    alts = {alt for kind, alt in struct_elements(reader) if kind == "/Figure"}
    assert {"A PNG image of a blue square.", "A JPEG chart of one bar.", "An SVG circle."} <= alts
    images = [name for page in reader.pages for name in page.images]
    assert len(images) >= 3  # the PNG, the JPEG and the attachment (the SVG is drawn)


def test_features_streams_tables_and_long_lines(features):
    html, text, _, _ = features
    assert "Printed to stdout." in html and "Printed to stdout." in text
    # A DataFrame and a Styler are house tables in both formats.
    assert '<th class="num" scope="col">Share (%)</th>' in html
    assert "<caption>A styled table</caption>" in html
    assert re.search(r"North\s+1,200\s+26\.1\b", text)
    assert re.search(r"A styled table\s+Region\s+Sales\s+Share \(%\)\s+North\s+1200\s+26\.10", text)
    assert "<pandas" not in html + text
    # 3,003 characters on one line: all of them in the PDF, on lines that fit the page.
    long_lines = re.findall(r"^[0-9END]{40,}$", text, re.M)
    assert "".join(long_lines) == "0123456789" * 300 + "END"
    assert max(len(line) for line in long_lines) <= 100


def test_features_rich_output_falls_back_or_warns(features):
    html, text, _, warnings = features
    assert "<script>" not in html and "scripted" not in html + text
    assert any(
        w.startswith("cell 17: an HTML output would load or run something (<script>)")
        for w in warnings
    )
    assert any(
        w.startswith("cell 18: an output (application/json) has nothing a paper can show")
        for w in warnings
    )


@pytest.mark.parametrize(
    ("option", "html_has", "pdf_has", "absent"),
    [
        ("eval: false", [], [], ["this cell must not run", "RuntimeError"]),
        (
            "echo: true",
            ["total = 2 + 2", "echoed total 4"],
            ["total = 2 + 2", "echoed total 4"],
            ["#| echo"],
        ),
        (
            "error: true",
            ["ValueError: an error shown in the paper"],
            ["ValueError: an error shown in the paper"],
            ["An Exception was encountered"],  # papermill's markers are taken out
        ),
        ("include: false", [], [], ["included nowhere"]),
        ("output: false", [], [], ["output hidden"]),
        ("warning: true", ["UserWarning: a shown warning"], ["UserWarning: a shown warning"], []),
        (
            "fig-width, fig-height",
            ["figure size (np.float64(3.0), np.float64(2.0))", 'style="width: 3in"'],
            ["figure size (np.float64(3.0), np.float64(2.0))"],
            [],
        ),
        (
            "label, tbl-cap",
            ['id="tbl-regions"', "<figcaption>Regions by sales</figcaption>"],
            ["Regions by sales"],
            [],
        ),
        ("fig-alt", ['alt="An SVG circle."'], [], []),
    ],
)
def test_features_cell_options(features, option, html_has, pdf_has, absent):
    html, text, _, _ = features
    for words in html_has:
        assert words in html, option
    for words in pdf_has:
        assert words in text, option
    for words in absent:
        assert words not in html and words not in text, option


def test_features_unsupported_option_is_a_warning_naming_cell_and_option(features):
    *_, warnings = features
    assert "cell 25: the cell option 'code-fold' is not supported and has no effect" in "\n".join(
        warnings
    )


def test_a_raw_html_cell_that_would_run_something_is_refused_naming_the_cell():
    cell = nbformat.v4.new_raw_cell("<p>hi</p><script>alert(1)</script>")
    cell.metadata.format = "text/html"
    cell.metadata.reportlib = {"cell": 4}
    nb = nbformat.v4.new_notebook(cells=[cell])
    with pytest.raises(RenderError, match=r"raw cell 4 \(text/html\) would load or run .*<script>"):
        document.prepare(nb)


def test_a_missing_attachment_names_the_cell(tmp_path):
    from reportlib.render import pdf

    cell = nbformat.v4.new_markdown_cell("![x](attachment:gone.png)")
    cell.metadata.reportlib = {"cell": 5}
    doc = document.prepare(nbformat.v4.new_notebook(cells=[cell]))
    with pytest.raises(RenderError, match=r"Markdown cell 5 shows attachment:gone\.png, but"):
        pdf.to_markdown(doc, tmp_path, tmp_path)


def test_printed_text_loses_colour_codes_and_redrawn_progress():
    from reportlib.render.outputs import terminal_text

    assert terminal_text("\x1b[31mred\x1b[0m\n 10%\r 50%\r100%\ndone\r\n") == "red\n100%\ndone\n"
