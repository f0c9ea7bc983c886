"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reportlib.paths import Project

REPO = Path(__file__).parent.parent


def run_cli(
    project: Project, *args: str, path: str | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """Run ``reportlib ARGS`` in the project, as the Makefile does (``path``: its PATH)."""
    env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "reportlib.cli", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kwargs,
    )


def params_errors(project: Project, text: str) -> str:
    """The message of the :class:`ParamsError` that ``text`` as the params file raises."""
    import pytest

    from reportlib.exceptions import ParamsError
    from reportlib.params import load_meeting

    write_params(project, text)
    with pytest.raises(ParamsError) as caught:
        load_meeting(project, "2020-12")
    return str(caught.value)


def write_params(project: Project, text: str, meeting: str = "2020-12") -> Path:
    path = project.params_file(meeting)
    path.write_text(text, encoding="utf-8")
    return path


BASE_PARAMS = """\
meeting:
  id: "2020-12"
  board: Improvement and Innovation Board
  date: 2020-12-17
  time: "11:00"
  venue: Online via Zoom
reports:
"""


def commit_all(root: Path, message: str = "meeting inputs") -> str:
    """Commit everything in ``root`` (a git repository from the first call); return HEAD."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    if not (root / ".git").exists():
        git("init", "-q")
        (root / ".gitignore").write_text("outputs/\nconfidential/\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "--allow-empty", "-m", message)
    return git("rev-parse", "HEAD")
