"""Rendering an executed notebook as a board paper: HTML (nbconvert) and PDF (Typst).

:func:`context` gathers what the templates show besides the notebook (front sheet,
meeting, house style); :func:`render` writes one format to a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlib import __version__, style
from reportlib.files import atomic_write
from reportlib.frontsheet import FrontSheet, FrontSheetFields

if TYPE_CHECKING:
    from reportlib.params import Meeting, MeetingConfig
    from reportlib.render.document import Document

FORMATS = ("html", "pdf")
ENGINES = ("auto", "typst", "quarto")


def prepare(executed: Any) -> Document:
    """The document both formats draw (see :mod:`reportlib.render.document`)."""
    from reportlib.render.document import prepare

    return prepare(executed)


def context(
    config: MeetingConfig, report: str, recorded: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Values the templates show: the meeting, the report's front sheet, the house style.

    The front sheet is the params file's, each field the notebook recorded (from its
    words, :func:`reportlib.record.front_sheet`) replacing the params file's own.
    Raises :class:`ValueError` if what the notebook recorded is not a front sheet.
    """
    front = config.params.reports[report].front
    if recorded:
        front = front.updated(FrontSheetFields.model_validate(recorded))
    return {
        **paper_values(config.params.meeting, front),
        "style": style.css_variables(),
        "generator": f"reportlib {__version__}",
        "source": config.project.relative(config.notebook_path(report)),
    }


def paper_values(meeting: Meeting, front: FrontSheet) -> dict[str, Any]:
    """What every paper shows besides its body: the meeting and its front sheet."""
    return {
        "lang": style.LANG,
        "meeting": meeting.id,
        "board": meeting.board,
        "date": meeting.date.isoformat(),
        "date_long": meeting.date_long,
        **front.template_values(),
    }


def pdf_engine(engine: str) -> str:
    """``typst`` or ``quarto``: ``auto`` means Quarto where it is installed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "auto":
        import shutil  # quarto.executable(), without importing the route (and nbformat)

        return "quarto" if shutil.which("quarto") else "typst"
    return engine


def render(
    fmt: str,
    document: Document,
    values: dict[str, Any],
    notebooks_dir: Path,
    path: Path,
    *,
    engine: str = "typst",
    executed: Any = None,
) -> list[str]:
    """Write ``document`` as ``fmt`` to ``path``; return warnings about what it left out.

    ``engine`` (``typst`` or ``quarto``, see :func:`pdf_engine`) picks the PDF route;
    Quarto renders the ``executed`` notebook itself. The Typst route also writes the
    paper's Typst source beside ``path`` (:func:`kept_source`).
    """
    from reportlib.render.document import check_images

    check_images(document, notebooks_dir)  # before any route reads an image
    if fmt == "html":
        from reportlib.render import html

        page, warnings = html.render(document, values, notebooks_dir)
        atomic_write(path, page)
        return warnings
    if engine == "quarto":
        import tempfile

        from reportlib.render import quarto
        from reportlib.render.document import for_quarto

        with tempfile.TemporaryDirectory(prefix="reportlib-quarto-") as tmp:
            pdf = quarto.render(for_quarto(executed), values, Path(tmp))
            atomic_write(path, _with_xmp(pdf, values, notebooks_dir))
        return []
    from reportlib.exceptions import RenderError
    from reportlib.render import pdf

    try:
        # The paper's Typst source is kept beside it, for the agenda pack to compile again.
        data, warnings = pdf.render(document, values, notebooks_dir, keep=kept_source(path))
    except RenderError as error:
        if not document.warnings:
            raise
        # Typst's PDF/UA-1 check points into the Typst it was given; what the document
        # was warned about (a figure without alt text, say) names the notebook's cell.
        raise RenderError(f"{error}\n" + "\n".join(document.warnings)) from None
    atomic_write(path, _with_xmp(data, values, notebooks_dir))
    return warnings


def kept_source(path: Path) -> Path:
    """Where :func:`render` keeps the Typst source of the PDF it writes at ``path``."""
    from reportlib.render import bundle

    return bundle.path_for(path)


def _with_xmp(data: bytes, values: dict[str, Any], notebooks_dir: Path) -> bytes:
    """The PDF with the meeting and the commit in its XMP (see :mod:`reportlib.xmp`).

    In the same incremental update, table row headers are marked
    (:func:`reportlib.pdftags.mark_row_headers`): one pass over the compiled file.
    """
    import io

    from pypdf import PdfReader, PdfWriter

    from reportlib import manifest, pdftags, xmp

    writer = PdfWriter(PdfReader(io.BytesIO(data)), incremental=True)
    pdftags.mark_row_headers(writer.root_object)
    xmp.describe(writer, values["meeting"], manifest.git_state(notebooks_dir.parent)["commit"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
