"""What a notebook tells the build, gathered inside the kernel.

Data loaders record each file they read; checks record warnings; a notebook records
its front sheet (when it comes from the meeting's data) and its key figures here. The
build reads the whole record from an internal cell run after the analyst's cells
(see :mod:`reportlib.execute`). Outside a build the record is simply unused.
"""

from __future__ import annotations

import threading

MIME = "application/vnd.reportlib.record+json"

_lock = threading.Lock()
_reads: dict[str, str] = {}
_warnings: list[str] = []
_front: dict = {}
_key_figures: dict[str, dict] = {}

#: Front-sheet fields a notebook may set (see :func:`front_sheet`).
FRONT_FIELDS = ("purpose", "summary", "recommendations", "actions", "contact")


def read(path: str, sha256: str) -> None:
    """Note that the project file ``path`` was read with content hash ``sha256``."""
    with _lock:
        _reads[path] = sha256


def warn(message: str) -> None:
    """Raise a build warning: shown in the terminal, the manifest and the review page."""
    with _lock:
        if message not in _warnings:
            _warnings.append(message)


def front_sheet(**fields) -> None:
    """Set the paper's front sheet from the notebook (it wins over the params file).

    Takes ``purpose`` (text); ``summary``, ``recommendations``, ``actions`` (lists of
    paragraphs, each text or ``{text, points}``); ``contact`` (one mapping of ``name``,
    ``position``, ``phone``, ``email``, or a list of them).
    """
    unknown = sorted(set(fields) - set(FRONT_FIELDS))
    if unknown:
        raise TypeError(f"front_sheet() takes {', '.join(FRONT_FIELDS)}; not {', '.join(unknown)}")
    with _lock:
        _front.update(fields)


def key_figure(name: str, label: str, value: float, units: str = "") -> None:
    """A figure the review page compares with the previous meeting's (same ``name``)."""
    with _lock:
        _key_figures[name] = {"label": label, "value": float(value), "units": units}


def snapshot() -> dict:
    """The record so far, JSON-ready."""
    with _lock:
        return {
            "reads": dict(sorted(_reads.items())),
            "warnings": list(_warnings),
            "front": dict(_front),
            "key_figures": dict(_key_figures),
        }
