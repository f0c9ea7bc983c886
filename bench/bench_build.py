"""Time a whole build and each stage; print the figures (no pass/fail).

    .venv/bin/python bench/bench_build.py [MEETING] [--jobs N] [--repeat N]

Builds a copy of the project in a temporary folder, so ``outputs/`` is untouched.
Reports: start-up (importing the build), wall time per build, each report's stages,
the pack's (assembled again on the built outputs), and peak memory of this process
and of its kernels.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import reportlib.build; "
        "print(time.perf_counter() - t)"
    )
    return float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("meeting", nargs="?", default="2020-12")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", action="append", dest="formats")
    args = parser.parse_args()

    print(f"import reportlib.build: {import_seconds():.2f} s (fresh interpreter)")
    from reportlib.build import build
    from reportlib.pack import assemble
    from reportlib.params import load_meeting
    from reportlib.paths import Project
    from reportlib.progress import Progress

    walls, stages = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(
            ROOT,
            root,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "outputs", "__pycache__", "*.egg-info", ".*_cache"
            ),
        )
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = build(
                Project(root),
                args.meeting,
                jobs=args.jobs,
                formats=args.formats,
                progress=Progress(io.StringIO(), tty=False),
            )
            walls.append(time.perf_counter() - started)
            for job in result.jobs:
                for stage, seconds in job.stages.items():
                    stages.setdefault((job.name, stage), []).append(seconds)
            if not result.ok:
                print("build failed:", *[str(j.error) for j in result.failed], sep="\n  ")
                return
        # The pack stage alone, again on the built outputs (a build runs it after the papers).
        config = load_meeting(Project(root), args.meeting)
        if config.params.agenda is not None and "pdf" in (args.formats or ("pdf",)):
            for _ in range(args.repeat):
                started = time.perf_counter()
                assemble(config, Project(root).output_dir(args.meeting))
                stages.setdefault(("pack", "assemble"), []).append(time.perf_counter() - started)
    print(
        f"whole build, {args.repeat} runs: median {statistics.median(walls):.2f} s, "
        f"min {min(walls):.2f} s, max {max(walls):.2f} s"
    )
    print(f"{'report':<20} {'stage':<10} {'median s':>9}")
    for (name, stage), values in sorted(stages.items()):
        print(f"{name:<20} {stage:<10} {statistics.median(values):>9.2f}")
    total = sum(statistics.median(v) for v in stages.values())
    print(
        f"sum of stages {total:.2f} s vs median wall {statistics.median(walls):.2f} s "
        "(stages overlap when reports run side by side)"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: build process {own:.0f} MiB, largest kernel {kids:.0f} MiB")


if __name__ == "__main__":
    main()
