"""Quarto's cell options: ``#| key: value`` lines at the top of a code cell.

reportlib honours these, in both formats, as Quarto does (the README has the table):

- ``eval: false`` does not run the cell; ``echo: true`` (or ``fenced``, with its
  options) shows its code, which papers otherwise never show;
- ``output: false`` hides what it shows, ``output: asis`` reads printed text as
  Markdown; ``include: false`` runs it and shows nothing at all;
- ``warning: true`` shows its warnings (by default they go to the build's log and
  manifest instead of the paper); ``error: true`` lets it fail and shows the error,
  where otherwise a failing cell fails the report;
- ``label``, ``fig-cap``, ``fig-alt``, ``tbl-cap`` give its figures and tables an id,
  caption and alt text; ``fig-width`` and ``fig-height`` (inches) size its figures.

Any other option is a warning naming the cell and the option.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reportlib.exceptions import ReportlibError

OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
#: Each supported option and the values it takes (a type, or the allowed values).
KNOWN: dict[str, tuple] = {
    "eval": (bool,),
    "echo": (bool, "fenced"),
    "output": (bool, "asis"),
    "include": (bool,),
    "warning": (bool,),
    "error": (bool,),
    "label": (str,),
    "fig-cap": (str,),
    "fig-alt": (str,),
    "tbl-cap": (str,),
    "fig-width": (int, float),
    "fig-height": (int, float),
}
DEFAULTS: dict[str, Any] = {
    "eval": True,
    "echo": False,
    "output": True,
    "include": True,
    "warning": False,
    "error": False,
}


class CellOptionsError(ReportlibError, ValueError):
    """Options that are not valid YAML or not a mapping."""


def option_lines(source: str) -> list[str]:
    """The leading ``#|`` lines of ``source``, as written."""
    lines = []
    for line in source.splitlines():
        if not OPTION_LINE.match(line):
            break
        lines.append(line)
    return lines


def parse(source: str) -> dict[str, Any]:
    """Options from the leading ``#|`` lines of ``source``, over reportlib's defaults."""
    lines = [OPTION_LINE.match(line).group(1) for line in option_lines(source)]
    if not lines:
        return dict(DEFAULTS)
    try:
        found = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        raise CellOptionsError(f"cell options are not valid YAML: {error}") from None
    if not isinstance(found, dict):
        raise CellOptionsError("cell options must be 'key: value' lines")
    for name, value in found.items():
        allowed = KNOWN.get(name)
        if allowed and not _fits(value, allowed):
            shown = " or ".join(a.__name__ if isinstance(a, type) else repr(a) for a in allowed)
            raise CellOptionsError(f"cell option {name!r} is {value!r}; it takes {shown}")
    return {**DEFAULTS, **found}


def _fits(value: Any, allowed: tuple) -> bool:
    for kind in allowed:
        if isinstance(kind, type):
            if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
                return True
        elif value == kind:
            return True
    return False


def unknown(options: dict[str, Any]) -> list[str]:
    """Options the workbook does not support, by name."""
    return sorted(set(options) - set(KNOWN))


def code(source: str, options: dict[str, Any]) -> str:
    """The code an ``echo`` option shows: without its ``#|`` lines unless ``fenced``."""
    if options.get("echo") == "fenced":
        return source.strip("\n")
    return "\n".join(source.splitlines()[len(option_lines(source)) :]).strip("\n")


def figure_size(options: dict[str, Any]) -> tuple[float | None, float | None]:
    """``fig-width`` and ``fig-height`` in inches (None where not given)."""
    return options.get("fig-width"), options.get("fig-height")
