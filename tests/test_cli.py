import os
import signal
import subprocess
import sys
import time

import psutil

from helpers import BASE_PARAMS, run_cli, write_params


def test_help_lists_the_commands(project):
    done = run_cli(project, "--help")
    assert done.returncode == 0
    for command in ("build", "list", "check"):
        assert command in done.stdout
    assert "--jobs" in run_cli(project, "build", "--help").stdout


def test_list(project):
    done = run_cli(project, "list")
    assert "2020-12  Improvement and Innovation Board, 17 December 2020" in done.stdout
    assert "greets" in done.stdout and "A greeting" in done.stdout


def test_check_validates_without_running(project):
    done = run_cli(project, "check", "2020-12")
    assert done.returncode == 0, done.stderr
    assert "parameters, data and words are valid" in done.stdout
    assert not project.output_dir("2020-12").exists()


def test_errors_are_messages_not_tracebacks(project):
    done = run_cli(project, "build", "../etc")
    assert done.returncode == 1
    assert done.stderr.startswith("error: '../etc' is not a meeting id")
    assert "Traceback" not in done.stderr


def test_failed_report_exits_non_zero_after_building_the_rest(project):
    write_params(project, BASE_PARAMS + "  greets:\n    title: G\n  raises_error:\n    title: B\n")
    done = run_cli(project, "build", "2020-12")
    assert done.returncode == 1
    assert "1 of 2 reports failed" in done.stderr
    assert (
        "raises_error: notebooks/raises_error.ipynb, cell 3 ('# compute the ratio'): "
        "ZeroDivisionError: division by zero"
    ) in done.stderr
    assert "outputs/2020-12/raises_error.failed.ipynb" in done.stderr
    assert (project.output_dir("2020-12") / "greets.ipynb").exists()


def test_progress_off_a_terminal_is_plain_log_lines(project):
    done = run_cli(project, "build", "2020-12", "--report", "greets")
    assert done.returncode == 0, done.stderr
    assert " INFO [1/1] greets: execute started" in done.stderr
    # A meeting without an agenda has no review page: the last line says where to look.
    assert done.stderr.endswith(
        "1 built, 0 warnings (0 accepted) \u2192 check the papers in outputs/2020-12/, "
        'then publish: make publish MEETING=2020-12 BY="Your Name"\n'
    )


def test_interrupt_stops_kernels_and_leaves_outputs(project, tmp_path):
    pid_file = tmp_path / "kernel.pid"
    write_params(
        project,
        BASE_PARAMS + f"  sleeps:\n    title: S\n    parameters:\n"
        f"      pid_file: {str(pid_file)!r}\n",
    )
    env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportlib.cli", "build", "2020-12"],
        cwd=project.root,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    kernel = int(pid_file.read_text())
    proc.send_signal(signal.SIGINT)
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    psutil.wait_procs([psutil.Process(kernel)] if psutil.pid_exists(kernel) else [], timeout=5)
    assert not psutil.pid_exists(kernel) or psutil.Process(kernel).status() == "zombie"
    out = project.output_dir("2020-12")
    assert not (out / "sleeps.ipynb").exists() and not (out / "sleeps.failed.ipynb").exists()
    assert not (out / ".staging").exists()


#: What only running or rendering a notebook needs: never loaded to answer --help, list
#: or a build with nothing to do. The IRI grammar (rfc3987_syntax) is loaded on first use.
HEAVY = ("papermill", "nbconvert", "nbclient", "jupyter_client", "rfc3987_syntax.syntax_helpers")
_LOADED = """\
import sys
from reportlib.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def loaded(project, *args: str) -> list[str]:
    """The heavy modules a fresh interpreter loaded to run ``reportlib ARGS``."""
    env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
    done = subprocess.run(
        [sys.executable, "-c", _LOADED.format(heavy=HEAVY), *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return [m for m in done.stderr.splitlines()[-1].split(",") if m]


def test_help_list_and_a_build_with_nothing_to_do_load_no_jupyter(project):
    assert loaded(project, "--help") == []
    assert loaded(project, "build", "--help") == []
    assert loaded(project, "list") == []
    assert "papermill" in loaded(project, "build", "2020-12", "--report", "greets")
    assert loaded(project, "build", "2020-12", "--report", "greets") == []


def test_the_iri_format_is_still_checked_once_it_is_used():
    from jsonschema import Draft7Validator

    import reportlib  # noqa: F401  (installs the stand-in)

    checker = Draft7Validator.FORMAT_CHECKER
    assert not checker.conforms("http://exa mple.org/", "iri")
    assert checker.conforms("https://example.org/café", "iri")


def _commands() -> dict:
    """The parser's commands and each one's long options."""
    import argparse

    from reportlib.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {
        name: {o for a in p._actions for o in a.option_strings if o.startswith("--")} - {"--help"}
        for name, p in sub.choices.items()
    }


def test_the_readme_lists_every_command_with_every_option():
    import re

    from helpers import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = {m[1]: m[2] for m in re.finditer(r"^- `reportlib (\w+)([^`]*)`", readme, re.M)}
    commands = _commands()
    assert set(listed) == set(commands)
    for name, options in commands.items():
        assert set(re.findall(r"--[\w-]+", listed[name])) == options, name


def test_the_makefile_help_names_every_target_that_runs_a_command():
    import re

    from helpers import REPO

    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    helped = set(re.findall(r'^\t@echo "make (\w+)', makefile, re.M))
    phony = set(re.search(r"^\.PHONY: (.*)$", makefile, re.M)[1].split())
    runs = dict(
        re.findall(r"^(\w+):[^\n]*\n(?:\t[^\n]*\n)*?\t\$\(BIN\)/reportlib (\w+)", makefile, re.M)
    )
    assert runs and helped <= phony
    assert set(runs) <= helped, set(runs) - helped
    assert set(runs.values()) <= set(_commands())
