"""Whether a report, the pack or the review page must be built again.

A report is up to date when its last build succeeded, its manifest entry is as the
build wrote it, nothing in its *key* changed (its notebook, its part of the params
file, the files beside the notebooks, reportlib's code and templates, the engines and
the lock), every file it read has the bytes it had when it was read, and every output
is there with the bytes the build wrote. Anything else, a manifest from an older
reportlib or one edited by hand included, means "build it again": the answer errs
towards rebuilding, never towards a wrong "up to date".

Hashes are taken before anything runs and as each file is read, so a file changed
during a build leaves a recorded hash that no longer matches: the next build rebuilds.
Only the standard library and cheap reportlib modules are imported here: a build with
nothing to do never loads Jupyter.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

import reportlib
from reportlib.environment import git, lock_state, renderer_versions
from reportlib.files import atomic_write
from reportlib.fingerprint import canonical_hash, compare, file_sha256, sha256, tree
from reportlib.manifest import Manifest, PackRecord, ReportEntry
from reportlib.params import MeetingConfig
from reportlib.paths import Project

PACKAGE = Path(reportlib.__file__).resolve().parent
#: Dotfile beside the review page holding the key of what it was made from.
REVIEW_KEY = ".review.key"
PAGE = "index.html"  # the review page (reportlib.review.PAGE, without importing it)


@functools.cache
def code_digest() -> str:
    """reportlib's code, templates and house style: any change rebuilds every paper."""
    return canonical_hash(
        {"version": reportlib.__version__, "files": tree(PACKAGE, exclude=["*.pyc"])}
    )


def environment(engine: str, root: Path) -> dict[str, str]:
    """What every output depends on besides its own inputs: code, engines, lock, dates."""
    return {
        "reportlib": code_digest(),
        "engine": canonical_hash({"engine": engine, **renderer_versions(engine)}),
        "lock": str(lock_state(root)["sha256"]),
        "dates": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }


def config_slice(config: MeetingConfig, name: str) -> str:
    """Hash of the meeting's and this report's part of the params file."""
    return canonical_hash(
        {
            "meeting": config.params.meeting.model_dump(mode="json"),
            "report": config.params.reports[name].model_dump(mode="json"),
        }
    )


def report_key(
    config: MeetingConfig, name: str, engine: str, stale: list[str] | None = None
) -> dict[str, str]:
    """What a report's outputs depend on besides the files it reads.

    ``stale``, the report's warnings about inputs that may be out of date, is part of
    the key when it has been worked out (it is not in a build with nothing to do).
    """
    notebook = config.notebook_path(name)
    key = {
        "notebook": str(file_sha256(notebook)),
        "config": config_slice(config, name),
        "parameters": canonical_hash(config.notebook_parameters(name)),
        # images and helper modules beside the notebooks; not the other notebooks
        "notebooks": canonical_hash(tree(config.project.notebooks, exclude=["*.ipynb"])),
        **environment(engine, config.project.root),
    }
    if stale is not None:
        key["stale"] = canonical_hash(stale)
    return key


_WHAT = {
    "notebook": "its notebook changed",
    "config": "its part of the params file changed",
    "parameters": "its parameters changed",
    "notebooks": "a file beside the notebooks changed",
    "reportlib": "reportlib, its templates or house style changed",
    "engine": "the PDF engine or a renderer changed",
    "lock": "the locked environment changed",
    "dates": "SOURCE_DATE_EPOCH changed",
    "stale": "its warnings about out-of-date inputs changed",
}


def report_changes(
    config: MeetingConfig,
    name: str,
    entry: ReportEntry | None,
    key: dict[str, str],
    formats: Iterable[str],
    out_dir: Path,
) -> str | None:
    """Why ``name`` must be built again, or None if it is up to date."""
    if entry is None:
        return "no earlier build of it is recorded"
    if not entry.intact:
        return "its record in manifest.json was edited or damaged"
    if not entry.ok:
        return "its last build failed"
    for part, value in key.items():
        if entry.key.get(part) != value:
            return _WHAT.get(part, f"{part} changed")
    root = config.project.root
    params = config.project.relative(config.path)
    notebook = config.project.relative(config.notebook_path(name))
    for shown, recorded in entry.inputs.items():
        if shown in (params, notebook):  # in the key: only its part of the params counts
            continue
        found = compare(root, shown, recorded)
        if found == "outside":
            return f"manifest.json names an input outside the project ({shown})"
        if found:
            return f"{shown} {found}"
    for wanted in (f"{name}.ipynb", *(f"{name}.{f}" for f in formats)):
        if wanted not in entry.outputs:
            return f"{wanted} was not made by its last build"
    return _outputs_changed(out_dir, entry.outputs)


def _outputs_changed(out_dir: Path, outputs: dict[str, str]) -> str | None:
    for file, recorded in outputs.items():
        found = compare(out_dir, file, recorded)
        if found == "outside":
            return f"manifest.json names an output outside the meeting's folder ({file})"
        if found:
            return f"{file} was {'deleted' if found == 'is gone' else found} since it was built"
    return None


def meeting_digest(project: Project, engine: str) -> str:
    """Everything the checks before a build read: params, data, notebooks, code, and
    which data files git tracks (a confidential document must not be).

    All meetings' params and data are in it (the out-of-date warnings compare with
    earlier meetings): a change anywhere runs the checks again, which is cheap
    beside a wrong "checked".
    """
    tracked = git(project.root, "ls-files", "-z", "--", "data") or ""
    return canonical_hash(
        {
            "params": tree(project.params),
            "data": tree(project.data),
            "notebooks": tree(project.notebooks),
            "tracked": sha256(tracked.encode("utf-8")),
            **environment(engine, project.root),
        }
    )


def pack_key(config: MeetingConfig, built: Manifest, engine: str) -> str:
    """What the pack is made from: the params file, the papers, the meeting's data (its
    documents, and the figures a supplied document's words quote), the code."""
    project = config.project
    return canonical_hash(
        {
            "params": file_sha256(config.path),
            "finished": built.finished,
            "reports": {n: [e.status, e.outputs] for n, e in sorted(built.reports.items())},
            "data": tree(project.data_dir(config.id)),
            "schemas": tree(project.data / "schemas"),
            "gitignore": file_sha256(project.root / ".gitignore"),
            **environment(engine, project.root),
        }
    )


def pack_changes(record: PackRecord | None, key: str, out_dir: Path) -> str | None:
    """Why the pack must be made again, or None if it is up to date."""
    if record is None or not record.key or not record.outputs:
        return "no earlier pack is recorded"
    if record.error is not None:
        return "it failed last time"
    if record.key != key:
        return "a paper, the meeting's data or the params file changed"
    return _outputs_changed(out_dir, record.outputs)


def review_key(config: MeetingConfig, out_dir: Path) -> str:
    """What the review page shows: this meeting's built files, the previous meeting's
    (for its key figures), the params file and the code."""
    project = config.project
    name = project.previous_built(config.id)
    previous = project.output_dir(name) if name else None
    return canonical_hash(
        {
            # the log is still being written: the page only links to it
            "meeting": tree(out_dir, exclude=[PAGE, "build.log"]),
            "log": (out_dir / "build.log").is_file(),
            "previous": [previous.name, tree(previous)] if previous else None,
            "params": file_sha256(config.path),
            "reportlib": code_digest(),
        }
    )


def _review_record(out_dir: Path, key: str) -> str:
    return f"{key} {file_sha256(out_dir / PAGE)}\n"


def review_changes(out_dir: Path, key: str) -> bool:
    """Whether the review page must be written again (``key`` from :func:`review_key`):
    its inputs changed, or the page itself was deleted or edited."""
    try:
        recorded = (out_dir / REVIEW_KEY).read_text(encoding="utf-8")
    except OSError:
        return True
    return recorded != _review_record(out_dir, key)


def record_review(out_dir: Path, key: str) -> None:
    """Note what the review page just written was made from."""
    atomic_write(out_dir / REVIEW_KEY, _review_record(out_dir, key))
