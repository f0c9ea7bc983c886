"""XMP metadata in the PDFs reportlib makes: the meeting and the commit each came from.

Typst writes a paper's XMP packet (title, creator, language, dates and, as it
compiles PDF/UA-1, ``pdfuaid:part``); :func:`embed` adds one ``rdf:Description`` in
reportlib's own namespace to it, as an incremental update, so the rest of the file
(its tags among them) is kept byte for byte. Every addition to the XMP belongs in
:func:`description`. The agenda pack, joined by pypdf, gets its whole packet from
:func:`packet`.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter

NAMESPACE = "urn:reportlib:xmp:1.0:"
PDFUA = "http://www.aiim.org/pdfua/ns/id/"
_UA_PART = re.compile(r"<pdfuaid:part>\s*1\s*</pdfuaid:part>|pdfuaid:part=[\"']1[\"']")


def description(meeting: str, commit: str | None) -> str:
    """The ``rdf:Description`` reportlib adds: the meeting id and, in git, the commit."""
    fields = {"meeting": meeting, "commit": commit}
    body = "".join(f"<reportlib:{k}>{escape(v)}</reportlib:{k}>" for k, v in fields.items() if v)
    return f'<rdf:Description rdf:about="" xmlns:reportlib="{NAMESPACE}">{body}</rdf:Description>'


def packet(
    title: str,
    lang: str,
    when: str,
    creator: str,
    producer: str,
    *,
    meeting: str,
    commit: str | None,
    pdf_ua: bool,
) -> bytes:
    """A whole XMP packet: title, language, dates (``when``, ISO 8601), the tools,
    :func:`description` and, if ``pdf_ua``, the PDF/UA-1 identification."""
    ua = "<pdfuaid:part>1</pdfuaid:part>" if pdf_ua else ""
    body = (
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        f'xmlns:pdfuaid="{PDFUA}">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt>'
        f"</dc:title><dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag>"
        "</dc:language><dc:format>application/pdf</dc:format>"
        f"<xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool><pdf:Producer>{escape(producer)}"
        f"</pdf:Producer><xmp:CreateDate>{when}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{when}</xmp:ModifyDate>{ua}</rdf:Description>"
    )
    xmp = _EMPTY.replace("</rdf:RDF>", body + description(meeting, commit) + "</rdf:RDF>")
    return xmp.encode("utf-8")


def declares_pdf_ua(reader: PdfReader) -> bool:
    """Whether the PDF's XMP says it is PDF/UA-1 (``pdfuaid:part`` 1)."""
    found = reader.trailer["/Root"].get("/Metadata")
    if found is None:
        return False
    try:
        return bool(_UA_PART.search(found.get_object().get_data().decode("utf-8", "replace")))
    except (AttributeError, ValueError):
        return False


def embed(pdf: bytes, meeting: str, commit: str | None) -> bytes:
    """``pdf`` with :func:`description` in its XMP packet (made if it has none)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    describe(writer, meeting, commit)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def describe(writer: PdfWriter, meeting: str, commit: str | None) -> None:
    """Add :func:`description` to the XMP packet of the PDF ``writer`` holds."""
    from pypdf.generic import NameObject, StreamObject

    from reportlib import pdfwriter

    root = writer.root_object
    found = root.get("/Metadata")
    stream = found.get_object() if found is not None else None
    xmp = stream.get_data().decode("utf-8") if stream is not None else _EMPTY
    if "</rdf:RDF>" not in xmp:
        raise ValueError("the PDF's XMP metadata has no rdf:RDF element")
    xmp = xmp.replace("</rdf:RDF>", description(meeting, commit) + "</rdf:RDF>", 1)
    if stream is None:
        stream = StreamObject()
        stream.update({NameObject("/Type"): NameObject("/Metadata")})
        stream[NameObject("/Subtype")] = NameObject("/XML")
        root[NameObject("/Metadata")] = pdfwriter.add_object(writer, stream)
    stream.set_data(xmp.encode("utf-8"))


_EMPTY = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)
