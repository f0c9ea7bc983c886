"""What each output of a code cell becomes in a paper, the same for both formats.

A notebook can show anything with a MIME bundle; a paper shows images (SVG, PNG,
JPEG), Markdown, HTML that loads and runs nothing, maths and plain text. Here every
output is reduced to those forms before either renderer sees it:

- ``text/latex`` (IPython's ``Latex`` and ``Math``) becomes Markdown maths, which the
  HTML shows as MathML and the PDF as Typst maths;
- HTML that would load or run something (a script, a remote image) is dropped, and
  the output falls back to its other forms;
- a plain-text form that only names the object (``<Foo object at 0x…>``) says nothing
  to a reader and is dropped too;
- an error output (only kept from a cell with ``error: true``) becomes its traceback;
- printed text loses terminal colour codes, and a line redrawn with ``\\r`` (a progress
  bar) keeps only what it last showed;
- an output left with no form a paper can show is a warning naming the cell.
"""

from __future__ import annotations

import copy
import re

from nbformat import NotebookNode, v4

from reportlib import maths

IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
SHOWN = (*IMAGE_TYPES, "text/html", "text/markdown", "text/plain")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BARE_REPR = re.compile(r"^<[\w.]+ object( at 0x[0-9a-fA-F]+)?>$|^<[\w.]+ at 0x[0-9a-fA-F]+>$")


def shown(output: NotebookNode, number: object, warnings: list[str]) -> NotebookNode | None:
    """``output`` in the forms a paper shows, or None (with a warning) if it has none."""
    if output.output_type == "error":
        text = "\n".join(_ANSI.sub("", line) for line in output.get("traceback", []))
        return v4.new_output("stream", name="stdout", text=text or output.get("evalue", ""))
    if output.output_type == "stream":
        return v4.new_output("stream", name=output.name, text=terminal_text(output.text))
    if output.output_type not in ("display_data", "execute_result"):
        return output
    data = dict(output.get("data", {}))
    kinds = sorted(data)
    if "text/latex" in data and not any(t in data for t in (*IMAGE_TYPES, "text/markdown")):
        data["text/markdown"] = maths.normalise(_text(data["text/latex"]))
    if "text/html" in data:
        found = _active_html(_text(data["text/html"]))
        if found:
            del data["text/html"]
            warnings.append(
                f"cell {number}: an HTML output would load or run something ({found}); "
                "the paper shows its other forms instead"
            )
    if _BARE_REPR.match(_text(data.get("text/plain", "")).strip()):
        del data["text/plain"]
    data = {k: v for k, v in data.items() if k in SHOWN}
    if not data:
        warnings.append(
            f"cell {number}: an output ({', '.join(kinds) or 'empty'}) has nothing a paper "
            "can show (an image, Markdown, LaTeX, HTML that loads and runs nothing, or text "
            "other than the object's name), so it is left out"
        )
        return None
    kept = copy.deepcopy(output)
    kept.data = data
    return kept


def terminal_text(text: str) -> str:
    """Printed text as it last stood on a terminal: no colour codes, redrawn lines once."""
    lines = _ANSI.sub("", text).split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


def _active_html(html: str) -> str:
    """What in ``html`` would load or run something; '' if nothing does."""
    from reportlib.render.html import findings

    return "; ".join(findings(html)[:3])


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
