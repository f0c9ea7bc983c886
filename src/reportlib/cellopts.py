"""Quarto's cell options: ``#| key: value`` lines at the top of a code cell.

reportlib honours ``echo``, ``output``, ``include``, ``warning``, ``fig-cap``,
``fig-alt``, ``label`` and ``tbl-cap``. Papers never show code, so ``echo`` is
accepted but code stays hidden; ``warning`` defaults to false (warnings go to the
build's log and manifest instead of the paper).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
KNOWN = {
    "echo",
    "output",
    "include",
    "warning",
    "fig-cap",
    "fig-alt",
    "label",
    "tbl-cap",
    "eval",
    "error",
}
DEFAULTS: dict[str, Any] = {"echo": False, "output": True, "include": True, "warning": False}


class CellOptionsError(ValueError):
    """Options that are not valid YAML or not a mapping."""


def parse(source: str) -> dict[str, Any]:
    """Options from the leading ``#|`` lines of ``source``, over reportlib's defaults."""
    lines = []
    for line in source.splitlines():
        match = OPTION_LINE.match(line)
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return dict(DEFAULTS)
    try:
        found = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        raise CellOptionsError(f"cell options are not valid YAML: {error}") from None
    if not isinstance(found, dict):
        raise CellOptionsError("cell options must be 'key: value' lines")
    return {**DEFAULTS, **found}


def unknown(options: dict[str, Any]) -> list[str]:
    return sorted(set(options) - KNOWN)
