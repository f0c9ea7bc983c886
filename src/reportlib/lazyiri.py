"""jsonschema's IRI format check, built the first time it is used instead of at import.

nbformat imports jsonschema, which imports ``rfc3987_syntax`` for its ``iri`` and
``iri-reference`` formats; that module compiles some forty Lark grammars on import,
about a second on a small machine (jsonschema#1428, nbformat#420). Notebook schemas
are draft 4, which has no IRI formats, so the build never uses them. :func:`install`
puts a stand-in module in its place whose ``is_valid_syntax`` imports the real one on
first call: every check gives the answer it gave before, only later.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


def _is_valid_syntax(term: str, value: str) -> bool:
    if sys.modules.get(NAME) is _STAND_IN:
        del sys.modules[NAME]
    real = importlib.import_module(NAME)
    _STAND_IN.is_valid_syntax = real.is_valid_syntax  # later calls go straight through
    return real.is_valid_syntax(term, value)


_STAND_IN = types.ModuleType(NAME, "Stand-in for rfc3987_syntax, imported on first use.")
_STAND_IN.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]


def install() -> None:
    """Stand in for ``rfc3987_syntax`` until it is used, if it is installed and not loaded."""
    if NAME in sys.modules or "jsonschema" in sys.modules:
        return
    if importlib.util.find_spec(NAME) is None:  # jsonschema then does without it, as before
        return
    sys.modules[NAME] = _STAND_IN
