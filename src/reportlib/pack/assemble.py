"""Assembling the pack: plan the parts, compile the front matter, merge, write.

``pack.pdf`` is written only when every paper is in it; with a paper missing, the
pack is ``pack-draft.pdf`` and the last complete pack (and the confidential one) are
left as they were. ``pack.json`` beside it records each item's pages for the review
page.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlib import manifest
from reportlib.exceptions import PackError
from reportlib.files import atomic_write
from reportlib.fingerprint import file_hash, sha256
from reportlib.pack import sheets
from reportlib.pack.merge import merge
from reportlib.pack.plan import page_count, plan
from reportlib.params import MeetingConfig

PACK, DRAFT, PACK_INFO = "pack.pdf", "pack-draft.pdf", "pack.json"
CONFIDENTIAL_PACK = Path("confidential") / "pack-confidential.pdf"


@dataclass
class PackResult:
    path: Path
    confidential: Path | None
    info: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def assemble(
    config: MeetingConfig, out_dir: Path, built: manifest.Manifest | None = None
) -> PackResult:
    """Write the pack, ``pack.json`` and, if it can be made, the confidential pack.

    The pack is ``pack.pdf`` when every paper is in it. When a paper is missing (its
    report failed or was not built) it is ``pack-draft.pdf``, and ``pack.pdf`` and the
    confidential pack are left as the last complete pack made them. ``built`` is the
    build record the pack is made from (by default the last build's, read from its file).
    """
    if config.params.agenda is None:
        raise PackError(
            f"{config.project.relative(config.path)} has no agenda: add 'agenda:' to make a pack"
        )
    built = manifest.read(out_dir / manifest.FILE) if built is None else built
    reports = built.reports
    warnings: list[str] = []
    parts, rows = plan(config, out_dir, reports, warnings)
    front = sheets.front(config, rows)
    front_pages = page_count(front)
    merged = merge(config, front, parts)
    public, tagged = merged.pdf, merged.tagged
    if not tagged:
        warnings.append(
            "the pack is not a tagged PDF (screen readers get no structure), because a "
            "supplied PDF has no tags; ask its author for a tagged (accessible) PDF"
        )
    elif not merged.pdf_ua:
        warnings.append(
            "the pack does not declare PDF/UA-1, because "
            f"{', '.join(merged.not_pdf_ua)} does not; ask its author for a PDF/UA "
            "(accessible) PDF"
        )
    missing = [str(p.number) for p in parts if p.status in ("failed", "not built")]
    if missing:
        complete = (
            f"{PACK}, the last complete pack, was left as it was"
            if (out_dir / PACK).is_file()
            else f"no complete pack ({PACK}) has been made yet"
        )
        warnings.insert(
            0,
            f"the pack is a draft, written as {DRAFT}: the paper for item(s) "
            f"{', '.join(missing)} is missing; {complete}. Do not publish the draft: fix the "
            "papers and build the meeting again",
        )
    confidential = [p for p in parts if p.kind == "confidential"]
    full_path = out_dir / CONFIDENTIAL_PACK
    present = all(p.full is not None for p in confidential)
    made_full = bool(confidential) and present and not missing
    if made_full:
        atomic_write(full_path, merge(config, front, parts, full=True).pdf)
    elif not missing:
        with contextlib.suppress(FileNotFoundError):
            full_path.unlink()  # an older one would no longer match the public pack
        with contextlib.suppress(OSError):
            full_path.parent.rmdir()
    for row in rows:
        if "first" in row:
            row["pdf_page"] = front_pages + row["first"]  # 1-based page in the file
    documents = [
        config.document_path(i) for i in config.params.agenda if i.supplied or i.confidential
    ]
    info = {
        "meeting": config.id,
        "manifest_finished": built.finished,  # the build this pack was made after
        "pack": DRAFT if missing else PACK,
        "draft": bool(missing),
        "sha256": sha256(public),
        "front_pages": front_pages,
        "pages": front_pages + (parts[-1].last if parts else 0),
        "confidential_pack": CONFIDENTIAL_PACK.as_posix() if made_full else None,
        "tagged": tagged,
        "pdf_ua": merged.pdf_ua,
        # what the pack was made from besides the reports (see manifest.json for those)
        "inputs": {config.project.relative(d): file_hash(d) for d in documents if d.is_file()},
        "items": rows,
        "warnings": warnings,
    }
    path = out_dir / (DRAFT if missing else PACK)
    atomic_write(path, public)
    if not missing:
        (out_dir / DRAFT).unlink(missing_ok=True)  # the complete pack supersedes it
    atomic_write(out_dir / PACK_INFO, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    return PackResult(path, full_path if made_full else None, info, warnings)


def read_info(out_dir: Path) -> dict[str, Any]:
    """``pack.json`` of an earlier assembly, or {} if there is none."""
    try:
        return json.loads((out_dir / PACK_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
