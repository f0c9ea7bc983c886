"""What changed in a paper: its words and figures against an earlier build's.

After each good build of a report the build keeps what its paper says —
``outputs/<meeting>/.history/<report>.json``: the words (every paragraph, heading and
list item of the paper, front sheet included) and the figures (each key figure, and
each cell of each table, by caption, row and column) — with what the build before it
said. The review page compares them: since the previous build of this meeting, and
against the same paper of the previous meeting, as words struck out and put in and as
figures before and after, never as JSON.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from reportlib import cellopts
from reportlib.files import atomic_write
from reportlib.formats import kind, with_units

HISTORY = ".history"
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`|^#+\s*|^\s*(?:[-*]|\d+\.)\s+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


_ESCAPED = re.compile(r"\\(.)")


def _plain(text: str) -> str:
    """Markdown as a reader reads it: no markup, no escapes, one line."""
    text = _LINK.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", " ".join(_MARKUP.sub("", ln) for ln in text.splitlines())).strip()


def _front_words(front: dict[str, Any]) -> list[str]:
    found = []
    for key in ("purpose", "summary", "recommendations", "actions"):
        value = front.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                item = " ".join([str(item.get("text", "")), *map(str, item.get("points", []))])
            if item:
                found.append(f"{key.capitalize()}: {item}")
    return found


def _table(block: str, caption: str, figures: dict[str, str]) -> None:
    """Each cell of a pipe table, named by caption, row and column."""
    lines = [ln for ln in block.splitlines() if ln.strip()]
    rows = [
        [_plain(c) for c in ln.strip().strip("|").split("|")]
        for ln in lines
        if ln.lstrip().startswith("|")
    ]
    if len(rows) < 3:
        return
    head = rows[0]
    for row in rows[2:]:
        for column, cell in zip(head[1:], row[1:], strict=False):
            figures[f"{caption}: {row[0]}, {column}"] = cell


def _caption(source: str) -> str:
    try:
        return str(cellopts.parse(source).get("tbl-cap") or "Table")
    except cellopts.CellOptionsError:
        return "Table"


def content(nb: NotebookNode) -> dict[str, Any]:
    """What the executed notebook's paper says: ``{"words": [...], "figures": {...}}``."""
    meta = nb.metadata.get("reportlib", {})
    words = _front_words(meta.get("front") or {})
    figures: dict[str, str] = {}
    for name, figure in (meta.get("key_figures") or {}).items():
        if isinstance(figure, dict):
            units = str(figure.get("units") or "")
            text = with_units(figure.get("value"), units or None)
            figures[str(figure.get("label") or name)] = (
                f"{text} {units}" if units and kind(units) is None else text
            )
    texts: list[tuple[str, str]] = []  # (text, the caption its cell gives a table)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append((cell.source, "Table"))
        elif cell.cell_type == "code":
            caption = _caption(cell.source)
            for output in cell.get("outputs", []):
                if not output.get("metadata", {}).get("reportlib", {}).get("preview"):
                    texts.append((str(output.get("data", {}).get("text/markdown", "")), caption))
    for text, caption in texts:
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        for at, block in enumerate(blocks):
            if block.startswith("|"):
                after = blocks[at + 1] if at + 1 < len(blocks) else ""
                _table(block, _plain(after[2:]) if after.startswith(": ") else caption, figures)
            elif not block.startswith((": ", ":::", "Source:", "Note:")):
                words.append(_plain(block))
    return {"words": [w for w in words if w], "figures": figures}


def remember(out_dir: Path, report: str, built: str, nb: NotebookNode) -> None:
    """Keep what report's paper says now, and what the build before this one said."""
    path = out_dir / HISTORY / f"{report}.json"
    before = read(path)
    kept = {"built": before["built"], "content": before["content"]} if before else None
    record = {"built": built, "content": content(nb), "previous": kept}
    atomic_write(path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def read(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and isinstance(found.get("content"), dict) else None


def history(out_dir: Path, report: str) -> dict[str, Any] | None:
    return read(out_dir / HISTORY / f"{report}.json")


@dataclass
class Diff:
    """Words changed (each a list of ``(kind, text)``: same, del or ins) and figures."""

    words: list[list[tuple[str, str]]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.words and not self.figures


def _word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, a, b, c, d in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(old[a:b])))
            continue
        if b > a:
            out.append(("del", " ".join(old[a:b])))
        if d > c:
            out.append(("ins", " ".join(new[c:d])))
    return out


def compare(before: dict[str, Any], after: dict[str, Any]) -> Diff:
    """The words and figures of ``after`` that differ from ``before``'s."""
    diff = Diff()
    old, new = list(before.get("words", [])), list(after.get("words", []))
    for op, a, b, c, d in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        pairs = list(zip(old[a:b], new[c:d], strict=False)) if op == "replace" else []
        diff.words += [_word_diff(x, y) for x, y in pairs]
        diff.words += [[("del", x)] for x in old[a + len(pairs) : b]]
        diff.words += [[("ins", y)] for y in new[c + len(pairs) : d]]
    was, now = before.get("figures", {}), after.get("figures", {})
    for name in [*now, *(n for n in was if n not in now)]:
        if was.get(name) != now.get(name):
            diff.figures.append(
                {"label": name, "before": was.get(name, "\u2013"), "now": now.get(name, "\u2013")}
            )
    return diff
