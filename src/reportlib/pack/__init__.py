"""The meeting's agenda pack: one PDF with the front matter, then every paper in agenda order.

``outputs/<meeting>/pack.pdf`` is the public pack: cover, notices, membership, the
agenda, then the papers, paged continuously from 1 (the front matter is not numbered,
as in the board's packs). Each paper's pages are compiled from the Typst source its
own render kept, with the pack's page numbers, so every page keeps the running header
and shows its number in the pack. Page ranges in the agenda are counted from the
pages actually compiled, never typed, and each agenda entry links to its item.

- A supplied Markdown document is rendered as a paper; a supplied PDF is included page
  for page, with the pack page number stamped at the foot of its visible area.
- A confidential item shows *Document is Restricted* sheets, as many as its ``pages:``
  in the params file (checked against the document when it is present), so that the
  public pack is paged the same on every machine, and the same as the full one,
  ``outputs/<meeting>/confidential/pack-confidential.pdf``. The full pack is made only
  when every confidential document is in ``data/<meeting>/confidential/`` (which git
  ignores).
- A report that failed, or was never built, gets a *Paper not available* sheet, and
  the pack is then a draft: it is written as ``pack-draft.pdf`` and ``pack.pdf``, the
  last complete pack, is left as it was (and so is the confidential pack). A complete
  pack replaces ``pack.pdf`` and removes any draft.

The pack is PDF/UA-1 when every part is: one structure tree, XMP with its title,
language and identification, and the title shown by a viewer. The jobs are apart:
:mod:`~reportlib.pack.plan` (the parts and their pages), :mod:`~reportlib.pack.papers`
(the papers' pages), :mod:`~reportlib.pack.sheets` (the pack's own pages),
:mod:`~reportlib.pack.merge` (one PDF) and :mod:`~reportlib.pack.assemble` (the files).
"""

from reportlib.exceptions import PackError
from reportlib.pack.assemble import (
    CONFIDENTIAL_PACK,
    DRAFT,
    PACK,
    PACK_INFO,
    PackResult,
    assemble,
    read_info,
)

__all__ = [
    "CONFIDENTIAL_PACK",
    "DRAFT",
    "PACK",
    "PACK_INFO",
    "PackError",
    "PackResult",
    "assemble",
    "read_info",
]
