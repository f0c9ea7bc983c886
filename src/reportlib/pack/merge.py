"""Joining the pack's parts into one PDF: bookmarks, page labels, links, tags, metadata.

The front matter comes first, then each part. Each item gets a bookmark, with the
paper's own headings under it; the front matter is labelled i, ii, … and the papers
1, 2, …. The agenda's entries are pointed at their items' first pages, and a link to
a named place in a part at that part's page (two papers may use one name). The
parts' structure trees become one, with row headers marked in the tables reportlib
compiled (:mod:`reportlib.pdftags`), and the pack carries its own XMP: title,
language, the meeting and commit, and the PDF/UA-1 identification when every part is
PDF/UA-1 (a supplied PDF may not be). Dates come from ``SOURCE_DATE_EPOCH`` or the
meeting date and the file identifier is a hash of the parts and the metadata, so the
same parts give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlib import __version__, pdftags, pdfwriter, style, xmp
from reportlib.exceptions import PackError
from reportlib.pack.sheets import linked_item
from reportlib.params import MeetingConfig

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter

    from reportlib.pack.plan import Part


@dataclass
class Merged:
    """A joined pack and what can be said of its accessibility."""

    pdf: bytes
    tagged: bool  # one structure tree over every page
    not_pdf_ua: list[str] = field(default_factory=list)  # parts that are not PDF/UA-1

    @property
    def pdf_ua(self) -> bool:
        return self.tagged and not self.not_pdf_ua


def _outline(reader: Any) -> list[tuple[str, int, int]]:
    """A PDF's bookmarks as (title, page index, depth), in order."""
    found: list[tuple[str, int, int]] = []

    def walk(items: list, depth: int) -> None:
        for entry in items:
            if isinstance(entry, list):
                walk(entry, depth + 1)
                continue
            page = reader.get_destination_page_number(entry)
            if page is not None and page >= 0:
                found.append((str(entry.title), page, depth))

    walk(reader.outline, 0)
    return found


def merge(
    config: MeetingConfig, front: bytes, parts: Sequence[Part], *, full: bool = False
) -> Merged:
    """Front matter then the parts (the confidential documents themselves if ``full``)."""
    import pypdf

    writer = pypdf.PdfWriter()
    content = hashlib.sha256(front)  # what the pack is made of: its file identifier
    front_reader = pypdf.PdfReader(io.BytesIO(front))
    pdftags.mark_row_headers(front_reader.trailer["/Root"])
    writer.append(front_reader, import_outline=False)
    _resolve_named_links(writer, front_reader, 0)
    front_pages = len(front_reader.pages)
    sources = [(front_reader, 0)]
    not_ua = [] if xmp.declares_pdf_ua(front_reader) else ["the front matter"]
    for title, page, depth in _outline(front_reader):
        if depth == 0:
            writer.add_outline_item(title=title, page_number=page)
    starts: dict[int, int] = {}
    for part in parts:
        data = part.full if full and part.full is not None else part.public
        content.update(data)
        reader = pypdf.PdfReader(io.BytesIO(data))
        if _compiled_here(part, full):  # changed in the reader: the merge copies them
            pdftags.mark_row_headers(reader.trailer["/Root"])
        start = starts[part.number] = len(writer.pages)
        writer.append(reader, import_outline=False)
        sources.append((reader, start))
        if not xmp.declares_pdf_ua(reader):
            not_ua.append(part.source or f"item {part.number}")
        _bookmarks(writer, reader, part, start)
        _resolve_named_links(writer, reader, start)
    _link_agenda(writer, front_pages, parts, starts)
    tagged = pdftags.merge_structure(writer, sources)
    writer.set_page_label(0, front_pages - 1, style="/r")
    if len(writer.pages) > front_pages:
        writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D", start=1)
    content.update(_describe(config, writer, full=full, pdf_ua=tagged and not not_ua))
    # The file identifier: a hash of what went in, so that the same pack has the same bytes.
    pdfwriter.set_file_id(writer, content.digest()[:16])
    out = io.BytesIO()
    writer.write(out)
    return Merged(out.getvalue(), tagged, not_ua)


def _compiled_here(part: Part, full: bool) -> bool:
    """Whether reportlib compiled the part's pages (a supplied PDF's are only stamped)."""
    document = part.kind == "supplied" or (full and part.full is not None)
    return not (document and str(part.source).lower().endswith(".pdf"))


def _bookmarks(writer: PdfWriter, reader: PdfReader, part: Part, start: int) -> None:
    """The item's bookmark, with the paper's own bookmarks under it.

    Not those of its first page: its title is the item's own, and the front sheet's
    headings are on that page.
    """
    parent = writer.add_outline_item(
        title=f"{part.number}. {part.title}", page_number=start, is_open=False
    )
    kept: list[tuple[int, Any]] = []  # (depth, bookmark) of the entries above this one
    for title, page, depth in _outline(reader):
        if page == 0:
            continue
        while kept and kept[-1][0] >= depth:
            kept.pop()
        above = kept[-1][1] if kept else parent
        bookmark = writer.add_outline_item(title=title, page_number=start + page, parent=above)
        kept.append((depth, bookmark))


def _resolve_named_links(writer: PdfWriter, reader: PdfReader, start: int) -> None:
    """Point the part's links to named destinations at their pages, explicitly.

    Names are the part's own (Typst names a destination by its label), and two papers
    may use the same one: joined, a name would lead to whichever paper came first.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject

    named = reader.named_destinations
    for index in range(len(reader.pages)):
        for ref in writer.pages[start + index].get("/Annots", []):
            annotation = ref.get_object()
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            name = annotation.get("/Dest")
            if name is None and action is not None and action.get("/S") == "/GoTo":
                name = action.get("/D")
            if not isinstance(name, str) or name not in named:
                continue  # an explicit destination (kept by the join), or none
            destination = named[name]
            page = reader.get_destination_page_number(destination)
            if page is None or page < 0:
                continue
            target = ArrayObject([writer.pages[start + page].indirect_reference])
            target += [NameObject("/XYZ"), destination.get("/Left", NullObject())]
            target += [destination.get("/Top", NullObject()), NullObject()]
            annotation.pop("/Dest", None)
            annotation[NameObject("/A")] = DictionaryObject(
                {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): target}
            )


def _link_agenda(
    writer: PdfWriter, front_pages: int, parts: Sequence[Part], starts: dict[int, int]
) -> None:
    """Point each agenda entry's link at its item's first page.

    The links keep their place in the structure tree (Typst tagged them); their
    description says where they go.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    by_number = {part.number: part for part in parts}
    for page in writer.pages[:front_pages]:
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            action = annotation.get("/A")
            address = str(action.get_object().get("/URI", "")) if action is not None else ""
            number = linked_item(address)
            if number is None:
                continue
            if number not in by_number:
                raise PackError(f"the agenda links to item {number}, which has no pages")
            part = by_number[number]
            target = writer.pages[starts[number]].indirect_reference
            annotation[NameObject("/A")] = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/GoTo"),
                    NameObject("/D"): ArrayObject([target, NameObject("/Fit")]),
                }
            )
            annotation[NameObject("/Contents")] = TextStringObject(
                f"Go to item {number}, {part.title}, on page {part.first}"
            )


def _describe(config: MeetingConfig, writer: PdfWriter, *, full: bool, pdf_ua: bool) -> bytes:
    """Document information, XMP, language and how a viewer opens the pack.

    Returns the XMP packet, which holds all of the document information too.
    """
    from pypdf.generic import NameObject, StreamObject, TextStringObject

    from reportlib.render.pdf import timestamp

    meeting = config.params.meeting
    moment = dt.datetime.fromtimestamp(timestamp(meeting.date), dt.UTC)
    kind = "confidential agenda pack (not for publication)" if full else "agenda pack"
    title = f"{meeting.board}, {meeting.date_long}: {kind}"
    creator = f"reportlib {__version__}"
    producer = f"{creator} with pypdf"
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": meeting.board,
            "/Subject": f"Agenda and papers for the meeting of {meeting.date_long}",
            "/Creator": creator,
            "/Producer": producer,
            "/CreationDate": f"D:{moment:%Y%m%d%H%M%S}+00'00'",
            "/ModDate": f"D:{moment:%Y%m%d%H%M%S}+00'00'",
        }
    )
    commit = _commit(config)
    stream = StreamObject()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    packet = xmp.packet(
        title,
        style.LANG,
        moment.isoformat(),
        creator,
        producer,
        meeting=config.id,
        commit=commit,
        pdf_ua=pdf_ua,
    )
    stream.set_data(packet)
    writer.root_object[NameObject("/Metadata")] = pdfwriter.add_object(writer, stream)
    writer.root_object[NameObject("/Lang")] = TextStringObject(style.LANG)
    writer.page_mode = "/UseOutlines"
    writer.create_viewer_preferences()
    writer.viewer_preferences.display_doctitle = True
    writer.viewer_preferences.direction = "/L2R"  # as Typst writes it in each part
    return packet


def _commit(config: MeetingConfig) -> str | None:
    """The commit the project is at (None outside git), as the papers' XMP records it:
    inside a build, the one the build started from."""
    from reportlib import environment

    return environment.git_state(config.project.root)["commit"]
