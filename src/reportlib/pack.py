"""The meeting's agenda pack: one PDF with the front matter, then every paper in agenda order.

``outputs/<meeting>/pack.pdf`` is the public pack: cover, notices, membership, the
agenda, then the papers, paged continuously from 1 (the front matter is not numbered,
as in the board's packs). Each paper is rendered again from its executed notebook
with its first pack page number (the Typst template's ``first-page``), so every page
keeps the running header and shows its number in the pack. Page ranges in the agenda
are counted from the pages actually rendered, never typed.

- A supplied Markdown document is rendered as a paper; a supplied PDF is included page
  for page, with the pack page number stamped at the foot of its visible area.
- A confidential item shows *Document is Restricted* sheets, as many as its ``pages:``
  in the params file (checked against the document when it is present), so that the
  public pack is paged the same on every machine, and the same as the full one,
  ``outputs/<meeting>/confidential/pack-confidential.pdf``. The full pack is made only
  when every confidential document is in ``data/<meeting>/confidential/`` (which git
  ignores).
- A report that failed, or was never built, gets a *Paper not available* sheet, and
  the pack is then a draft: it is written as ``pack-draft.pdf`` and ``pack.pdf``, the
  last complete pack, is left as it was (and so is the confidential pack). A complete
  pack replaces ``pack.pdf`` and removes any draft.

The same inputs give the same bytes: dates come from ``SOURCE_DATE_EPOCH`` or the
meeting date, and the file identifier is a hash of the content. ``pack.json`` beside
the pack records each item's pages for the review page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlib import __version__, manifest, pdftags, style
from reportlib.exceptions import DataError, ParamsError, Problem, RenderError, ReportlibError
from reportlib.files import atomic_write
from reportlib.params import AgendaItem, MeetingConfig

TEMPLATES = Path(__file__).resolve().parent / "templates" / "typst"
PACK, DRAFT, PACK_INFO = "pack.pdf", "pack-draft.pdf", "pack.json"
CONFIDENTIAL_PACK = Path("confidential") / "pack-confidential.pdf"


class PackError(ReportlibError):
    """The agenda pack could not be assembled."""


@dataclass
class Part:
    """One agenda item's pages: the public pack's and, for a confidential item, the full one's."""

    number: int
    title: str
    kind: str  # report, supplied, confidential
    status: str  # built, failed, not built, supplied, restricted
    public: bytes
    full: bytes | None = None  # the confidential document, when it is present
    first: int = 0
    last: int = 0
    source: str | None = None  # the report name or the document's path


@dataclass
class PackResult:
    path: Path
    confidential: Path | None
    info: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- dates and words


def time_12h(hhmm: str) -> str:
    """``11:00`` as the board writes it: ``11.00 am``."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return f"{(hour - 1) % 12 + 1}.{minute:02d} {'am' if hour < 12 else 'pm'}"


def day_date(date: dt.date) -> str:
    """``Thursday 17 December 2020``."""
    return f"{date:%A} {date.day} {date:%B %Y}"


def page_range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} - {last}"


def _pdf_date(date: dt.date) -> str:
    from reportlib.render.pdf import timestamp

    moment = dt.datetime.fromtimestamp(timestamp(date), dt.UTC)
    return f"D:{moment:%Y%m%d%H%M%S}+00'00'"


# ---------------------------------------------------------------------------- rendering parts


def _common(config: MeetingConfig) -> dict[str, Any]:
    meeting = config.params.meeting
    return {
        "board": meeting.board,
        "date_long": meeting.date_long,
        "year": meeting.date.year,
        "month": meeting.date.month,
        "day": meeting.date.day,
        "style": {**style.typst_variables(), "size": style.BODY_SIZE_PT},
    }


def _compile(template: str, data: dict[str, Any], date: dt.date) -> bytes:
    """Compile one of the pack's Typst templates with ``data`` as its data.json."""
    from reportlib.render.pdf import compile_typst

    with tempfile.TemporaryDirectory(prefix="reportlib-pack-") as tmp:
        folder = Path(tmp)
        (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return compile_typst((TEMPLATES / template).read_text(encoding="utf-8"), folder, date)


def _pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def render_report(config: MeetingConfig, report: str, notebook: Path, first_page: int) -> bytes:
    """The report's paper rendered again from its executed notebook, from ``first_page`` on."""
    import nbformat

    from reportlib import render
    from reportlib.render import pdf

    shown = config.project.relative(notebook)
    try:
        executed = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError) as error:
        raise PackError(f"{shown} cannot be read: {error}; build the report again") from None
    try:
        document = render.prepare(executed)
        front = executed.metadata.get("reportlib", {}).get("front")
        values = render.context(config, report, front)
        data, _ = pdf.render(
            document, {**values, "first_page": first_page}, config.project.notebooks
        )
    except (ReportlibError, ValueError) as error:
        raise PackError(
            f"{report}: the paper could not be rendered for the pack: {error}"
        ) from None
    return data


def render_markdown(config: MeetingConfig, path: Path, first_page: int) -> bytes:
    """A Markdown document rendered as a board paper in the house style."""
    from reportlib import narrative, render
    from reportlib.render import pdf

    shown = config.project.relative(path)
    meeting = config.params.meeting
    try:
        words = narrative.read(config.project, meeting.id, path, titled=True)
    except DataError as error:
        raise PackError(str(error)) from None
    if words.slots:
        name, line = words.slots[0]
        raise PackError(f"{shown}:{line}: places {name!r}, but a supplied document has no figures")
    context = {**render.paper_values(meeting, words.front), "first_page": first_page}
    body = "\n\n".join(p.markdown for p in words.parts) + "\n"
    with tempfile.TemporaryDirectory(prefix="reportlib-supplied-") as tmp:
        try:
            source = pdf.typst_source(body, context)
            return pdf.compile_typst(source, Path(tmp), meeting.date)
        except RenderError as error:
            raise PackError(f"{shown}: {error}") from None


def stamp_pdf(config: MeetingConfig, path: Path, first_page: int) -> bytes:
    """A supplied PDF, page for page, with pack page numbers stamped at the foot.

    The number goes at the foot of what a viewer shows of the page: its CropBox, which
    is the MediaBox unless the PDF sets a smaller one.
    """
    import pypdf
    from pypdf.generic import NameObject

    shown = config.project.relative(path)
    try:
        reader = pypdf.PdfReader(path)
        writer = pypdf.PdfWriter(clone_from=reader)
    except (pypdf.errors.PyPdfError, OSError, ValueError) as error:
        raise PackError(f"{shown} is not a readable PDF ({error})") from None
    for page in writer.pages:
        # Pages may share one content stream, which merging changes in place (every page
        # would show every number): give each page a copy of its own first.
        contents = page.get_contents()
        if contents is not None:
            del page[NameObject("/Contents")]
            page.replace_contents(contents)
        page.transfer_rotation_to_content()
    boxes = [page.cropbox for page in writer.pages]
    sizes = [{"width": float(box.width), "height": float(box.height)} for box in boxes]
    overlay = _compile(
        "pack-stamp.typ",
        {
            "title": shown,
            "first_page": first_page,
            "pages": sizes,
            "style": style.typst_variables(),
        },
        config.params.meeting.date,
    )
    overlays = pypdf.PdfReader(io.BytesIO(overlay)).pages
    for page, box, over in zip(writer.pages, boxes, overlays, strict=True):
        page.merge_translated_page(over, tx=float(box.left), ty=float(box.bottom))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sheet(
    config: MeetingConfig, heading: str, lines: list[str], first_page: int, pages: int = 1
) -> bytes:
    """``pages`` numbered sheets with a heading and a few lines, in place of a paper."""
    data = {
        **_common(config),
        "title": heading,
        "heading": heading,
        "lines": lines,
        "first_page": first_page,
        "pages": pages,
    }
    return _compile("pack-sheet.typ", data, config.params.meeting.date)


def restricted(config: MeetingConfig, number: int, title: str, first: int, pages: int) -> bytes:
    return sheet(config, "Document is Restricted", [f"Item {number}: {title}"], first, pages)


def _document(config: MeetingConfig, path: Path, first_page: int) -> bytes:
    if path.suffix.lower() == ".md":
        return render_markdown(config, path, first_page)
    return stamp_pdf(config, path, first_page)


def _not_ignored(config: MeetingConfig, path: Path) -> bool:
    """Whether git would commit ``path`` (False outside a git repository)."""
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", str(path)],
            cwd=config.project.root,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 1


def _part(
    config: MeetingConfig,
    out_dir: Path,
    reports: dict[str, manifest.ReportEntry],
    index: int,
    number: int,
    item: AgendaItem,
    first: int,
    warnings: list[str],
) -> Part:
    title = config.item_title(item)
    if item.report:
        entry = reports.get(item.report)
        notebook = out_dir / f"{item.report}.ipynb"
        if entry is not None and entry.ok and notebook.is_file():
            data = render_report(config, item.report, notebook, first)
            return Part(number, title, "report", "built", data, source=item.report)
        status = "failed" if entry is not None and not entry.ok else "not built"
        why = (
            "its notebook failed when the meeting was built"
            if status == "failed"
            else "it has not been built yet"
        )
        warnings.append(f"item {number} ({item.report}): the paper is missing from the pack: {why}")
        lines = [
            f"Item {number}: {title}",
            f"This paper is missing: {why} (report {item.report}).",
            "Do not publish this pack: build the meeting again once the report is fixed.",
        ]
        data = sheet(config, "Paper not available", lines, first)
        return Part(number, title, "report", status, data, source=item.report)
    path = config.document_path(item)
    shown = config.project.relative(path)
    if item.supplied:
        if not path.is_file():  # checked with the parameters; it may have gone since
            raise ParamsError(
                [
                    Problem(
                        config.project.relative(config.path),
                        f"names the document {shown}, which does not exist; put the "
                        "document there, or correct the file name",
                        f"agenda.{index}.supplied",
                        config.document.line(("agenda", index, "supplied")),
                    )
                ]
            )
        return Part(
            number, title, "supplied", "supplied", _document(config, path, first), source=shown
        )
    # confidential: as many restricted sheets as the params file says, document or not
    pages = item.pages
    if pages is None:  # load_meeting requires it
        raise PackError(f"item {number}: a confidential item needs 'pages:' in the params file")
    if not path.is_file():
        warnings.append(
            f"item {number}: {shown} is not present, so the confidential pack was not made "
            f"(the public pack shows its {pages} Document is Restricted sheets)"
        )
        data = restricted(config, number, title, first, pages)
        return Part(number, title, "confidential", "restricted", data, source=shown)
    if _not_ignored(config, path):
        warnings.append(
            f"{shown} is not ignored by git: confidential documents must never be committed; "
            "add 'data/*/confidential/' to .gitignore"
        )
    full = _document(config, path, first)
    found = _pages(full)
    if found != pages:  # a PDF is checked with the parameters; Markdown only here
        raise ParamsError(
            [
                Problem(
                    config.project.relative(config.path),
                    f"says {pages}, but {shown} has {found} pages in the pack; "
                    f"set 'pages: {found}'",
                    f"agenda.{index}.pages",
                    config.document.line(("agenda", index, "pages")),
                )
            ]
        )
    data = restricted(config, number, title, first, pages)
    return Part(number, title, "confidential", "restricted", data, full, source=shown)


def render_front(config: MeetingConfig, rows: list[dict[str, Any]]) -> bytes:
    """Cover, notices, membership and the agenda (with its page ranges)."""
    meeting = config.params.meeting
    front = config.params.front_matter
    notices = [
        {
            "heading": n.heading,
            "paragraphs": list(n.text),
            "offices": [o.model_dump() for o in n.offices],
            "contact": n.contact.model_dump() if n.contact else None,
        }
        for n in front.notices
    ]
    next_meeting = ""
    if front.next_meeting:
        nm = front.next_meeting
        words = [f"{nm.date:%A}, {nm.date.day} {nm.date:%B %Y}"]
        words += [time_12h(nm.time)] if nm.time else []
        words += [nm.note] if nm.note else []
        next_meeting = ", ".join(words)
    data = {
        **_common(config),
        "title": f"{meeting.board}: agenda pack, {meeting.date_long}",
        "day_date": day_date(meeting.date),
        "time": time_12h(meeting.time),
        "venue": meeting.venue,
        "to": front.to,
        "cc": front.cc,
        "notice_line": (
            f"There will be a meeting of the {meeting.board} at {time_12h(meeting.time)} "
            f"on {day_date(meeting.date)}. Venue: {meeting.venue}."
            if front.notices
            else ""
        ),
        "notices": notices,
        "membership": front.membership.model_dump() if front.membership else None,
        "agenda": rows,
        "next_meeting": next_meeting,
    }
    return _compile("pack-front.typ", data, meeting.date)


# ---------------------------------------------------------------------------- assembling


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
    config: MeetingConfig, front: bytes, parts: list[Part], *, full: bool = False
) -> tuple[bytes, bool]:
    """Front matter then the parts, with bookmarks, page labels and reproducible metadata.

    Returns the PDF and whether it is tagged (every part was).
    """
    import pypdf
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    meeting = config.params.meeting
    writer = pypdf.PdfWriter()
    front_reader = pypdf.PdfReader(io.BytesIO(front))
    writer.append(front_reader, import_outline=False)
    front_pages = len(front_reader.pages)
    sources = [(front_reader, 0)]
    for title, page, depth in _outline(front_reader):
        if depth == 0:
            writer.add_outline_item(title=title, page_number=page)
    for part in parts:
        data = part.full if full and part.full is not None else part.public
        reader = pypdf.PdfReader(io.BytesIO(data))
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        sources.append((reader, start))
        parent = writer.add_outline_item(
            title=f"{part.number}. {part.title}", page_number=start, is_open=False
        )
        # The paper's own bookmarks go under the item's, but not those of its first page:
        # its title is the item's own, and the front sheet's headings are on that page.
        kept: list[tuple[int, Any]] = []  # (depth, bookmark) of the entries above this one
        for title, page, depth in _outline(reader):
            if page == 0:
                continue
            while kept and kept[-1][0] >= depth:
                kept.pop()
            above = kept[-1][1] if kept else parent
            kept.append(
                (
                    depth,
                    writer.add_outline_item(title=title, page_number=start + page, parent=above),
                )
            )
    tagged = pdftags.merge_structure(writer, sources)
    writer.set_page_label(0, front_pages - 1, style="/r")
    if len(writer.pages) > front_pages:
        writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D", start=1)
    when = _pdf_date(meeting.date)
    kind = "confidential agenda pack (not for publication)" if full else "agenda pack"
    writer.add_metadata(
        {
            "/Title": f"{meeting.board}, {meeting.date_long}: {kind}",
            "/Author": meeting.board,
            "/Subject": f"Agenda and papers for the meeting of {meeting.date_long}",
            "/Creator": f"reportlib {__version__}",
            "/Producer": f"reportlib {__version__} with pypdf",
            "/CreationDate": when,
            "/ModDate": when,
        }
    )
    writer.root_object[NameObject("/Lang")] = TextStringObject(style.LANG)
    writer.page_mode = "/UseOutlines"
    writer.create_viewer_preferences()
    writer.viewer_preferences.display_doctitle = True
    first = io.BytesIO()
    writer.write(first)
    # The file identifier: a hash of the content, so that the same pack has the same bytes.
    digest = hashlib.sha256(first.getvalue()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), tagged


def assemble(config: MeetingConfig, out_dir: Path) -> PackResult:
    """Write the pack, ``pack.json`` and, if it can be made, the confidential pack.

    The pack is ``pack.pdf`` when every paper is in it. When a paper is missing (its
    report failed or was not built) it is ``pack-draft.pdf``, and ``pack.pdf`` and the
    confidential pack are left as the last complete pack made them.
    """
    if config.params.agenda is None:
        raise PackError(
            f"{config.project.relative(config.path)} has no agenda: add 'agenda:' to make a pack"
        )
    built = manifest.read(out_dir / "manifest.json")
    reports = built.reports
    warnings: list[str] = []
    parts: list[Part] = []
    rows: list[dict[str, Any]] = []
    first = 1
    for index, (number, item) in enumerate(config.numbered_agenda()):
        row: dict[str, Any] = {
            "number": number,
            "heading": item.heading,
            "title": config.item_title(item),
            "kind": item.kind,
            "pages": "",
        }
        rows.append(row)
        if number is None or item.kind in ("verbal", "none"):
            continue
        part = _part(config, out_dir, reports, index, number, item, first, warnings)
        part.first, part.last = first, first + _pages(part.public) - 1
        first = part.last + 1
        parts.append(part)
        row.update(
            pages=page_range(part.first, part.last),
            first=part.first,
            last=part.last,
            status=part.status,
            source=part.source,
        )
    front = render_front(config, rows)
    front_pages = _pages(front)
    public, tagged = merge(config, front, parts)
    if not tagged:
        warnings.append(
            "the pack is not a tagged PDF (screen readers get no structure), because a "
            "supplied PDF has no tags; ask its author for a tagged (accessible) PDF"
        )
    missing = [str(p.number) for p in parts if p.status in ("failed", "not built")]
    if missing:
        complete = (
            f"{PACK}, the last complete pack, was left as it was"
            if (out_dir / PACK).is_file()
            else f"no complete pack ({PACK}) has been made yet"
        )
        warnings.insert(
            0,
            f"the pack is a draft, written as {DRAFT}: the paper for item(s) "
            f"{', '.join(missing)} is missing; {complete}. Do not publish the draft: fix the "
            "papers and build the meeting again",
        )
    confidential = [p for p in parts if p.kind == "confidential"]
    full_path = out_dir / CONFIDENTIAL_PACK
    present = all(p.full is not None for p in confidential)
    made_full = bool(confidential) and present and not missing
    if made_full:
        atomic_write(full_path, merge(config, front, parts, full=True)[0])
    elif not missing:
        with contextlib.suppress(FileNotFoundError):
            full_path.unlink()  # an older one would no longer match the public pack
        with contextlib.suppress(OSError):
            full_path.parent.rmdir()
    for row in rows:
        if "first" in row:
            row["pdf_page"] = front_pages + row["first"]  # 1-based page in the file
    documents = [
        config.document_path(i) for i in config.params.agenda if i.supplied or i.confidential
    ]
    info = {
        "meeting": config.id,
        "manifest_finished": built.finished,  # the build this pack was made after
        "pack": DRAFT if missing else PACK,
        "draft": bool(missing),
        "sha256": hashlib.sha256(public).hexdigest(),
        "front_pages": front_pages,
        "pages": front_pages + first - 1,
        "confidential_pack": CONFIDENTIAL_PACK.as_posix() if made_full else None,
        "tagged": tagged,
        # what the pack was made from besides the reports (see manifest.json for those)
        "inputs": {
            config.project.relative(d): manifest.file_hash(d) for d in documents if d.is_file()
        },
        "items": rows,
        "warnings": warnings,
    }
    path = out_dir / (DRAFT if missing else PACK)
    atomic_write(path, public)
    if not missing:
        (out_dir / DRAFT).unlink(missing_ok=True)  # the complete pack supersedes it
    atomic_write(out_dir / PACK_INFO, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    return PackResult(path, full_path if made_full else None, info, warnings)


def read_info(out_dir: Path) -> dict[str, Any]:
    """``pack.json`` of an earlier assembly, or {} if there is none."""
    try:
        return json.loads((out_dir / PACK_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
