"""A PDF's XMP names the meeting and the commit, and the rest of the file is kept."""

import io
import subprocess
import xml.dom.minidom

import pypdf
import pytest

from reportlib import xmp
from reportlib.render import _with_xmp

from helpers import REPO


@pytest.fixture(scope="module")
def typst_pdf(tmp_path_factory) -> bytes:
    import typst

    folder = tmp_path_factory.mktemp("xmp")
    (folder / "main.typ").write_text('#set document(title: "A paper")\nHello.\n')
    return typst.compile(str(folder / "main.typ"), ignore_system_fonts=False, timestamp=0)


def _xmp(pdf: bytes) -> str:
    meta = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object()
    return meta.get_data().decode("utf-8")


def _parse(packet: str):
    return xml.dom.minidom.parseString(packet.split("?>", 1)[1].rsplit("<?xpacket", 1)[0])


def test_embed_adds_meeting_and_commit_and_keeps_typst_s_metadata(typst_pdf):
    out = xmp.embed(typst_pdf, "2020-12", "0123abcd")
    assert out.startswith(typst_pdf)  # an incremental update: nothing Typst wrote changes
    dom = _parse(_xmp(out))
    ns = xmp.NAMESPACE
    assert dom.getElementsByTagNameNS(ns, "meeting")[0].firstChild.data == "2020-12"
    assert dom.getElementsByTagNameNS(ns, "commit")[0].firstChild.data == "0123abcd"
    assert "A paper" in _xmp(out)  # Typst's dc:title is still there
    assert xmp.embed(typst_pdf, "2020-12", "0123abcd") == out


def test_outside_git_only_the_meeting_is_recorded(typst_pdf):
    dom = _parse(_xmp(xmp.embed(typst_pdf, "2020-12", None)))
    assert dom.getElementsByTagNameNS(xmp.NAMESPACE, "commit") == []


def test_a_pdf_without_xmp_gets_a_packet():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    raw = io.BytesIO()
    writer.write(raw)
    dom = _parse(_xmp(xmp.embed(raw.getvalue(), "2021-03", "beef")))
    assert dom.getElementsByTagNameNS(xmp.NAMESPACE, "meeting")[0].firstChild.data == "2021-03"


def test_rendered_papers_carry_the_checked_out_commit(typst_pdf):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    out = _with_xmp(typst_pdf, {"meeting": "2020-12"}, REPO / "notebooks")
    dom = _parse(_xmp(out))
    assert dom.getElementsByTagNameNS(xmp.NAMESPACE, "commit")[0].firstChild.data == head
