"""What a notebook tells the build, gathered inside the kernel.

Data loaders record each file they read; checks record warnings; a notebook records
its front sheet (when it comes from the meeting's data) and its key figures here. The
build reads the whole record from an internal cell run after the analyst's cells
(see :mod:`reportlib.execute`). Outside a build the record is simply unused.
"""

from __future__ import annotations

import html
import threading
from typing import TYPE_CHECKING

from reportlib.buildwarnings import STALE_PREFIX, slug, text_key

if TYPE_CHECKING:
    from reportlib.frontsheet import FrontSheet

MIME = "application/vnd.reportlib.record+json"
#: How a warning about an input that may be out of date begins (its kind: see
#: :class:`reportlib.buildwarnings.BuildWarning`).
STALE = STALE_PREFIX

_lock = threading.Lock()
_reads: dict[str, str] = {}
_warnings: list[str] = []
_warning_keys: dict[str, str] = {}  # message -> the key of its id (see reportlib.buildwarnings)
_front: dict = {}
_key_figures: dict[str, dict] = {}

_NOTE = (
    "border-left:4px solid #b45309;background:#fff7ed;color:#1f2937;padding:.4em .8em;margin:.4em 0"
)


def read(path: str, sha256: str) -> None:
    """Note that the project file ``path`` was read with content hash ``sha256``."""
    with _lock:
        _reads[path] = sha256


def warn(message: str, key: str | None = None) -> None:
    """Raise a build warning: shown in the terminal, the manifest and the review page.

    ``key`` names what was checked (say ``total-other-income``), so that the warning's id
    stays the same when its figures change and a reviewer can accept it by that id;
    without one the id comes from the message's text.
    """
    with _lock:
        if message in _warnings:
            return
        _warnings.append(message)
        _warning_keys[message] = slug(key) if key else text_key(message)
    _show_in_notebook(message)


def _show_in_notebook(message: str) -> None:
    """In a notebook, show the warning where it arose; papers leave such notes out."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    from IPython.display import display

    data = {
        "text/html": f'<div style="{_NOTE}"><strong>Build warning:</strong> '
        f"{html.escape(message)}</div>",
        "text/plain": f"Build warning: {message}",
    }
    display(data, raw=True, metadata={"reportlib": {"preview": True}})


def front_sheet(sheet: FrontSheet) -> None:
    """Set the paper's front sheet from the notebook: the fields it sets win over the
    params file's (:meth:`reportlib.narrative.Narrative` calls this with its words')."""
    with _lock:
        _front.clear()
        found = sheet.model_dump(mode="json")
        _front.update({k: v for k, v in found.items() if k in sheet.model_fields_set})


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
            "warning_ids": [_warning_keys[w] for w in _warnings],
            "front": dict(_front),
            "key_figures": dict(_key_figures),
        }
