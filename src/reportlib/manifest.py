"""``outputs/<meeting>/manifest.json``: what each report was built from and what came out.

Per report it keeps the parameters used, a content hash of every input and output,
timings, warnings and the error if any, so that a later build can tell from the
manifest alone whether a report's inputs have changed since its last good build.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from reportlib.data import sha256
from reportlib.files import atomic_write

SCHEMA_VERSION = 1
TOOLS = (
    "reportlib",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter-client",
    "pandas",
    "matplotlib",
    "typst",
    "pypandoc-binary",
    "pypdf",
)


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def engines(outputs: list[str], pdf_engine: str) -> dict[str, dict[str, str]]:
    """Per output file: the engine that made it and its version (Typst, pandoc, Quarto)."""
    found = {}
    for name in outputs:
        if name.endswith(".html"):
            found[name] = {"engine": "nbconvert", "nbconvert": _version("nbconvert")}
        elif name.endswith(".pdf") and pdf_engine == "quarto":
            found[name] = {"engine": "quarto", "quarto": quarto_version()}
        elif name.endswith(".pdf"):
            found[name] = {
                "engine": "typst",
                "typst": _version("typst"),
                "pandoc": pandoc_version(),
            }
    return found


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def pandoc_version() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_version()
    except OSError:
        return "not installed"


@functools.cache
def quarto_version() -> str:
    from reportlib.render import quarto

    found = quarto.executable()
    if not found:
        return "not installed"
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def lock_state(root: Path) -> dict[str, Any]:
    """The lock the environment was installed from: the project's, else reportlib's own."""
    from reportlib import lock

    for base in (root, Path(__file__).resolve().parents[2]):
        if all((base / name).is_file() for name in lock.LOCKS):
            return {"files": list(lock.LOCKS), "sha256": lock.file_digest(base)}
    return {"files": [], "sha256": None}


def git_state(root: Path) -> dict[str, Any]:
    """The checked-out commit and whether tracked files differ from it (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def canonical_hash(value: Any) -> str:
    """Hash of a JSON-able value that ignores key order and formatting."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return sha256(text.encode("utf-8"))


def file_hash(path: Path) -> str:
    return sha256(path.read_bytes())


def read(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, or an empty one if there is none or it is unreadable."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if found.get("schema_version") == SCHEMA_VERSION else {}


def write(path: Path, meeting: str, root: Path, reports: dict[str, dict[str, Any]]) -> dict:
    """Merge ``reports`` into the existing manifest (reports not built keep their entries)."""
    previous = read(path).get("reports", {})
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "meeting": meeting,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git_state(root),
        "tools": tool_versions(),
        "lock": lock_state(root),
        "reports": dict(sorted({**previous, **reports}.items())),
    }
    atomic_write(path, json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
    return manifest
