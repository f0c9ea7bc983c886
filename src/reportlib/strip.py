"""Keep source notebooks free of outputs: ``python -m reportlib.strip [--check] NOTEBOOK...``.

Outputs belong in ``outputs/``; in ``notebooks/`` they would put data and volatile
numbers into version control. ``--check`` only reports (for pre-commit and the tests).
``--filter`` reads a notebook on stdin and writes it stripped to stdout: the git clean
filter that ``make`` configures for ``notebooks/*.ipynb`` (see ``.gitattributes``), so
whatever JupyterLab saves, git stores the notebook without outputs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def has_outputs(nb: dict) -> bool:
    return any(
        c.get("outputs") or c.get("execution_count")
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code"
    )


def strip(nb: dict) -> dict:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("papermill", None)
    return nb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reportlib.strip", description=__doc__)
    parser.add_argument("--check", action="store_true", help="report, do not change files")
    parser.add_argument("--filter", action="store_true", help="stdin to stdout (git filter)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.filter:
        return _filter()
    if not args.notebooks:
        parser.error("name the notebooks (or use --filter)")
    dirty = []
    for path in args.notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if has_outputs(nb):
            dirty.append(path)
            if not args.check:
                text = json.dumps(strip(nb), indent=1, ensure_ascii=False) + "\n"
                path.write_text(text, encoding="utf-8")
    for path in dirty:
        print(f"{path}: {'has outputs' if args.check else 'outputs removed'}", file=sys.stderr)
    return 1 if dirty and args.check else 0


def _filter() -> int:
    """Pass a clean notebook through byte for byte; strip one with outputs."""
    raw = sys.stdin.buffer.read()
    try:
        nb = json.loads(raw)
    except ValueError:
        sys.stdout.buffer.write(raw)  # not JSON (e.g. a merge in progress): leave it to git
        return 0
    if has_outputs(nb) or _has_run_metadata(nb):
        raw = (json.dumps(strip(nb), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    sys.stdout.buffer.write(raw)
    return 0


def _has_run_metadata(nb: dict) -> bool:
    cells = nb.get("cells", [])
    return "papermill" in nb.get("metadata", {}) or any(
        "papermill" in c.get("metadata", {}) or "execution" in c.get("metadata", {}) for c in cells
    )


if __name__ == "__main__":
    sys.exit(main())
