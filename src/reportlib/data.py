"""Loading a meeting's data from notebooks: validated, and every read recorded.

Notebooks call :func:`load_table` (CSV checked against ``data/schemas/<name>.yaml``)
and :func:`load_text` (YAML). Each call records the file's content hash, which the
build collects after the notebook has run (:mod:`reportlib.record`), so the manifest
knows every input.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from reportlib import record
from reportlib.exceptions import DataError, OutsideFolderError, Problem
from reportlib.paths import Project, contained, find_project
from reportlib.schema import Schema, load_schema, validate
from reportlib.yamlfile import YamlDocument, load_yaml


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(project: Project, path: Path, what: str) -> bytes:
    """A project file's bytes, read only inside its folder and recorded for the manifest;
    ``what`` says what to do if it is missing."""
    shown = project.relative(path)
    try:
        real = contained(path, shown=shown)
    except OutsideFolderError as error:
        raise DataError([Problem(shown, error.reason)]) from None
    try:
        data = real.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(shown, f"does not exist; {what}")]) from None
    record.read(shown, sha256(data))
    return data


def schema_for(name: str, project: Project | None = None) -> Schema:
    project = project or find_project()
    path = project.data / "schemas" / f"{name}.yaml"
    read_bytes(project, path, f"every dataset needs a schema; write one for {name!r}")
    return load_schema(path, project.relative(path))


def load_table(name: str, meeting: str, *, project: Project | None = None) -> pd.DataFrame:
    """The dataset ``data/<meeting>/<name>.csv``, typed and checked against its schema.

    ``df.attrs`` carries the schema's title and units and the dataset's source, for
    table captions and chart source lines.
    """
    project = project or find_project()
    schema = schema_for(name, project)
    path = project.data_dir(meeting) / f"{name}.csv"
    shown = project.relative(path)
    data = read_bytes(project, path, f"meeting {meeting} needs dataset {name!r}; add the file")
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as error:
        raise DataError([_not_utf8(shown, data, error)]) from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError([Problem(shown, f"cannot be read as CSV: {error}")]) from None
    table = validate(raw, schema, shown)
    table.attrs["schema"] = schema
    source, short = sources(name, meeting, project, table)
    table.attrs.update(
        dataset=name,
        title=schema.title,
        units=schema.units,
        source=source,
        source_short=short,
    )
    return table


_SAVE_AS_UTF8 = (
    "save it as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "in an editor: encoding UTF-8)"
)


def _not_utf8(shown: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """Where a file stops being UTF-8, as an editor counts lines and columns."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(shown, f"is UTF-16 text, not UTF-8; {_SAVE_AS_UTF8}", line=1)
    start = error.start
    line = data.count(b"\n", 0, start) + 1
    column = len(data[data.rfind(b"\n", 0, start) + 1 : start].decode("utf-8", "replace")) + 1
    shown_as = data[start : start + 1].decode("cp1252", "replace")
    return Problem(
        shown,
        f"byte 0x{data[start]:02x} is not UTF-8 (the file was probably saved as "
        f"Windows-1252 or Latin-1, where it is {shown_as!r}); {_SAVE_AS_UTF8}",
        f"column {column}",
        line,
    )


def load_text(name: str, meeting: str, *, project: Project | None = None) -> Any:
    """The YAML file ``data/<meeting>/<name>.yaml`` (structured words for the meeting)."""
    project = project or find_project()
    path = project.data_dir(meeting) / f"{name}.yaml"
    return read_yaml(project, path, f"meeting {meeting} needs {name!r}; add the file").data


def read_yaml(project: Project, path: Path, what: str) -> YamlDocument:
    """A project YAML file, its read recorded; ``what`` says what to do if it is missing."""
    read_bytes(project, path, what)
    return load_yaml(path, project.relative(path))


def sources(
    name: str, meeting: str, project: Project, table: pd.DataFrame | None = None
) -> tuple[str, str]:
    """The dataset's full source line, and a short one for under a chart.

    The short one keeps the section's first two parts ("Item 8, Business plan …").
    ``{latest:column}``, ``{previous:column}`` and ``{first:column}`` in the entry name
    the ``table``'s own periods (``table.attrs["schema"].period``), so the line follows
    the data.
    """
    path = project.data_dir(meeting) / "sources.yaml"
    if not path.is_file():
        return "", ""
    document = read_yaml(project, path, "")
    entry = (document.data or {}).get(name) or {}
    found = {}
    for key in ("document", "section"):
        text = str(entry.get(key) or "")
        where = (project.relative(path), document.line((name, key)))
        found[key] = _periods(text, table, where) if table is not None else text
    short = ", ".join(re.sub(r"\s*\([^)]*\)", "", found["section"]).split(", ")[:2])
    return tuple(
        ", ".join(v for v in (found["document"], s) if v) for s in (found["section"], short)
    )


_PERIOD = re.compile(r"\{(latest|previous|first):([a-z][a-z0-9_]*)\}")


def _periods(text: str, table: pd.DataFrame, where: tuple[str, int | None]) -> str:
    """``text`` with each ``{latest:column}`` (or previous, first) taken from ``table``."""
    from reportlib.formats import with_units

    schema = table.attrs["schema"]

    def value(match: re.Match) -> str:
        which, column = match.groups()
        problem = None
        if schema.period is None:
            problem = f"{match.group(0)}: dataset {schema.name} has no period ('period:')"
        elif column not in table.columns:
            problem = f"{match.group(0)}: dataset {schema.name} has no column {column!r}"
        periods = sorted(set(table[schema.period])) if schema.period else []
        if problem is None and which == "previous" and len(periods) < 2:
            problem = f"{match.group(0)}: dataset {schema.name} has one {schema.period} only"
        if problem:
            raise DataError([Problem(where[0], problem, schema.name, where[1])])
        period = {
            "latest": periods[-1],
            "previous": periods[-2] if len(periods) > 1 else None,
            "first": periods[0],
        }[which]
        row = table[table[schema.period] == period].iloc[0]
        found = row[column]
        return with_units(found.item() if hasattr(found, "item") else found, None)

    return _PERIOD.sub(value, text)


def check_meeting_data(project: Project, meeting: str) -> list[str]:
    """Validate every CSV of the meeting against its schema; return the dataset names.

    Raises :class:`DataError` listing the problems of every file that has any.
    """
    problems: list[Problem] = []
    names = []
    for path in sorted(project.data_dir(meeting).glob("*.csv")):
        try:
            load_table(path.stem, meeting, project=project)
            names.append(path.stem)
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)
    return names
