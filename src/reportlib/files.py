"""Writing outputs safely: whole files or nothing, and one build per meeting at a time."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from reportlib.exceptions import BuildLockedError


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide outputs from other users
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def publish(staged: Path, target: Path) -> None:
    """Move a finished file from the staging area into place (same filesystem: atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)


def clean_staging(staging_root: Path) -> list[Path]:
    """Remove the ``build-*`` folders a killed build left in ``staging_root``; return them.

    Call only while holding the meeting's build lock: then no build is using them.
    """
    stale = sorted(staging_root.glob("build-*")) if staging_root.is_dir() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


@contextlib.contextmanager
def build_lock(output_dir: Path, meeting: str) -> Iterator[None]:
    """Hold ``outputs/<meeting>/.lock`` for the build; fail at once if another build has it.

    The OS releases the lock when its process ends, so a crashed build leaves none behind.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(output_dir / ".lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BuildLockedError(
            f"another build of meeting {meeting} is running (it holds {output_dir / '.lock'}); "
            "wait for it to finish, then build again"
        ) from None
    try:
        yield
    finally:
        lock.release()
