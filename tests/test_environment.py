"""The project's set-up files agree with each other and with the README."""

import re
import tomllib

import yaml

from helpers import REPO

# conda-forge names for packages whose PyPI name differs
CONDA_NAMES = {
    "matplotlib": "matplotlib-base",
    "nbconvert": "nbconvert-core",
    "jupyter-client": "jupyter_client",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def test_environment_yml_lists_every_pyproject_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {
        _name(r): r for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    }
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d): d for d in conda + pip if not d.startswith("-e")}
    for name, requirement in wanted.items():
        entry = listed.get(CONDA_NAMES.get(name, name)) or listed.get(name)
        assert entry, f"environment.yml lacks {name} (pyproject.toml: {requirement})"
        bound = re.search(r">=\s*([\w.]+)", requirement)
        if bound:
            assert f">={bound.group(1)}" in entry, f"{entry} should say >={bound.group(1)}"
    extra = set(listed) - {CONDA_NAMES.get(n, n) for n in wanted} - set(wanted) - {"python", "pip"}
    assert not extra, f"environment.yml has packages pyproject.toml lacks: {sorted(extra)}"


def test_environment_yml_bounds_admit_the_locked_versions():
    # a conda environment built from it can hold the versions the lock pins
    from packaging.specifiers import SpecifierSet

    from reportlib.lock import pins

    locked = pins((REPO / "requirements" / "dev.txt").read_text())
    conda_to_pypi = {v: k for k, v in CONDA_NAMES.items()}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    entries = [d for d in env["dependencies"] if isinstance(d, str)] + pip
    checked = 0
    for entry in entries:
        name = _name(entry)
        versions = locked.get(conda_to_pypi.get(name, name).replace("_", "-"))
        if entry.startswith("-e") or name in ("python", "pip"):
            continue
        assert versions, f"environment.yml lists {name}, which requirements/dev.txt does not pin"
        spec = SpecifierSet(entry[len(name) :].strip())
        for version in versions:
            assert spec.contains(version), f"environment.yml's {entry} excludes locked {version}"
        checked += 1
    assert checked > 10


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).split("\n")
    assert first_block[:2] == ["make report MEETING=2020-12", "make test"]
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == "make test"


def test_nbconvert_is_new_enough():
    # Earlier releases read arbitrary files through image references when embedding images.
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "nbconvert>=7.17.1" in project["dependencies"]


# reportlib.environment: the git state is worked out once per build.


def test_a_build_pins_the_git_state_it_started_from(tmp_path):
    from reportlib import environment

    from helpers import commit_all

    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    first = commit_all(tmp_path, "first")
    with environment.pinned(tmp_path) as state:
        assert state["commit"] == first
        (tmp_path / "b.txt").write_text("b", encoding="utf-8")
        commit_all(tmp_path, "second")  # a commit during the build
        assert environment.git_state(tmp_path)["commit"] == first
    assert environment.git_state(tmp_path)["commit"] != first


def test_outside_git_there_is_no_commit(tmp_path):
    from reportlib import environment

    assert environment.git_state(tmp_path) == {"commit": None, "dirty": None}
    assert environment.git(tmp_path, "rev-parse", "HEAD") is None
