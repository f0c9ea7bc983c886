"""PDF through ``quarto render`` (a subprocess), where Quarto is installed.

Quarto renders the executed notebook (inline values already in place; it does not run
it again) to Typst with reportlib's own template and filter, so the paper looks the
same as from the built-in route. Code is hidden and warnings left out, as reportlib's
defaults; the notebook's own ``#|`` options are read by Quarto itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import nbformat
import yaml

from reportlib.exceptions import RenderError
from reportlib.render.pdf import HOUSE, TEMPLATES, front_metadata, template_variables

TIMEOUT = 600


def executable() -> str | None:
    return shutil.which("quarto")


def command(quarto: str, notebook: Path, metadata: Path) -> list[str]:
    """The ``quarto render`` command line for ``notebook`` (run in its folder)."""
    return [
        quarto,
        "render",
        notebook.name,
        "--to",
        "typst",
        "--no-execute",
        "--metadata-file",
        metadata.name,
        "--output",
        notebook.with_suffix(".pdf").name,
    ]


def metadata(context: dict[str, Any]) -> dict[str, Any]:
    """Quarto metadata: the front sheet, house style, template and filter."""
    meta = front_metadata(context)
    meta.update(template_variables(context))
    meta.update(
        {
            "echo": False,
            "warning": False,
            "keep-typ": False,
            "template": str(TEMPLATES / "paper.typ"),
            "filters": [str(TEMPLATES / "paper.lua")],
        }
    )
    return meta


def render(executed: Any, context: dict[str, Any], folder: Path) -> bytes:
    """The paper as PDF bytes from Quarto; :class:`RenderError` if Quarto is missing or fails."""
    quarto = executable()
    if quarto is None:
        raise RenderError(
            "the Quarto engine was asked for, but 'quarto' is not on PATH: "
            "install Quarto, or build with --engine typst"
        )
    notebook = folder / "paper.ipynb"
    shutil.copyfile(TEMPLATES / HOUSE, folder / HOUSE)  # the template's house base
    nbformat.write(executed, notebook)
    meta = folder / "paper-metadata.yml"
    meta.write_text(yaml.safe_dump(metadata(context), allow_unicode=True), encoding="utf-8")
    try:
        done = subprocess.run(
            command(quarto, notebook, meta),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RenderError(f"quarto render did not finish: {error}") from None
    output = notebook.with_suffix(".pdf")
    if done.returncode != 0 or not output.exists():
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise RenderError(f"quarto render failed (exit {done.returncode}):\n{tail}")
    return output.read_bytes()
