"""Time the build against its targets; print the figures (no pass/fail, no timed test).

    .venv/bin/python bench/bench_build.py [MEETING] [--repeat N] [--paper REPORT]

In a copy of the project (``outputs/`` is untouched), each as a whole process, the way
an analyst runs it:

- clean: ``reportlib build MEETING`` with no outputs;
- no-op: the same again, nothing changed;
- one paper: after one sentence of one paper's words changed (``--paper``; default the
  first report with a words file);
- naive: the per-notebook pipeline of ``bench/naive.py`` (papermill, nbconvert, pandoc
  and Typst, one process per step);
- floor: ``bench/floor.py``, the notebooks' code run once in one process.

It prints each median, the ratios against the targets (no-op <= 0.5 s; one paper <= 35%
of clean; clean <= 0.35x naive and <= 3x floor) and each run's peak memory (the
process and its kernels together, sampled).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TARGETS = (  # name, what is compared, limit
    ("no-op rebuild", "no-op", None, 0.5),
    ("one paper / clean", "one paper", "clean", 0.35),
    ("clean / naive", "clean", "naive", 0.35),
    ("clean / floor", "clean", "floor", 3.0),
)


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB, the process tree's sum) and stderr of ``command``."""
    env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    errors = process.stderr.read()
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[-3000:]}")
    return seconds, peak / 2**20, errors


def words_file(root: Path, meeting: str, paper: str | None) -> Path:
    folder = root / "data" / meeting / "narrative"
    found = sorted(folder.glob("*.md")) if folder.is_dir() else []
    chosen = [p for p in found if paper is None or p.stem == paper]
    if not chosen:
        raise SystemExit(f"no words file for {paper or 'any report'} in {folder}")
    return chosen[0]


def sentence_editor(path: Path) -> Callable[[], None]:
    """A function that changes one sentence of the words' body, a different way each call."""
    original = path.read_text(encoding="utf-8")
    body = original.index("\n---\n", 4) + 5  # after the front sheet
    match = re.compile(r"[A-Za-z][^.\n{}]{20,}\.").search(original, body)
    if match is None:
        raise SystemExit(f"{path}: found no plain sentence to change")
    calls = [0]

    def edit() -> None:
        calls[0] += 1
        changed = match.group(0)[:-1] + f" (draft {calls[0]})."
        path.write_text(original[: match.start()] + changed + original[match.end() :], "utf-8")

    return edit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("meeting", nargs="?", default="2020-12")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paper", help="the report whose words change (default: the first)")
    args = parser.parse_args()
    python = sys.executable
    build = [python, "-m", "reportlib.cli", "build", args.meeting]

    for module in ("reportlib.cli", "reportlib.build"):
        code = (
            f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        )
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
        print(f"import {module}: {float(done.stdout):.2f} s (fresh interpreter)")

    runs: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(
            ROOT,
            root,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "outputs", "__pycache__", "*.egg-info", ".*_cache"
            ),
        )
        out = root / "outputs" / args.meeting
        words = words_file(root, args.meeting, args.paper)
        print(f"one paper: a sentence of {words.relative_to(root)} changes before each run")
        edit = sentence_editor(words)

        def measure(name: str, command: list[str], before: Callable[[], None] | None = None):
            for _ in range(args.repeat):
                if before:
                    before()
                seconds, peak, errors = timed(command, root)
                runs.setdefault(name, []).append((seconds, peak))
                print(f"  {name}: {seconds:.2f} s, {peak:.0f} MiB", flush=True)
                if name == "one paper" and "built 1 reports" not in errors:
                    print(f"    expected one paper rebuilt; the build said: {errors[-300:]}")

        measure("clean", build, lambda: shutil.rmtree(out, ignore_errors=True))
        measure("no-op", build)
        measure("one paper", build, edit)
        naive_out = Path(tmp) / "naive"
        naive = [python, str(ROOT / "bench" / "naive.py"), str(root), args.meeting, str(naive_out)]
        measure("naive", naive, lambda: shutil.rmtree(naive_out, ignore_errors=True))
        measure("floor", [python, str(ROOT / "bench" / "floor.py"), str(root), args.meeting])

    medians = {name: statistics.median(s for s, _ in found) for name, found in runs.items()}
    print(f"\n{'run':<12} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
    for name, found in runs.items():
        low, high = min(s for s, _ in found), max(s for s, _ in found)
        peak = max(m for _, m in found)
        print(f"{name:<12} {medians[name]:>9.2f} {low:>7.2f} {high:>7.2f} {peak:>9.0f}")
    print(f"\n{'target':<20} {'value':>8} {'limit':>7}")
    for label, name, against, limit in TARGETS:
        value = medians[name] / medians[against] if against else medians[name]
        verdict = "meets" if value <= limit else "misses"
        unit = "x" if against else " s"
        print(f"{label:<20} {value:>7.2f}{unit} {limit:>6.2f}{unit}  {verdict}")


if __name__ == "__main__":
    main()
