"""What a notebook tells the build, gathered inside the kernel.

Data loaders record each file they read; checks record warnings. The build reads the
whole record from an internal cell run after the analyst's cells
(see :mod:`reportlib.execute`). Outside a build the record is simply unused.
"""

from __future__ import annotations

import threading

MIME = "application/vnd.reportlib.record+json"

_lock = threading.Lock()
_reads: dict[str, str] = {}
_warnings: list[str] = []


def read(path: str, sha256: str) -> None:
    """Note that the project file ``path`` was read with content hash ``sha256``."""
    with _lock:
        _reads[path] = sha256


def warn(message: str) -> None:
    """Raise a build warning: shown in the terminal, the manifest and the review page."""
    with _lock:
        if message not in _warnings:
            _warnings.append(message)


def snapshot() -> dict:
    """The record so far, JSON-ready."""
    with _lock:
        return {"reads": dict(sorted(_reads.items())), "warnings": list(_warnings)}
