"""The same meeting built from two folders, users, time zones, locales and times gives
the same papers and pack, byte for byte."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_params
from packed import COMPLETE_PARAMS, leaflet_pdf, make_agenda_project

pytestmark = pytest.mark.slow

SETTINGS = [
    {"TZ": "Europe/London", "LANG": "en_GB.UTF-8", "LC_ALL": "en_GB.UTF-8"},
    {"TZ": "Pacific/Auckland", "LANG": "C", "LC_ALL": "C"},
]


def _build(base: Path, settings: dict[str, str], leaflet: bytes) -> Path:
    project = make_agenda_project(base / "somewhere" / "project")
    write_params(project, COMPLETE_PARAMS)
    # the same input document in both (the fixture's maker gives each PDF a new /ID)
    (project.data_dir("2020-12") / "supplied" / "leaflet.pdf").write_bytes(leaflet)
    for folder in ("home", "tmp"):
        (base / folder).mkdir()
    keep = ("PATH", "REPORTLIB_CHROMIUM")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(settings, HOME=str(base / "home"), TMPDIR=str(base / "tmp"), USER=base.name)
    done = subprocess.run(
        [sys.executable, "-m", "reportlib.cli", "build", "2020-12", "--engine", "typst"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return project.output_dir("2020-12")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    first, second = (tmp_path_factory.mktemp(name) for name in ("alice", "bob-two"))
    leaflet = leaflet_pdf()
    return _build(first, SETTINGS[0], leaflet), _build(second, SETTINGS[1], leaflet)


def test_papers_and_pack_are_the_same_bytes(builds):
    one, two = builds
    names = sorted(p.name for p in one.iterdir() if p.suffix in (".html", ".pdf"))
    names.remove("index.html")  # the review page: compared below
    assert "pack.pdf" in names and len(names) > 6, names
    differ = [n for n in names if (one / n).read_bytes() != (two / n).read_bytes()]
    assert differ == [], f"these differ between the two builds: {differ}"


def test_pack_record_and_manifest_differ_only_in_build_times(builds):
    one, two = builds
    for name in ("pack.json", "manifest.json"):
        a, b = (json.loads((out / name).read_text()) for out in (one, two))
        for found in (a, b):
            found.pop("finished", None)
            found.pop("manifest_finished", None)
            # the pack's record and each entry's seal hash the executed notebooks too
            found.pop("pack", None)
            for entry in found.get("reports", {}).values():
                entry.pop("seconds", None)
                entry.pop("built", None)  # when the report was built
                entry.pop("seal", None)
                # the executed notebooks hold Papermill's timings; they are not published
                outputs = entry.get("outputs", {})
                entry["outputs"] = {
                    k: v for k, v in outputs.items() if k.endswith((".html", ".pdf"))
                }
        assert a == b, name


def test_review_page_differs_only_in_build_times(builds):
    one, two = ((out / "index.html").read_text().splitlines() for out in builds)
    assert len(one) == len(two)
    differ = [(a, b) for a, b in zip(one, two, strict=True) if a != b]
    assert all("Build time" in a or "Built " in a for a, _ in differ), differ


def test_no_output_names_the_folder_user_or_temporary_files(builds):
    # published files and records; the executed notebooks keep Papermill's own paths
    for out in builds:
        base = out.parents[3]
        for path in out.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".pdf", ".json"):
                data = path.read_bytes()
                for leak in (str(base), base.name, "/tmp/", "pytest-of"):
                    assert leak.encode() not in data, f"{path.name} holds {leak}"
