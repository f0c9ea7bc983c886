"""The two private pypdf calls reportlib needs, behind one small wrapper.

pypdf has no public way to add a new indirect object to a :class:`pypdf.PdfWriter`
or to set the file identifier it writes; these use ``PdfWriter._add_object`` and
``PdfWriter._ID``. pyproject.toml holds pypdf below its next major version, which
is when they must be checked again (a test keeps that pin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, PdfObject


def add_object(writer: PdfWriter, value: PdfObject) -> IndirectObject:
    """Add ``value`` to ``writer`` as an indirect object; return its reference."""
    return writer._add_object(value)


def set_file_id(writer: PdfWriter, digest: bytes) -> None:
    """Make ``digest`` both parts of the file identifier ``writer`` writes (the trailer's /ID)."""
    from pypdf.generic import ArrayObject, ByteStringObject

    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
