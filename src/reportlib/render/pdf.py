"""PDF with no LaTeX, Quarto or browser: Markdown → pandoc → Typst → ``typst`` compiler.

Both tools come from pip (``pypandoc-binary``, ``typst``), as does the font (the DejaVu
family that matplotlib ships), so a PDF is the same on every machine. The Markdown is
written here rather than by pandoc's ipynb reader, which drops HTML outputs and
renumbers ordered lists: tables use their Markdown form, figures become Typst figures
with alt text, maths becomes Typst maths, text outputs are wrapped to the page, and
body paragraphs are numbered by ``paper.lua``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from reportlib import inline, style
from reportlib.exceptions import RenderError
from reportlib.render.document import IMAGE_TYPES, Document, local_image

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "typst"
HOUSE, MAIN = "house.typ", "paper.typ"  # the shared base, and the document compiled
PDF_STANDARD = "ua-1"  # every PDF reportlib compiles is PDF/UA-1
EXTENSIONS = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
_MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)(\))")
_LABEL = re.compile(r"[^A-Za-z0-9_:.-]")
#: Characters per line of a text output in the PDF (monospace at the template's size):
#: longer lines are broken, so nothing runs off the page.
TEXT_WIDTH = 92


def typst_string(text: str) -> str:
    """A Typst string literal for ``text``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def timestamp(meeting_date: dt.date) -> int:
    """The PDF's date: ``SOURCE_DATE_EPOCH`` if set, else the meeting date (reproducible)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return int(dt.datetime.combine(meeting_date, dt.time(), dt.UTC).timestamp())


def to_markdown(document: Document, media: Path, notebooks_dir: Path) -> tuple[str, list[str]]:
    """Pandoc Markdown for the document's body; images are written into ``media``."""
    parts: list[str] = []
    warnings: list[str] = []
    for cell in document.nb.cells:
        number = cell.metadata.reportlib.get("cell", "?")
        start = len(parts)
        if cell.cell_type == "markdown":
            text = _local_images(cell.source, media, notebooks_dir, number)
            parts.append(_attachments(text, cell, media, number))
        elif cell.cell_type == "raw":
            if cell.metadata.reportlib.get("raw") == "typst":
                parts.append(_fenced(cell.source, "{=typst}"))
        else:
            warnings += _code_cell(cell, number, media, parts)
        warnings += missing_glyphs(parts[start:], number)
    return "\n\n".join(parts) + "\n", warnings


def _code_cell(cell: Any, number: Any, media: Path, parts: list[str]) -> list[str]:
    """Append the cell's code (if echoed) and outputs to ``parts``; return warnings."""
    warnings = []
    if cell.metadata.reportlib.get("code"):
        parts.append(_preformatted(cell.metadata.reportlib["code"], "python"))
    options = cell.metadata.reportlib.get("options", {})
    for index, output in enumerate(cell.outputs):
        found = _output(output, options, media, f"cell{number}-{index}")
        if found is None:
            warnings.append(
                f"cell {number}: an output with only an HTML form is left out "
                "of the PDF; display it with reportlib.tables.Table or as text"
            )
        elif found:
            parts.append(found)
    return warnings


def _fenced(text: str, info: str) -> str:
    """``text`` as a fenced block, its fence longer than any run of backticks inside it."""
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _preformatted(text: str, language: str = "") -> str:
    """Text output (or code) as a block, each line broken to fit the page."""
    lines = []
    for line in text.rstrip("\n").expandtabs(4).splitlines():
        while len(line) > TEXT_WIDTH:
            lines.append(line[:TEXT_WIDTH])
            line = line[TEXT_WIDTH:]
        lines.append(line)
    return _fenced("\n".join(lines), language)


def _output(output: Any, options: dict, media: Path, stem: str) -> str | None:
    """Markdown for one output; '' if it shows nothing; None if it has no PDF form."""
    if output.output_type == "stream":
        return _preformatted(output.text)
    if output.output_type not in ("display_data", "execute_result"):
        return ""
    data = output.get("data", {})
    for mime in IMAGE_TYPES:
        if mime in data:
            return _figure(mime, data[mime], output.metadata.get("reportlib", {}), media, stem)
    if "text/markdown" in data:
        markdown = _with_table_caption(str(data["text/markdown"]), options.get("tbl-cap"))
        return _with_table_label(markdown, options.get("label"))
    if "text/plain" in data:  # the fallback for any rich output, HTML included
        return _preformatted(str(data["text/plain"]))
    if "text/html" in data:
        return None
    return ""


def _figure(mime: str, data: Any, meta: dict, media: Path, stem: str) -> str:
    import base64

    path = media / f"{stem}.{EXTENSIONS[mime]}"
    raw = str(data).encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(data)
    path.write_bytes(raw)
    width = f"{meta['width']}in" if meta.get("width") else "100%"
    args = [f'image("{path.name}", width: {width}, alt: {typst_string(meta.get("alt") or "")})']
    if meta.get("caption"):
        args.append(f"caption: {typst_string(meta['caption'])}")
    label = f" <{_LABEL.sub('-', meta['id'])}>" if meta.get("id") else ""
    figure = "```{=typst}\n#figure(" + ", ".join(args) + ")" + label + "\n```"
    # A chart's data, as a table beside it (reportlib.charts.Chart), unless the words place one.
    table = meta.get("table_markdown")
    return f"{figure}\n\n{table}" if table else figure


def _with_table_caption(markdown: str, caption: str | None) -> str:
    """Add a ``tbl-cap`` cell option as the pipe table's caption, unless it has one."""
    if not caption or "\n: " in markdown or "|" not in markdown:
        return markdown
    table, sep, rest = markdown.partition("\n\n::: {.source}")
    return f"{table.rstrip()}\n\n: {inline.escape(caption)}\n{sep}{rest}"


def _with_table_label(markdown: str, label: str | None) -> str:
    """A ``label`` cell option as the id of the table's caption, so links can reach it."""
    if not label or label.startswith("fig-") or "|" not in markdown:
        return markdown
    found = re.search(r"^: .*$", markdown, re.M)
    if not found:
        return markdown
    return f"{markdown[: found.end()]} {{#{_LABEL.sub('-', label)}}}{markdown[found.end() :]}"


def _local_images(text: str, media: Path, notebooks_dir: Path, number: Any) -> str:
    """Copy images a Markdown cell refers to into ``media`` (they must be in the project)."""

    def copy(match: re.Match) -> str:
        target = match.group(2)
        if target.startswith(("data:", "attachment:")):
            return match.group(0)
        source = local_image(target, notebooks_dir, number)
        copied = media / f"md-{number}-{source.name}"
        shutil.copyfile(source, copied)
        return match.group(1) + copied.name + match.group(3)

    return _MD_IMAGE.sub(copy, text)


def _attachments(text: str, cell: Any, media: Path, number: Any) -> str:
    """Write the images a Markdown cell carries (``attachment:name``) into ``media``."""
    import base64

    attached = cell.get("attachments") or {}

    def write(match: re.Match) -> str:
        target = match.group(2)
        if not target.startswith("attachment:"):
            return match.group(0)
        name = target.removeprefix("attachment:")
        bundle = attached.get(name) or {}
        mime = next((m for m in EXTENSIONS if m in bundle), None)
        if mime is None:
            raise RenderError(
                f"Markdown cell {number} shows {target}, but the cell carries no image of "
                f"that name in a format a paper shows ({', '.join(EXTENSIONS)}); "
                "paste the image into the cell again"
            )
        data = bundle[mime]
        data = "".join(data) if isinstance(data, list) else str(data)
        raw = data.encode("utf-8") if data.lstrip().startswith("<") else base64.b64decode(data)
        path = media / f"att-{number}-{_LABEL.sub('-', Path(name).stem)}.{EXTENSIONS[mime]}"
        path.write_bytes(raw)
        return match.group(1) + path.name + match.group(3)

    return _MD_IMAGE.sub(write, text)


def missing_glyphs(parts: list[str], number: Any) -> list[str]:
    """A warning for characters the PDF's fonts cannot draw (CJK, emoji): empty boxes."""
    covered = _covered()
    missing = sorted({ch for part in parts for ch in part if ord(ch) > 127} - covered)
    if not missing:
        return []
    return [
        f"cell {number}: the PDF's fonts have no glyph for {''.join(missing[:12])!r}"
        f"{' and more' if len(missing) > 12 else ''}, which print as empty boxes in the "
        "PDF (the HTML shows them); write them another way or leave them to the HTML"
    ]


@functools.cache
def _covered() -> frozenset[str]:
    """Every character some font of the PDF draws (read once)."""
    from matplotlib.ft2font import FT2Font

    fonts = sorted(style.font_dir().glob("DejaVuSans*.ttf"))
    return frozenset(chr(c) for font in fonts for c in FT2Font(str(font)).get_charmap())


def front_metadata(context: dict[str, Any]) -> dict[str, Any]:
    """The front sheet as pandoc metadata for the template, escaped to print as written."""
    esc = inline.escape
    meta = {
        "title": esc(context["title"]),
        "board": esc(context["board"]),
        "date-long": esc(context["date_long"]),
        "purpose": esc(context["purpose"]) if context["purpose"] else None,
        "summary": [_paragraph(p) for p in context["summary"]],
        "recommendations": [_paragraph(p) for p in context["recommendations"]],
        "actions": [_paragraph(p) for p in context["actions"]],
        # ``mailto`` goes raw into a Typst string (not read as Markdown, which would
        # escape its '@'): the address's pattern keeps quotes and backslashes out of it.
        "contacts": [
            {**{k: esc(v) for k, v in c.items()}, "mailto": f"`{c['email']}`{{=typst}}"}
            for c in context["contacts"]
        ],
    }
    return {k: v for k, v in meta.items() if v}


def front_matter(context: dict[str, Any]) -> str:
    """:func:`front_metadata` as the YAML block that opens pandoc's Markdown input."""
    meta = front_metadata(context)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n"


def _paragraph(item: dict[str, Any]) -> dict[str, Any]:
    """A front-sheet paragraph ``{text, points}``, escaped (the template lays it out)."""
    return {
        "text": inline.escape(item["text"]),
        "points": [inline.escape(p) for p in item["points"]],
    }


def template_variables(context: dict[str, Any]) -> dict[str, Any]:
    """Values for the Typst template besides the front sheet: dates and house style."""
    date = dt.date.fromisoformat(context["date"])
    return {
        "year": date.year,
        "month": date.month,
        "day": date.day,
        "author": context["board"].replace('"', "'"),
        "lang": style.LANG,
        **{f"style-{k}": v for k, v in style.typst_variables().items()},
    }


def typst_source(markdown: str, context: dict[str, Any]) -> str:
    import pypandoc

    variables = template_variables(context)
    args = [
        "--template",
        str(TEMPLATES / "paper.typ"),
        "--lua-filter",
        str(TEMPLATES / "paper.lua"),
        "--wrap=preserve",
    ]
    args += [f"--variable={k}:{v}" for k, v in variables.items()]
    try:
        source = pypandoc.convert_text(
            front_matter(context) + markdown,
            "typst",
            format="markdown-smart-implicit_figures+raw_attribute",
            extra_args=args,
            sandbox=True,
        )
    except RuntimeError as error:
        raise RenderError(f"pandoc could not convert the paper: {error}") from None
    # House style: tables sit on the left margin, as in the board's papers.
    return source.replace("align(center)[#table(", "[#table(")


def compile_typst(
    source: str,
    folder: Path,
    date: dt.date,
    *,
    first_page: int | None = None,
    what: str = "the paper",
) -> bytes:
    """Compile Typst ``source`` whose images are in ``folder``, on the house base.

    ``source`` and the house base (``house.typ``) are written into ``folder`` first;
    see :func:`compile_folder` for the rest.
    """
    shutil.copyfile(TEMPLATES / HOUSE, folder / HOUSE)
    (folder / MAIN).write_text(source, encoding="utf-8")
    return compile_folder(folder, date, first_page=first_page, what=what)


def compile_folder(
    folder: Path, date: dt.date, *, first_page: int | None = None, what: str = "the paper"
) -> bytes:
    """Compile ``folder``'s ``paper.typ``: A4, PDF/UA-1, reproducible.

    ``first_page`` is the number of its first page (the agenda pack's page numbers).
    Typst checks PDF/UA-1 as it compiles, so a document that breaks it (an image
    without alt text, say) is refused with Typst's message. Table row headers are
    marked afterwards, where the PDF is next written (see
    :func:`reportlib.pdftags.mark_row_headers`).
    """
    import typst

    inputs = {"first-page": str(first_page)} if first_page is not None else {}
    try:
        return typst.compile(
            str(folder / MAIN),
            root=str(folder),
            font_paths=[str(style.font_dir())],
            ignore_system_fonts=True,
            timestamp=timestamp(date),
            sys_inputs=inputs,
            pdf_standards=[PDF_STANDARD],
        )
    except (RuntimeError, ValueError, typst.TypstError) as error:
        raise RenderError(f"Typst could not compile {what}: {_first_lines(error)}") from None


def _first_lines(error: Exception, n: int = 6) -> str:
    detail = [str(error), *(getattr(error, "hints", None) or [])]
    if getattr(error, "diagnostic", None):
        detail.append(str(error.diagnostic))
    return "\n".join("\n".join(detail).splitlines()[:n])


def render(
    document: Document,
    context: dict[str, Any],
    notebooks_dir: Path,
    keep: Path | None = None,
    first_page: int | None = None,
) -> tuple[bytes, list[str]]:
    """The paper as PDF bytes, and warnings about outputs the PDF cannot show.

    With ``keep``, what was compiled is kept there too (see :mod:`reportlib.render.bundle`);
    ``first_page`` numbers its pages from there (see :func:`compile_folder`).
    """
    with tempfile.TemporaryDirectory(prefix="reportlib-pdf-") as tmp:
        folder = Path(tmp)
        markdown, warnings = to_markdown(document, folder, notebooks_dir)
        source = typst_source(markdown, context)
        date = dt.date.fromisoformat(context["date"])
        pdf = compile_typst(source, folder, date, first_page=first_page)
        if keep is not None:
            from reportlib.render import bundle

            bundle.write(folder, keep)
    return pdf, warnings
