import json

from reportlib.strip import has_outputs, main

from helpers import REPO


def test_source_notebooks_are_stored_without_outputs():
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(
        (REPO / "tests" / "fixtures" / "project" / "notebooks").glob("*.ipynb")
    )
    assert notebooks, "no notebooks found"
    dirty = [str(p) for p in notebooks if has_outputs(json.loads(p.read_text()))]
    assert not dirty, f"strip them with python -m reportlib.strip: {dirty}"


def test_strip_removes_outputs_and_check_reports_them(tmp_path):
    path = tmp_path / "x.ipynb"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "1",
                "metadata": {"papermill": {}},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
                "execution_count": 1,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    assert main(["--check", str(path)]) == 1
    assert main([str(path)]) == 0
    assert main(["--check", str(path)]) == 0
    cell = json.loads(path.read_text())["cells"][0]
    assert cell["outputs"] == [] and cell["execution_count"] is None and cell["metadata"] == {}


def test_the_git_filter_strips_a_saved_notebook_and_passes_a_clean_one_unchanged():
    import subprocess
    import sys

    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "1",
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
                "execution_count": 3,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }

    def run(raw: bytes) -> bytes:
        cmd = [sys.executable, "-m", "reportlib.strip", "--filter"]
        return subprocess.run(cmd, input=raw, capture_output=True, check=True).stdout

    stripped = run(json.dumps(nb).encode())
    assert not has_outputs(json.loads(stripped))
    clean = (REPO / "notebooks" / "budget.ipynb").read_bytes()
    assert run(clean) == clean  # byte for byte: git sees no change in a clean notebook


def test_git_applies_the_filter_to_notebooks():
    attributes = (REPO / ".gitattributes").read_text()
    assert "notebooks/*.ipynb filter=notebooks" in attributes
    makefile = (REPO / "Makefile").read_text()
    assert 'filter.notebooks.clean "$(BIN)/python -m reportlib.strip --filter"' in makefile
