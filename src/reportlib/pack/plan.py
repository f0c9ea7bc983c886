"""Planning the pack: which pages stand for each agenda item, and where each starts.

The agenda is walked in order; each item with pages becomes a :class:`Part` (a paper,
a supplied document, restricted sheets or a *Paper not available* sheet), paged on
from the one before, and a row for the agenda page lists it with its page range.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlib.exceptions import PackError, ParamsError, Problem
from reportlib.manifest import ReportEntry
from reportlib.pack import papers, sheets
from reportlib.params import AgendaItem, MeetingConfig


@dataclass
class Part:
    """One agenda item's pages: the public pack's and, for a confidential item, the full one's."""

    number: int
    title: str
    kind: str  # report, supplied, confidential
    status: str  # built, failed, not built, supplied, restricted
    public: bytes
    full: bytes | None = None  # the confidential document, when it is present
    first: int = 0
    last: int = 0
    source: str | None = None  # the report name or the document's path


def page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} - {last}"


def plan(
    config: MeetingConfig, out_dir: Path, reports: dict[str, ReportEntry], warnings: list[str]
) -> tuple[list[Part], list[dict[str, Any]]]:
    """Every part in agenda order, paged from 1, and the agenda's rows.

    ``reports`` are the manifest's entries; what the reader should know (a missing
    paper, a confidential document not present) is added to ``warnings``.
    """
    parts: list[Part] = []
    rows: list[dict[str, Any]] = []
    first = 1
    for index, (number, item) in enumerate(config.numbered_agenda()):
        row: dict[str, Any] = {
            "number": number,
            "heading": item.heading,
            "title": config.item_title(item),
            "kind": item.kind,
            "pages": "",
        }
        rows.append(row)
        if number is None or item.kind in ("verbal", "none"):
            continue
        part = _part(config, out_dir, reports, index, number, item, first, warnings)
        part.first, part.last = first, first + page_count(part.public) - 1
        first = part.last + 1
        parts.append(part)
        row.update(
            pages=page_range(part.first, part.last),
            first=part.first,
            last=part.last,
            status=part.status,
            source=part.source,
        )
    return parts, rows


def _part(
    config: MeetingConfig,
    out_dir: Path,
    reports: dict[str, ReportEntry],
    index: int,
    number: int,
    item: AgendaItem,
    first: int,
    warnings: list[str],
) -> Part:
    title = config.item_title(item)
    if item.report:
        entry = reports.get(item.report)
        notebook = out_dir / f"{item.report}.ipynb"
        if entry is not None and entry.ok and notebook.is_file():
            data = papers.report_pages(config, out_dir, item.report, entry, first)
            return Part(number, title, "report", "built", data, source=item.report)
        status = "failed" if entry is not None and not entry.ok else "not built"
        why = (
            "its notebook failed when the meeting was built"
            if status == "failed"
            else "it has not been built yet"
        )
        warnings.append(f"item {number} ({item.report}): the paper is missing from the pack: {why}")
        lines = [
            f"Item {number}: {title}",
            f"This paper is missing: {why} (report {item.report}).",
            "Do not publish this pack: build the meeting again once the report is fixed.",
        ]
        data = sheets.sheet(config, "Paper not available", lines, first)
        return Part(number, title, "report", status, data, source=item.report)
    path = config.document_path(item)
    shown = config.project.relative(path)
    if item.supplied:
        if not path.is_file():  # checked with the parameters; it may have gone since
            raise ParamsError(
                [
                    Problem(
                        config.project.relative(config.path),
                        f"names the document {shown}, which does not exist; put the "
                        "document there, or correct the file name",
                        f"agenda.{index}.supplied",
                        config.document.line(("agenda", index, "supplied")),
                    )
                ]
            )
        data = papers.document_pages(config, path, first)
        return Part(number, title, "supplied", "supplied", data, source=shown)
    # confidential: as many restricted sheets as the params file says, document or not
    pages = item.pages
    if pages is None:  # load_meeting requires it
        raise PackError(f"item {number}: a confidential item needs 'pages:' in the params file")
    if not path.is_file():
        warnings.append(
            f"item {number}: {shown} is not present, so the confidential pack was not made "
            f"(the public pack shows its {pages} Document is Restricted sheets)"
        )
        data = sheets.restricted(config, number, title, first, pages)
        return Part(number, title, "confidential", "restricted", data, source=shown)
    if _not_ignored(config, path):
        warnings.append(
            f"{shown} is not ignored by git: confidential documents must never be committed; "
            "add 'data/*/confidential/' to .gitignore"
        )
    full = papers.document_pages(config, path, first)
    found = page_count(full)
    if found != pages:  # a PDF is checked with the parameters; Markdown only here
        raise ParamsError(
            [
                Problem(
                    config.project.relative(config.path),
                    f"says {pages}, but {shown} has {found} pages in the pack; "
                    f"set 'pages: {found}'",
                    f"agenda.{index}.pages",
                    config.document.line(("agenda", index, "pages")),
                )
            ]
        )
    data = sheets.restricted(config, number, title, first, pages)
    return Part(number, title, "confidential", "restricted", data, full, source=shown)


def _not_ignored(config: MeetingConfig, path: Path) -> bool:
    """Whether git would commit ``path`` (False outside a git repository)."""
    from reportlib.environment import git_exit

    return git_exit(config.project.root, "check-ignore", "-q", str(path)) == 1
