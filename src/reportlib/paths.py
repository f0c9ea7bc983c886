"""Where things live in a reportlib project, and the meeting id that addresses them.

A project is a directory holding ``notebooks/`` and ``params/``; data lives in
``data/<meeting>/`` and built files in ``outputs/<meeting>/``. Every path built from
a meeting id is checked to stay inside its folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from reportlib.exceptions import MeetingIdError, OutsideFolderError, ReportlibError

#: ``YYYY-MM`` with an optional lower-case ``-suffix`` (``2021-03``, ``2021-03-extra``).
MEETING_ID = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?")
#: Report names are notebook stems: lower-case identifiers.
REPORT_NAME = re.compile(r"[a-z][a-z0-9_]*")
ROOT_ENV = "REPORTLIB_ROOT"
#: A meeting's confidential documents: ``data/<meeting>/confidential/``.
CONFIDENTIAL = "confidential"


def validate_meeting_id(meeting: str) -> str:
    """Return ``meeting`` if it is a valid meeting id, else raise :class:`MeetingIdError`."""
    if not isinstance(meeting, str) or not MEETING_ID.fullmatch(meeting):
        raise MeetingIdError(
            f"{meeting!r} is not a meeting id: write the meeting's year and month as YYYY-MM, "
            "optionally followed by a lower-case suffix (e.g. 2020-12 or 2021-03-extra)"
        )
    return meeting


def _inside(base: Path, *parts: str) -> Path:
    path = base.joinpath(*parts).resolve()
    if not path.is_relative_to(base.resolve()):
        raise MeetingIdError(f"{'/'.join(parts)!r} would point outside {base}")
    return path


def contained(path: Path, folder: Path | None = None, shown: str | None = None) -> Path:
    """``path`` resolved (links followed), if it stays inside ``folder``; else raise.

    ``folder`` defaults to the folder that holds ``path``: a link may not lead out of
    it. A file resolving into a ``confidential`` folder is refused unless ``folder`` is
    one, so a confidential document reaches nothing but the confidential pack. Raises
    :class:`OutsideFolderError` naming ``shown`` (default: ``path``).
    """
    folder = path.parent if folder is None else folder
    shown = shown or str(path)
    base, real = folder.resolve(), path.resolve()
    if CONFIDENTIAL in real.parts[:-1] and CONFIDENTIAL not in base.parts:
        raise OutsideFolderError(
            shown,
            f"leads into a {CONFIDENTIAL}/ folder (it resolves to {real}); a confidential "
            "document is never a source for a public paper or the public pack: list it "
            "on the agenda as 'confidential:' instead",
        )
    if not real.is_relative_to(base):
        raise OutsideFolderError(
            shown,
            f"leads outside its folder {folder.name}/ (it resolves to {real}); the build "
            f"reads only files inside their folder: put the file itself in {folder.name}/ "
            "rather than a link to it",
        )
    return real


MANIFEST = "manifest.json"  # a built meeting's record (reportlib.manifest.FILE)
#: The meeting's own files that no report reads but the build does, under
#: ``data/<meeting>/``: its same-fact declarations and its acceptances.
MEETING_FILES = ("same_facts.yaml", "accept.yaml")


def failed_name(report: str) -> str:
    """The file name of a report's failed executed notebook, staged and in place."""
    return f"{report}.failed.ipynb"


@dataclass(frozen=True)
class Project:
    """A reportlib project rooted at ``root``."""

    root: Path

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    def params_file(self, meeting: str) -> Path:
        return _inside(self.params, validate_meeting_id(meeting) + ".yaml")

    def data_dir(self, meeting: str) -> Path:
        return _inside(self.data, validate_meeting_id(meeting))

    def output_dir(self, meeting: str) -> Path:
        return _inside(self.outputs, validate_meeting_id(meeting))

    def notebook(self, name: str) -> Path:
        """``notebooks/<name>``, links resolved; :class:`OutsideFolderError` if it leaves."""
        return contained(self.notebooks / name, self.notebooks, f"notebooks/{name}")

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, with forward slashes, for messages and manifests.

        A link is named as itself, not as the file it leads to.
        """
        path = Path(path)
        try:
            return (path.parent.resolve() / path.name).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def previous_built(self, meeting: str) -> str | None:
        """The meeting the review page compares ``meeting`` with: the latest before it
        (by id) whose ``outputs/<id>/manifest.json`` exists, or None."""
        if not self.outputs.is_dir():
            return None
        built = [
            d.name
            for d in self.outputs.iterdir()
            if MEETING_ID.fullmatch(d.name) and d.name < meeting and (d / MANIFEST).is_file()
        ]
        return max(built, default=None)

    def meetings(self) -> list[str]:
        """Meeting ids that have a params file, in date order."""
        found = (p.stem for p in self.params.glob("*.yaml"))
        return sorted(m for m in found if MEETING_ID.fullmatch(m))


def is_project(path: Path) -> bool:
    return (path / "notebooks").is_dir() and (path / "params").is_dir()


def find_project(start: Path | None = None) -> Project:
    """The project holding ``start`` (default: ``$REPORTLIB_ROOT``, else the working directory).

    Walks up from ``start`` so that a notebook opened in ``notebooks/`` finds its project.
    """
    if start is None and os.environ.get(ROOT_ENV):
        start = Path(os.environ[ROOT_ENV])
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_project(candidate):
            return Project(candidate)
    raise ReportlibError(
        f"{here} is not inside a reportlib project (a folder with notebooks/ and params/): "
        f"run from the project's folder or set {ROOT_ENV}"
    )
