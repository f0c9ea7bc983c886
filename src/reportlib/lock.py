"""The locked environment: ``requirements/*.txt`` pin every package, with hashes.

``make lock`` resolves them from ``pyproject.toml`` with uv and then stamps each with a
line recording a hash of pyproject's dependency lists and of the lock's own body, so
that ``make`` can tell, before installing anything, a lock that is missing, one made
from other dependencies, and one edited by hand. Standard library only: ``make`` runs
this file with the system's Python before the environment exists
(``python3 src/reportlib/lock.py check|stamp``).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

#: Each lock file and the extras of pyproject.toml it holds besides the dependencies.
LOCKS = {"requirements/runtime.txt": (), "requirements/dev.txt": ("dev",)}
STAMP = "# reportlib-lock:"
_STAMP = re.compile(r"# reportlib-lock: pyproject-sha256=(\w+) body-sha256=(\w+)\n")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)
REGENERATE = "run 'make lock' to make it again from pyproject.toml, and commit the result"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dependency_digest(pyproject: str) -> str:
    """A hash of everything in ``pyproject.toml`` that decides what the lock holds."""
    data = tomllib.loads(pyproject)
    project = data.get("project", {})
    wanted = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-system": data.get("build-system", {}).get("requires", []),
    }
    return _sha256(json.dumps(wanted, sort_keys=True))


def body(lock: str) -> str:
    """The lock without its stamp line: what uv wrote."""
    return _STAMP.sub("", lock, count=1)


def stamped(lock: str, pyproject: str) -> str:
    """``lock`` with a stamp line for ``pyproject``, after uv's header."""
    text = body(lock)
    line = f"{STAMP} pyproject-sha256={dependency_digest(pyproject)} body-sha256={_sha256(text)}\n"
    header = re.match(r"(?:#[^\n]*\n)*", text).end()
    return text[:header] + line + text[header:]


def pins(lock: str) -> dict[str, list[str]]:
    """Package name (normalised) -> its pinned versions (one per Python-version marker)."""
    found: dict[str, list[str]] = {}
    for match in _PIN.finditer(lock):
        found.setdefault(re.sub(r"[-_.]+", "-", match[1]).lower(), []).append(match[2])
    return found


def file_digest(root: Path) -> str:
    """A hash of every lock file, for the manifest."""
    parts = [(name, (root / name).read_bytes()) for name in LOCKS if (root / name).is_file()]
    return hashlib.sha256(b"".join(n.encode() + b"\0" + data for n, data in parts)).hexdigest()


def problems(root: Path) -> list[str]:
    """What is wrong with the lock files in ``root`` (empty when they match pyproject.toml)."""
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    found = []
    for name in LOCKS:
        path = root / name
        if not path.is_file():
            found.append(f"{name} is missing: {REGENERATE}")
            continue
        text = path.read_text(encoding="utf-8")
        stamp = _STAMP.search(text)
        if stamp is None:
            found.append(f"{name} has no '{STAMP}' line, so 'make lock' did not make it")
        elif stamp[1] != dependency_digest(pyproject):
            found.append(f"{name} was made from other dependencies than pyproject.toml lists now")
        elif stamp[2] != _sha256(body(text)):
            found.append(f"{name} was edited by hand since 'make lock' made it")
    return [f if f.endswith(REGENERATE) else f"{f}: {REGENERATE}" for f in found]


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    if argv == ["check"]:
        found = problems(root)
        for problem in found:
            print(f"make: {problem}", file=sys.stderr)
        if found:
            print("make: nothing was installed (the lock decides every version)", file=sys.stderr)
        return 1 if found else 0
    if argv == ["stamp"]:
        pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
        for name in LOCKS:
            path = root / name
            path.write_text(stamped(path.read_text(encoding="utf-8"), pyproject), encoding="utf-8")
        return 0
    print("usage: python3 src/reportlib/lock.py check|stamp", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
