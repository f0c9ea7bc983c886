"""Documents on the agenda that no notebook builds: supplied by someone else, or confidential.

A document is a PDF, included in the pack as it is, or Markdown written like a paper's
words (:mod:`reportlib.words`), whose front sheet also gives its ``title``; the pack
renders it as a board paper in the house style (:func:`reportlib.pack.render_markdown`).
"""

from __future__ import annotations

from pathlib import Path


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
