"""A paper's Typst source, kept beside its PDF as ``<report>.typ.zip``.

The PDF route turns the paper into Typst (pandoc, with the house template) and
compiles it; the zip keeps what was compiled: the Typst source, the house base and
the images it shows. The agenda pack compiles that again with the pack's page
numbers, so it never renders a paper from its notebook a second time. The same
paper gives the same bytes (members sorted, fixed dates).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reportlib.files import atomic_write

SUFFIX = ".typ.zip"
_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no build time in the file


def path_for(pdf: Path) -> Path:
    """Where the source of the PDF at ``pdf`` is kept: ``budget.pdf`` -> ``budget.typ.zip``."""
    return pdf.with_name(pdf.stem + SUFFIX)


def write(folder: Path, path: Path) -> None:
    """Keep every file of ``folder`` (one level: Typst source and images) in ``path``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            info = zipfile.ZipInfo(file.name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
    atomic_write(path, out.getvalue())


def extract(path: Path, folder: Path) -> None:
    """Unpack ``path`` into ``folder``; :class:`ValueError` if it is not such a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if "/" in name or "\\" in name or name in ("", ".", "..") or info.is_dir():
                    raise ValueError(f"it holds {name!r}, which is not a file of the paper")
                (folder / name).write_bytes(archive.read(info))
    except (OSError, zipfile.BadZipFile) as error:
        raise ValueError(str(error)) from None
