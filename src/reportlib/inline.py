"""Inline values in prose: `` `{python} expr` `` in a Markdown cell, as Quarto writes them.

Before execution, each Markdown cell with inline expressions gets an internal code cell
just before it, which evaluates the expressions in the kernel at that point of the
notebook. After execution the values replace the expressions in the cell's text; the
cell's metadata keeps the original text and each expression beside its value.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

MIME = "application/vnd.reportlib.inline+json"
EXPRESSION = re.compile(r"`\{python\}\s+([^`]+?)\s*`")
# Every character pandoc or mistune could read as markup, including ^ (superscript),
# @ (citation) and : (fenced divs, definition lists).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$^@:])")


def expressions(text: str) -> list[str]:
    return EXPRESSION.findall(text)


def escape(text: str) -> str:
    """Text that Markdown shows literally and HTML cannot read as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def as_markdown(value: Any) -> str:
    """How a value reads in prose: objects that render as Markdown are trusted, all else escaped."""
    render = getattr(value, "_repr_markdown_", None)
    if callable(render) and not isinstance(value, type):
        found = render()
        if isinstance(found, tuple):  # (data, metadata)
            found = found[0]
        if found is not None:
            return str(found).strip()
    return escape(str(value))


def emit(cell: int, thunks: list) -> None:
    """Kernel side: evaluate the expressions of Markdown cell ``cell`` and display the values."""
    from IPython.display import display

    display({MIME: {"cell": cell, "values": [as_markdown(t()) for t in thunks]}}, raw=True)


def cell_code(cell: int, found: list[str]) -> str:
    """Source of the internal cell that evaluates ``found`` for Markdown cell ``cell``."""
    thunks = "\n".join(f"    lambda: ({e})," for e in found)
    return (
        f"# inline values of Markdown cell {cell}: {', '.join(found)}\n"
        f"import reportlib.inline as _rl_inline\n"
        f"_rl_inline.emit({cell}, [\n{thunks}\n])\n"
        "del _rl_inline"
    )


def values_from(outputs: list) -> list[str] | None:
    for output in outputs:
        data = output.get("data", {}).get(MIME)
        if data is not None:
            return (json.loads(data) if isinstance(data, str) else data)["values"]
    return None


def substitute(text: str, values: list[str]) -> str:
    found = iter(values)
    return EXPRESSION.sub(lambda _: next(found), text)
