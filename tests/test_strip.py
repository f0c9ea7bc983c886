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
