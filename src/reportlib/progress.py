"""What the build tells the person running it, and the build log it leaves behind.

On a terminal: one short line per report and stage as it starts and ends. Off a
terminal (CI, a pipe): plain timestamped log lines. Always: ``build.log`` beside the
outputs, with timestamps, for later.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

_PLAIN = "%(asctime)s %(levelname)s %(message)s"
#: Libraries whose log lines are for the build log, never the terminal: the build
#: reports their failures itself, in its own words.
QUIET = ("nbclient", "papermill", "jupyter_client", "traitlets", "pypdf", "pypandoc", "asyncio")


class Progress:
    """Thread-safe progress lines; ``stage`` times a stage and reports how it ended."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.logger = logging.getLogger(f"reportlib.build.{id(self)}")
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(logging.Formatter("%(message)s" if self.tty else _PLAIN))
        self.logger.addHandler(handler)
        self._file: logging.Handler | None = None
        self._quieted: dict[str, tuple[bool, int]] = {}
        self._lock = threading.Lock()
        self._numbers: dict[str, str] = {}

    def number(self, reports: list[str]) -> None:
        """Number the reports' stage lines ``[1/4]`` … ``[4/4]``, in the build's order."""
        self._numbers = {r: f"[{i}/{len(reports)}] " for i, r in enumerate(reports, start=1)}

    def log_to(self, path: Path) -> None:
        """Also write every line, timestamped, to ``path`` (replacing an older log)."""
        self.close_log()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = logging.FileHandler(path, mode="w", encoding="utf-8")
        self._file.setFormatter(logging.Formatter(_PLAIN))
        self.logger.addHandler(self._file)
        for name in QUIET:
            library = logging.getLogger(name)
            self._quieted[name] = (library.propagate, library.level)
            library.addHandler(self._file)
            library.propagate = False  # nor to the root logger's terminal output
            library.setLevel(logging.INFO if library.level == logging.NOTSET else library.level)

    def close_log(self) -> None:
        if self._file:
            for name, (propagate, level) in self._quieted.items():
                library = logging.getLogger(name)
                library.removeHandler(self._file)
                library.propagate, library.level = propagate, level
            self._quieted = {}
            self.logger.removeHandler(self._file)
            self._file.close()
            self._file = None

    def debug(self, message: str) -> None:
        """Only to the build log (a traceback, say): the terminal has the short message."""
        if self._file:  # handle(), not emit(): it takes the handler's lock (worker threads)
            self._file.handle(
                self.logger.makeRecord(self.logger.name, logging.DEBUG, "", 0, message, (), None)
            )

    def info(self, message: str) -> None:
        self.logger.info(message)

    def warning(self, message: str) -> None:
        self.logger.warning(("warning: " if self.tty else "") + message)

    def error(self, message: str) -> None:
        self.logger.error(("error: " if self.tty else "") + message)

    @contextlib.contextmanager
    def stage(self, report: str, stage: str) -> Iterator[dict]:
        """Time a stage. Set ``outcome["failed"] = True`` inside to report it as failed."""
        outcome: dict = {"failed": False}
        report = self._numbers.get(report, "") + report
        self.info(f"  … {report}: {stage}" if self.tty else f"{report}: {stage} started")
        started = time.perf_counter()
        try:
            yield outcome
        except BaseException:
            outcome["failed"] = True
            raise
        finally:
            outcome["seconds"] = round(time.perf_counter() - started, 3)
            took = f"{outcome['seconds']:.1f} s"
            if self.tty:
                mark = "✗" if outcome["failed"] else "✓"
                self.info(f"  {mark} {report}: {stage} ({took})")
            else:
                ended = "failed" if outcome["failed"] else "done"
                self.info(f"{report}: {stage} {ended} in {took}")
