"""Documents on the agenda that no notebook builds: supplied by someone else, or confidential.

A document is a PDF, included in the pack as it is, or Markdown rendered as a board
paper in the house style. A Markdown document opens with its front sheet as YAML
between ``---`` lines (the same fields as a report's in the params file)::

    ---
    title: LGA Boards' improvement activity
    purpose: For information.
    summary: One or two short paragraphs.
    recommendations: [That members note the report.]
    contact: {name: A Person, position: Adviser, phone: "020 7000 0000", email: a@b.org}
    ---

    ## Background

    Each paragraph of the body is numbered, as in every paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportlib.exceptions import ParamsError, Problem
from reportlib.params import Contact
from reportlib.yamlfile import _StrictLoader

_FENCE = "---"


class FrontSheet(BaseModel):
    """The front sheet of a Markdown document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    purpose: str = ""
    summary: list[str] = []
    recommendations: list[str] = []
    actions: list[str] = []
    contact: list[Contact] = Field([], description="one contact officer, or a list")

    @field_validator("summary", "recommendations", "actions", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("contact", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @property
    def contacts(self) -> list[Contact]:
        return list(self.contact)


@dataclass(frozen=True)
class MarkdownDocument:
    front: FrontSheet
    body: str


def read_markdown(path: Path, shown: str) -> MarkdownDocument:
    """Read a Markdown document; :class:`ParamsError` naming the file, key and line if bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ParamsError([Problem(shown, f"is not UTF-8 text ({error.reason})")]) from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise ParamsError(
            [
                Problem(
                    shown,
                    "must open with its front sheet: a line '---', then title, purpose, "
                    "summary, recommendations, actions and contact as YAML, then '---'",
                    line=1,
                )
            ]
        )
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == _FENCE), None)
    if end is None:
        raise ParamsError(
            [Problem(shown, "front sheet is not closed: add a line '---' after it", line=1)]
        )
    loader = _StrictLoader("".join(lines[1:end]))
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ParamsError(
            [
                Problem(
                    shown,
                    f"front sheet is not valid YAML: {error.problem or error}",
                    line=mark.line + 2 if mark else None,
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ParamsError([Problem(shown, "front sheet must be a mapping with a 'title'", line=2)])
    try:
        front = FrontSheet.model_validate(data)
    except ValidationError as error:
        raise ParamsError(
            [
                Problem(
                    shown,
                    "is missing; add it"
                    if e["type"] == "missing"
                    else "is not a front-sheet field (title, purpose, summary, "
                    "recommendations, actions, contact)"
                    if e["type"] == "extra_forbidden"
                    else e["msg"],
                    ".".join(str(p) for p in e["loc"]) or None,
                    _line(node, e["loc"]),
                )
                for e in error.errors()
            ]
        ) from None
    body = "".join(lines[end + 1 :]).strip("\n") + "\n"
    return MarkdownDocument(front, body)


def _line(node: yaml.Node | None, loc: tuple) -> int | None:
    """1-based line in the Markdown file of the front-sheet key at ``loc`` (after '---')."""
    line = 2 if node is not None else None
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
        if match is None:
            break
        line, node = match[0].start_mark.line + 2, match[1]
    return line


def pdf_pages(path: Path) -> int:
    """Pages of a PDF document, every one read through.

    Raises :class:`ValueError` saying what is wrong (to follow the file's name) if it
    cannot be read, is encrypted or has no pages, so that the pack never meets it.
    """
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        encrypted = reader.is_encrypted
        if not encrypted:
            for page in reader.pages:  # a damaged page fails here rather than in the pack
                contents = page.get_contents()
                _ = page.cropbox, contents.operations if contents is not None else None
    except Exception as error:  # pypdf raises many kinds of error on a damaged file
        raise ValueError(
            f"is not a readable PDF ({error}); supply it again, saved as PDF"
        ) from None
    if encrypted:
        raise ValueError("is encrypted; supply a copy without a password")
    if not reader.pages:
        raise ValueError("has no pages; supply the document with its pages")
    return len(reader.pages)
