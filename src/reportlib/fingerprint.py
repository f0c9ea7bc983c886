"""Content digests: of bytes, files, folders and JSON-able values, and the one comparison
of a file with the digest a build recorded for it.

Every hash reportlib stores (the manifest's inputs and outputs, the keys an incremental
build compares, the sign-off's files) is made here, so that two records of one file
always agree. Standard library only: a build with nothing to do imports this cheaply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

_SKIP = {"__pycache__", ".ipynb_checkpoints"}

#: How a recorded file differs from its record (see :func:`compare`).
Difference = Literal["outside", "is gone", "changed"]


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    """The file's digest; raises :class:`OSError` if it cannot be read."""
    return sha256(path.read_bytes())


def file_sha256(path: Path) -> str | None:
    """The file's digest, or None if it cannot be read."""
    try:
        return file_hash(path)
    except OSError:
        return None


def canonical_hash(value: Any) -> str:
    """Digest of a JSON-able value that ignores key order and formatting."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return sha256(text.encode("utf-8"))


def tree(folder: Path, *, exclude: Iterable[str] = ()) -> dict[str, str | None]:
    """Every file under ``folder`` (relative name -> digest), dotfiles and caches left out,
    and those ``exclude`` names (``*.suffix`` for every file ending so)."""
    names = {e for e in exclude if not e.startswith("*")}
    suffixes = tuple(e[1:] for e in exclude if e.startswith("*"))
    found: dict[str, str | None] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") or p in _SKIP for p in parts) or not path.is_file():
            continue
        name = "/".join(parts)
        if name not in names and not (suffixes and name.endswith(suffixes)):
            found[name] = file_sha256(path)
    return found


def compare(base: Path, name: str, recorded: str | None) -> Difference | None:
    """How file ``name`` under ``base`` differs from its ``recorded`` digest.

    ``"outside"`` when the name (through ``..`` or a link) leaves ``base``, so that a
    record edited by hand can never make reportlib read or vouch for another file;
    ``"is gone"``; ``"changed"``; or None when it is as recorded.
    """
    root = base.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        return "outside"
    current = file_sha256(path)
    if current is not None and current == recorded:
        return None
    return "is gone" if current is None else "changed"


def changed(base: Path, recorded: dict[str, str | None]) -> list[str]:
    """Each recorded file not as recorded, as ``"<name> (how)"``, in name order.

    A digest of None means the file was not there when recorded: it is ``added`` if it
    is there now.
    """
    found = []
    for name, digest in sorted(recorded.items()):
        if digest is None:
            how = "added" if (base / name).is_file() else None
        else:
            how = {"is gone": "removed", None: None}.get(
                difference := compare(base, name, digest), difference
            )
        if how:
            found.append(f"{name} ({how})")
    return found
