"""The papers' pages in the pack, numbered from where each starts in it.

- A report's paper is compiled from the Typst source its own render kept
  (``<report>.typ.zip``, see :mod:`reportlib.render.bundle`), with the pack's first
  page number: pandoc and the notebook are not run again. Only a paper whose PDF came
  from Quarto has no such source; it is rendered here from its executed notebook.
- A supplied Markdown document is rendered as a board paper in the house style.
- A supplied PDF is included page for page, with the pack page number stamped at the
  foot of its visible area.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from reportlib import fingerprint, style
from reportlib.exceptions import DataError, PackError, RenderError, ReportlibError
from reportlib.manifest import ReportEntry
from reportlib.pack.sheets import compile_template
from reportlib.params import MeetingConfig


def report_pages(
    config: MeetingConfig, out_dir: Path, report: str, entry: ReportEntry, first_page: int
) -> bytes:
    """The report's paper from ``first_page`` on, from what its build kept.

    ``entry`` is the report's manifest entry: the kept source is used only if that
    build wrote it (a source left by an older build of another engine is not).
    """
    from reportlib.render import bundle, kept_source, pdf

    source = kept_source(out_dir / f"{report}.pdf")
    recorded = entry.outputs.get(source.name)
    if recorded is None:
        return _render_from_notebook(config, report, out_dir / f"{report}.ipynb", first_page)
    shown = config.project.relative(source)
    if fingerprint.compare(out_dir, source.name, recorded):
        raise PackError(f"{shown} is missing or was changed after the build; build {report} again")
    with tempfile.TemporaryDirectory(prefix="reportlib-paper-") as tmp:
        try:
            bundle.extract(source, Path(tmp))
            return pdf.compile_folder(Path(tmp), config.params.meeting.date, first_page=first_page)
        except (ValueError, RenderError) as error:
            raise PackError(f"{shown}: {error}; build {report} again") from None


def _render_from_notebook(
    config: MeetingConfig, report: str, notebook: Path, first_page: int
) -> bytes:
    """The paper rendered through the Typst route from its executed notebook."""
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
        data, _ = pdf.render(document, values, config.project.notebooks, first_page=first_page)
    except (ReportlibError, ValueError) as error:
        raise PackError(
            f"{report}: the paper could not be rendered for the pack: {error}"
        ) from None
    return data


def document_pages(config: MeetingConfig, path: Path, first_page: int) -> bytes:
    """A supplied or confidential document's pages: Markdown rendered, a PDF stamped."""
    if path.suffix.lower() == ".md":
        return render_markdown(config, path, first_page)
    return stamp_pdf(config, path, first_page)


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
    context = render.paper_values(meeting, words.front)
    body = "\n\n".join(p.markdown for p in words.parts) + "\n"
    with tempfile.TemporaryDirectory(prefix="reportlib-supplied-") as tmp:
        try:
            source = pdf.typst_source(body, context)
            return pdf.compile_typst(source, Path(tmp), meeting.date, first_page=first_page)
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
    overlay = compile_template(
        "pack-stamp.typ",
        {
            "title": shown,
            "first_page": first_page,
            "pages": sizes,
            "lang": style.LANG,
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
