"""Shared fixtures: a copy of the fixture project per test, and ways to run the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportlib.paths import Project

FIXTURE = Path(__file__).parent / "fixtures" / "project"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of ``tests/fixtures/project``."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    return Project(root)
