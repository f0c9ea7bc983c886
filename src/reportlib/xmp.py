"""XMP metadata in the PDFs reportlib makes: the meeting and the commit each came from.

Typst writes the PDF's XMP packet (title, creator, language, dates); :func:`embed`
adds one ``rdf:Description`` in reportlib's own namespace to it, as an incremental
update, so the rest of the file (its tags among them) is kept byte for byte. Every
addition to the XMP belongs in :func:`description`.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

NAMESPACE = "urn:reportlib:xmp:1.0:"


def description(meeting: str, commit: str | None) -> str:
    """The ``rdf:Description`` reportlib adds: the meeting id and, in git, the commit."""
    fields = {"meeting": meeting, "commit": commit}
    body = "".join(f"<reportlib:{k}>{escape(v)}</reportlib:{k}>" for k, v in fields.items() if v)
    return f'<rdf:Description rdf:about="" xmlns:reportlib="{NAMESPACE}">{body}</rdf:Description>'


def embed(pdf: bytes, meeting: str, commit: str | None) -> bytes:
    """``pdf`` with :func:`description` in its XMP packet (made if it has none)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
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
        root[NameObject("/Metadata")] = writer._add_object(stream)
    stream.set_data(xmp.encode("utf-8"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_EMPTY = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)
