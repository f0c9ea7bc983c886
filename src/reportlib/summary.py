"""What a build says at its end, on the terminal: failures, counts, the next step.

Every line is made from the :class:`~reportlib.build.BuildResult` alone: its jobs'
failures and its sign-off verdict, with their warnings as the build recorded them.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from reportlib.paths import failed_name

if TYPE_CHECKING:
    from reportlib.build import BuildResult

#: The command's exit status: failed, wrong usage, interrupted (as a shell's Ctrl-C).
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def show(result: BuildResult, *, strict: bool = False) -> int:
    """Print the end of the build to stderr; the command's exit status.

    ``strict``: a warning not accepted fails the build (for CI).
    """
    where = os.path.relpath(result.output_dir)
    if result.interrupted:
        print(
            f"interrupted: finished reports are in {where}/; the rest are unchanged",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if result.failed:
        print(f"\n{len(result.failed)} of {len(result.jobs)} reports failed:", file=sys.stderr)
        for job in result.failed:
            print(f"  {job.error}", file=sys.stderr)
            kept = result.output_dir / failed_name(job.name)
            if kept.exists():
                print(
                    f"    the failed notebook, with the cell marked: {os.path.relpath(kept)}",
                    file=sys.stderr,
                )
    fresh = len(result.up_to_date)
    if fresh == len(result.jobs):
        print(f"every report is up to date in {where}/: nothing was built", file=sys.stderr)
    else:
        also = f" ({fresh} up to date)" if fresh else ""
        print(f"built {len(result.jobs) - fresh} reports{also} in {where}/", file=sys.stderr)
    if result.verdict is not None:
        print(_next_step(result), file=sys.stderr)
    if result.failed:
        return EXIT_FAILED
    if strict and result.verdict is not None and result.verdict.unaccepted:
        print(
            f"--strict: {len(result.verdict.unaccepted)} warning(s) not accepted in "
            f"data/{result.meeting}/accept.yaml:",
            file=sys.stderr,
        )
        for warning in result.verdict.unaccepted:
            print(f"  [{warning.id}] {warning.message}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _next_step(result: BuildResult) -> str:
    """The build's last line: what came of it and what to do next."""
    meeting, verdict = result.meeting, result.verdict
    fresh = len(result.up_to_date)
    done = [f"{len(result.jobs) - len(result.failed) - fresh} built"]
    if fresh:
        done.append(f"{fresh} up to date")
    if result.failed:
        done.append(f"{len(result.failed)} failed")
    count = len(verdict.warnings)
    done.append(f"{count} warning{'' if count == 1 else 's'} ({len(verdict.accepted)} accepted)")
    look = (
        f"review: make review MEETING={meeting}"
        if result.reviewed
        else f"check the papers in {os.path.relpath(result.output_dir)}/"
    )
    if result.failed:
        step = f"fix: see the failures above, then make report MEETING={meeting}"
    elif verdict.unaccepted:
        step = look
    else:
        step = f'{look}, then publish: make publish MEETING={meeting} BY="Your Name"'
    return f"{', '.join(done)} \u2192 {step}"
