"""What a build ran in: tool versions, PDF engines, the lock, and the git commit.

Git is asked through :func:`git` alone. A build works out the commit once
(:func:`pinned`): inside it every :func:`git_state` of that project, the papers' XMP
and the pack's included, returns the state the build started from, so one build
never names two commits.
"""

from __future__ import annotations

import contextlib
import functools
import platform
import shutil
import subprocess
import threading
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

#: The packages whose versions the manifest records.
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
#: The renderers whose versions every output depends on (part of each build key).
RENDERERS = ("nbconvert", "typst", "pypandoc-binary", "pypdf")

_pinned: dict[Path, dict[str, Any]] = {}
_pin_lock = threading.Lock()


def version(package: str) -> str:
    """The installed version of ``package``, or ``"not installed"``."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def tool_versions() -> dict[str, str]:
    """Python's version and each of :data:`TOOLS`'."""
    return {"python": platform.python_version(), **{name: version(name) for name in TOOLS}}


def renderer_versions(engine: str) -> dict[str, str]:
    """The versions of what renders the outputs with PDF ``engine``."""
    found = {name: version(name) for name in RENDERERS}
    if engine == "quarto":
        found["quarto"] = quarto_version()
    return found


def engines(outputs: list[str], pdf_engine: str) -> dict[str, dict[str, str]]:
    """Per output file: the engine that made it and its version (Typst, pandoc, Quarto)."""
    found = {}
    for name in outputs:
        if name.endswith(".html"):
            found[name] = {"engine": "nbconvert", "nbconvert": version("nbconvert")}
        elif name.endswith(".pdf") and pdf_engine == "quarto":
            found[name] = {"engine": "quarto", "quarto": quarto_version()}
        elif name.endswith(".pdf"):
            found[name] = {"engine": "typst", "typst": version("typst"), "pandoc": pandoc_version()}
    return found


@functools.cache
def pandoc_version() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_version()
    except OSError:
        return "not installed"


@functools.cache
def quarto_version() -> str:
    found = shutil.which("quarto")  # as reportlib.render.quarto finds it
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


def git(root: Path, *args: str, timeout: float = 30) -> str | None:
    """``git ARGS`` in ``root``: its output, or None outside git or when it fails."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=timeout, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def git_exit(root: Path, *args: str, timeout: float = 10) -> int | None:
    """The exit status of ``git ARGS`` in ``root`` (for a question git answers by it),
    or None when git cannot be run."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.returncode


def git_state(root: Path) -> dict[str, Any]:
    """The checked-out commit and whether tracked files differ from it (None outside git).

    Inside :func:`pinned` for ``root``, the state worked out when it began.
    """
    with _pin_lock:
        held = _pinned.get(Path(root).resolve())
    if held is not None:
        return dict(held)
    commit = (git(root, "rev-parse", "HEAD") or "").strip() or None
    status = git(root, "status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status.strip())}


@contextlib.contextmanager
def pinned(root: Path) -> Iterator[dict[str, Any]]:
    """Work out ``root``'s git state once and hold it for everything inside (one build)."""
    key = Path(root).resolve()
    state = git_state(root)
    with _pin_lock:
        outer = _pinned.get(key)
        _pinned[key] = state
    try:
        yield dict(state)
    finally:
        with _pin_lock:
            if outer is None:
                _pinned.pop(key, None)
            else:
                _pinned[key] = outer
