"""Keep source notebooks free of outputs: ``python -m reportlib.strip [--check] NOTEBOOK...``.

Outputs belong in ``outputs/``; in ``notebooks/`` they would put data and volatile
numbers into version control. ``--check`` only reports (for pre-commit and the tests).
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
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
