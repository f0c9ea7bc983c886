"""Rendering an executed notebook as a board paper: HTML (nbconvert) and PDF (Typst).

:func:`context` gathers what the templates show besides the notebook (front sheet,
meeting, house style); :func:`render` writes one format to a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlib import __version__, style
from reportlib.files import atomic_write

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
    config: MeetingConfig, report: str, front: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Values the templates show: the meeting, the report's front sheet, the house style.

    The front sheet is the params file's, field by field overridden by ``front``: what
    the notebook recorded with :func:`reportlib.record.front_sheet`. Its paragraphs are
    ``{text, points}``; its contact officers a list.
    """
    meeting = config.params.meeting
    front = dict(front or {})
    found = front.pop("contact", None)  # from the notebook: one person or several
    entry = config.params.reports[report].model_copy(update=front)
    if found is None:
        found = [entry.contact] if entry.contact else []
    from reportlib.params import Contact

    contacts = [
        c if isinstance(c, Contact) else Contact.model_validate(c)
        for c in (found if isinstance(found, list) else [found])
    ]
    return {
        **paper_values(
            meeting,
            title=entry.title,
            purpose=entry.purpose,
            summary=entry.summary,
            recommendations=entry.recommendations,
            actions=entry.actions,
            contacts=[c.model_dump() for c in contacts],
        ),
        "style": style.css_variables(),
        "generator": f"reportlib {__version__}",
        "source": config.project.relative(config.notebook_path(report)),
    }


def paper_values(
    meeting: Meeting,
    *,
    title: str,
    purpose: str,
    summary: list,
    recommendations: list,
    actions: list,
    contacts: list[dict[str, str]],
) -> dict[str, Any]:
    """What every paper's PDF shows: the meeting, and a front sheet in the shape the
    templates take (paragraphs as ``{text, points}``). Supplied Markdown papers use it too.
    """
    return {
        "lang": style.LANG,
        "meeting": meeting.id,
        "board": meeting.board,
        "date": meeting.date.isoformat(),
        "date_long": meeting.date_long,
        "title": title,
        "purpose": purpose,
        "summary": _paragraphs(summary),
        "recommendations": _paragraphs(recommendations),
        "actions": _paragraphs(actions),
        "contacts": contacts,
    }


def _paragraphs(items: list) -> list[dict[str, Any]]:
    """Front-sheet paragraphs as ``{text, points}``: the params file gives text alone."""
    return [{"text": i, "points": []} if isinstance(i, str) else dict(i) for i in items]


def pdf_engine(engine: str) -> str:
    """``typst`` or ``quarto``: ``auto`` means Quarto where it is installed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "auto":
        from reportlib.render import quarto

        return "quarto" if quarto.executable() else "typst"
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
    Quarto renders the ``executed`` notebook itself.
    """
    if fmt == "html":
        from reportlib.render import html

        atomic_write(path, html.render(document, values, notebooks_dir))
        return []
    if engine == "quarto":
        import tempfile

        from reportlib.render import quarto

        with tempfile.TemporaryDirectory(prefix="reportlib-quarto-") as tmp:
            atomic_write(
                path, _with_xmp(quarto.render(executed, values, Path(tmp)), values, notebooks_dir)
            )
        return []
    from reportlib.render import pdf

    data, warnings = pdf.render(document, values, notebooks_dir)
    atomic_write(path, _with_xmp(data, values, notebooks_dir))
    return warnings


def _with_xmp(data: bytes, values: dict[str, Any], notebooks_dir: Path) -> bytes:
    """The PDF with the meeting and the commit in its XMP (see :mod:`reportlib.xmp`)."""
    from reportlib import manifest, xmp

    return xmp.embed(data, values["meeting"], manifest.git_state(notebooks_dir.parent)["commit"])
