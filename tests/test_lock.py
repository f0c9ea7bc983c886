"""The lock files match pyproject.toml, and ``make`` refuses one that does not."""

import shutil
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement

from reportlib import lock

from helpers import REPO


def _requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(r) for r in wanted]


def test_the_committed_locks_match_pyproject():
    assert lock.problems(REPO) == []


@pytest.mark.parametrize(("name", "extras"), lock.LOCKS.items())
def test_every_direct_dependency_is_pinned_within_its_specifier(name, extras):
    pinned = lock.pins((REPO / name).read_text())
    for extra in (None, *extras):
        for requirement in _requirements(extra):
            key = lock.pins(f"{requirement.name}==0")  # the lock's normalised name
            versions = pinned.get(next(iter(key)))
            assert versions, f"{name} does not pin {requirement.name}: run make lock"
            for version in versions:
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"{name} pins {requirement.name}=={version}, outside {requirement}"
                )


def test_every_pin_has_a_hash_and_dev_agrees_with_runtime():
    runtime = lock.pins((REPO / "requirements/runtime.txt").read_text())
    dev = lock.pins((REPO / "requirements/dev.txt").read_text())
    for name, versions in runtime.items():
        assert dev.get(name) == versions, f"dev.txt pins {name} {dev.get(name)}, runtime {versions}"
    for path in lock.LOCKS:
        text = (REPO / path).read_text()
        entries = [e for e in text.split("\n") if "==" in e and not e.startswith("#")]
        assert all(e.endswith("\\") for e in entries), f"{path}: a pin without a hash"


def _copy(tmp_path):
    (tmp_path / "requirements").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    for name in lock.LOCKS:
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def test_a_missing_lock_is_named(tmp_path):
    root = _copy(tmp_path)
    (root / "requirements/dev.txt").unlink()
    assert lock.problems(root) == [f"requirements/dev.txt is missing: {lock.REGENERATE}"]


def test_a_hand_edited_lock_is_named(tmp_path):
    root = _copy(tmp_path)
    path = root / "requirements/runtime.txt"
    text = path.read_text()
    pinned = lock.pins(text)["pyyaml"][0]
    path.write_text(text.replace(f"pyyaml=={pinned}", "pyyaml==5.4"))
    (found,) = lock.problems(root)
    assert found.startswith("requirements/runtime.txt was edited by hand")
    assert "make lock" in found


def test_a_lock_made_from_other_dependencies_is_named(tmp_path):
    root = _copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pyyaml>=6.0"', '"pyyaml>=6.1"'))
    found = lock.problems(root)
    assert len(found) == 2 and all("other dependencies" in f for f in found)
    # other edits to pyproject.toml (a version, a tool's settings) keep the lock valid
    root2 = _copy(tmp_path / "other")
    pyproject = root2 / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 100", "line-length = 99"))
    assert lock.problems(root2) == []


def test_stamping_is_idempotent():
    pyproject = (REPO / "pyproject.toml").read_text()
    text = (REPO / "requirements/dev.txt").read_text()
    assert lock.stamped(text, pyproject) == text


def test_make_stops_before_installing_from_a_bad_lock(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = tmp_path / "project"
    shutil.copytree(REPO / "src" / "reportlib", root / "src" / "reportlib")
    shutil.copy(REPO / "Makefile", root)
    _copy(root)
    (root / "requirements/runtime.txt").unlink()
    done = subprocess.run(
        ["make", "venv", "VENV=never"], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "requirements/runtime.txt is missing" in done.stderr
    assert "make lock" in done.stderr
    assert not (root / "never").exists()
