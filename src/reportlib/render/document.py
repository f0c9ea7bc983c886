"""From an executed notebook to the document both renderers draw: no code, options applied.

Shared by the HTML and PDF routes so that both show the same things:
- code is shown only where a cell says ``echo: true``; Quarto cell options decide which
  outputs appear (see :mod:`reportlib.cellopts`), and every output is reduced to the
  forms a paper shows (see :mod:`reportlib.render.outputs`);
- a raw cell goes to the format it names (``text/html`` to the HTML, after the same
  audit as the page; ``text/typst`` to the PDF); ``text/latex`` and ``text/markdown``
  become Markdown for both; any other raw cell is left out with a warning;
- stderr (warnings) is left out unless a cell says ``warning: true``;
- what a notebook shows only to its writer (its front-sheet preview, build warnings:
  outputs whose metadata has ``reportlib.preview``) is left out;
- each cell is marked as body (numbered paragraphs) or appendix: appendices start at a
  level-2 heading beginning "Appendix", in a Markdown cell or in Markdown output (a
  cell whose outputs run from the body into an appendix is split there);
- each figure carries its caption, alt text and id (from the cell's options, else from
  the output's own metadata, as charts.Chart sets it); a figure without alt text is a
  warning, because a reader using a screen reader would get nothing from it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode, v4

from reportlib import cellopts, maths
from reportlib.exceptions import OutsideFolderError, RenderError
from reportlib.paths import contained
from reportlib.render import outputs as shown_outputs
from reportlib.render.outputs import IMAGE_TYPES

APPENDIX = re.compile(r"^##\s+Appendix\b", re.M)
#: What a raw cell's format (``metadata.format`` or ``raw_mimetype``) makes of it.
RAW_FORMATS = {"text/html": "html", "text/typst": "typst"}
# "…/ipykernel_1234/5678.py:4: UserWarning: text": the path names the kernel's process.
_WARNING_LINE = re.compile(r"^\S.*?:\d+: (\w*Warning): (.*)$")
_LOCAL_IMAGE = re.compile(r"!\[[^\]]*\]\((?!data:|attachment:)([^)\s]+)")


@dataclass
class Document:
    """The notebook as the paper shows it, plus what the reader should be warned of."""

    nb: NotebookNode
    warnings: list[str] = field(default_factory=list)


def prepare(executed: NotebookNode) -> Document:
    """A copy of ``executed`` ready for rendering (the executed notebook is not changed)."""
    nb = copy.deepcopy(executed)
    warnings: list[str] = []
    cells = []
    section = "body"
    for cell in nb.cells:
        meta = cell.metadata.setdefault("reportlib", {})
        number = meta.get("cell", "?")
        if "papermill-error-cell-tag" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code":
            if not _code_cell(cell, number, warnings):
                continue
        elif cell.cell_type == "markdown":
            for path in _LOCAL_IMAGE.findall(cell.source):
                if "://" in path:
                    raise RenderError(
                        f"Markdown cell {number} loads an image from {path}; "
                        "papers may not load anything from outside the project: "
                        "save the image in the project and refer to that file"
                    )
        elif cell.cell_type == "raw":
            cell = _raw_cell(cell, number, warnings)
            if cell is None:
                continue
        if cell.cell_type == "code" and section == "body":
            start = next(
                (i for i, o in enumerate(cell.outputs) if APPENDIX.search(_markdown_of(o))), None
            )
            if start:  # the body's part stays a cell of its own
                body = copy.deepcopy(cell)
                body.outputs, cell.outputs = cell.outputs[:start], cell.outputs[start:]
                body.metadata.reportlib["section"] = "body"
                if "id" in cell:  # cell ids are unique in a notebook
                    body["id"] = f"{cell.id}-body"[-64:]
                cells.append(body)
        if APPENDIX.search(_text_of(cell)):
            section = "appendix"
        meta["section"] = section
        cells.append(cell)
    nb.cells = cells
    return Document(nb, warnings)


def local_image(target: str, notebooks_dir: Path, number: Any) -> Path:
    """The file a Markdown cell's image ``target`` names, which must be inside ``notebooks/``."""
    try:
        found = contained(notebooks_dir / target, notebooks_dir, f"notebooks/{target}")
    except OutsideFolderError as error:
        raise RenderError(f"Markdown cell {number} shows {target}, which {error.reason}") from None
    if not found.is_file():
        raise RenderError(
            f"Markdown cell {number} shows {target}, which is not a file in notebooks/; "
            "save the image there and refer to it by its name"
        )
    return found


def check_images(document: Document, notebooks_dir: Path) -> None:
    """Refuse any Markdown image that is not a file inside ``notebooks/`` (links resolved)."""
    for cell in document.nb.cells:
        if cell.cell_type == "markdown":
            for target in _LOCAL_IMAGE.findall(cell.source):
                local_image(target, notebooks_dir, cell.metadata.reportlib.get("cell", "?"))


def _code_cell(cell: NotebookNode, number, warnings: list[str]) -> bool:
    """Apply the cell's options; False if the cell is left out of the paper entirely."""
    try:
        options = cellopts.parse(cell.source)
    except cellopts.CellOptionsError as error:
        raise RenderError(f"cell {number}: {error}") from None
    for name in cellopts.unknown(options):
        warnings.append(
            f"cell {number}: the cell option {name!r} is not supported and has no effect "
            "(see the README's table of cell options)"
        )
    if options["echo"]:
        cell.metadata.reportlib["code"] = cellopts.code(cell.source, options)
    cell.source = ""  # code reaches a paper only through the echo option
    cell.metadata.reportlib["options"] = {
        k: v
        for k, v in options.items()
        if k in ("fig-cap", "fig-alt", "label", "tbl-cap", "fig-width", "fig-height")
    }
    if not options["include"]:
        return False
    if options["output"] is False or not options["eval"]:
        cell.outputs = []
        return True
    outputs = []
    for output in without_previews(cell.outputs):
        if output.output_type == "stream" and output.name == "stderr" and not options["warning"]:
            continue
        if output.output_type == "error" and not options["error"]:
            continue
        if output.output_type == "stream" and output.name == "stderr":
            output = v4.new_output("stream", name="stderr", text=_warning_text(output.text))
        elif output.output_type == "stream" and options["output"] == "asis":
            output = v4.new_output("display_data", data={"text/markdown": output.text})
        output = shown_outputs.shown(output, number, warnings)
        if output is not None:
            outputs.append(output)
    cell.outputs = outputs
    figures = [o for o in outputs if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
    label = options.get("label")
    for index, output in enumerate(figures):
        # A cell option wins; else what the output carries (reportlib.charts.Chart).
        meta = output.metadata.setdefault("reportlib", {})
        meta.update(
            alt=options.get("fig-alt") or meta.get("alt"),
            caption=options.get("fig-cap") or meta.get("caption"),
            id=f"{label}-{index + 1}" if label and len(figures) > 1 else label,
            width=options.get("fig-width"),
        )
        if not meta["alt"]:
            warnings.append(
                f"cell {number}: a figure has no alt text; add '#| fig-alt: ...' "
                "saying what the chart shows"
            )
    return True


def _raw_cell(cell: NotebookNode, number: Any, warnings: list[str]) -> NotebookNode | None:
    """The raw cell as the paper shows it (see the module's docstring), or None."""
    kind = cell.metadata.get("format") or cell.metadata.get("raw_mimetype") or ""
    if kind in ("text/markdown", "text/latex"):
        source = (
            maths.normalise(cell.source)
            if kind == "text/markdown"
            else _latex_as_markdown(cell, number)
        )
        markdown = v4.new_markdown_cell(source)
        markdown.metadata.reportlib = cell.metadata.reportlib
        return markdown
    if kind == "text/html":
        from reportlib.render.html import findings

        found = findings(cell.source)
        if found:
            raise RenderError(
                f"raw cell {number} (text/html) would load or run something "
                f"({'; '.join(found[:3])}); papers load and run nothing: remove it"
            )
    if kind not in RAW_FORMATS:
        warnings.append(
            f"raw cell {number} is left out: its format is {kind or 'not set'}, and a paper "
            f"takes raw cells of {', '.join(sorted({*RAW_FORMATS, 'text/latex', 'text/markdown'}))}"
            " (JupyterLab: the cell's Raw NBConvert Format)"
        )
        return None
    cell.metadata.reportlib["raw"] = RAW_FORMATS[kind]
    return cell


def _latex_as_markdown(cell: NotebookNode, number: Any) -> str:
    """A LaTeX raw cell in Markdown (pandoc reads LaTeX; its maths stays maths)."""
    import pypandoc

    try:
        return pypandoc.convert_text(
            cell.source, "markdown", format="latex", extra_args=["--quiet"], sandbox=True
        )
    except RuntimeError as error:
        raise RenderError(
            f"raw cell {number} (text/latex) is not LaTeX that pandoc can read: {error}"
        ) from None


def without_previews(outputs: list) -> list:
    """``outputs`` less those the notebook shows only to its writer."""
    return [o for o in outputs if not o.get("metadata", {}).get("reportlib", {}).get("preview")]


def for_quarto(executed: NotebookNode) -> NotebookNode:
    """A copy of ``executed`` for Quarto, which renders a notebook itself: no previews."""
    nb = copy.deepcopy(executed)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = without_previews(cell.outputs)
    return nb


def _warning_text(text: str) -> str:
    """Python warnings as "Category: message", without the kernel's temporary file path.

    The path differs from run to run, and a reader of the paper has no use for it.
    """
    found = [
        f"{m.group(1)}: {m.group(2)}" for m in map(_WARNING_LINE.match, text.splitlines()) if m
    ]
    return "\n".join(found) + "\n" if found else text


def _markdown_of(output: NotebookNode) -> str:
    return str(output.get("data", {}).get("text/markdown", ""))


def _text_of(cell: NotebookNode) -> str:
    if cell.cell_type == "markdown":
        return cell.source
    return "\n".join(_markdown_of(o) for o in cell.get("outputs", []))
