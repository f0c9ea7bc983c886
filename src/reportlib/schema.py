"""Dataset schemas (``data/schemas/<name>.yaml``) and the checks a CSV must pass.

A CSV is read as text and converted column by column, so a problem can name the
file, the row (as the line number a spreadsheet or editor shows) and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from reportlib.exceptions import DataError, Problem
from reportlib.yamlfile import load_yaml

_INT = re.compile(r"[-+]?\d+")
_KINDS = ("str", "int", "float", "date", "bool")
_PERIODS = ("int", "date")
_COLUMN_KEYS = {"type", "description", "units", "min", "max", "nullable", "allowed", "decimals"}
MAX_PROBLEMS = 20  # per file: enough to fix a batch, not a wall of text


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""
    units: str | None = None
    min: float | None = None
    max: float | None = None
    nullable: bool = False
    allowed: tuple | None = None
    #: decimal places tables show for the column (else as many as its data has)
    decimals: int | None = None


@dataclass(frozen=True)
class Schema:
    name: str
    title: str
    description: str
    units: str | None
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    #: The key column that orders rows in time (a round, a month), so that words can
    #: name its latest or previous value instead of a fixed one.
    period: str | None = None
    #: the fewest data rows a meeting's file may have (``min_rows:``, default 1)
    min_rows: int = 1

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def load_schema(path: Path, shown: str | None = None) -> Schema:
    """Parse a schema file; a malformed schema is a :class:`DataError` naming the key."""
    shown = shown or str(path)
    doc = load_yaml(path, shown)
    spec = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    columns: list[Column] = []
    for name, col in (spec.get("columns") or {}).items():
        line = doc.line(("columns", name))
        if not isinstance(col, dict) or col.get("type") not in _KINDS:
            problems.append(
                Problem(shown, f"needs a type, one of {', '.join(_KINDS)}", f"columns.{name}", line)
            )
            continue
        unknown = set(col) - _COLUMN_KEYS
        if unknown:
            problems.append(
                Problem(
                    shown,
                    f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(_COLUMN_KEYS)}",
                    f"columns.{name}",
                    line,
                )
            )
            continue
        allowed = tuple(col["allowed"]) if col.get("allowed") is not None else None
        decimals = col.get("decimals")
        if decimals is not None and (
            isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0
        ):
            problems.append(
                Problem(
                    shown, "decimals must be a whole number, 0 or more", f"columns.{name}", line
                )
            )
            continue
        columns.append(
            Column(
                name,
                col["type"],
                col.get("description", ""),
                col.get("units"),
                col.get("min"),
                col.get("max"),
                bool(col.get("nullable")),
                allowed,
                decimals,
            )
        )
    if not columns:
        problems.append(Problem(shown, "lists no columns", "columns", doc.line(("columns",))))
    key = tuple(spec.get("key") or ())
    names = {c.name for c in columns}
    problems += [
        Problem(shown, f"names {k!r}, which is not a column", "key", doc.line(("key",)))
        for k in key
        if k not in names
    ]
    period = spec.get("period")
    if period is not None and (
        period not in key or next(c for c in columns if c.name == period).type not in _PERIODS
    ):
        problems.append(
            Problem(
                shown,
                "must name a key column of type int or date (a round, a month)",
                "period",
                doc.line(("period",)),
            )
        )
    min_rows = spec.get("min_rows", 1)
    if isinstance(min_rows, bool) or not isinstance(min_rows, int) or min_rows < 0:
        problems.append(
            Problem(shown, "must be a whole number, 0 or more", "min_rows", doc.line(("min_rows",)))
        )
    if problems:
        raise DataError(problems)
    return Schema(
        path.stem,
        spec.get("title", path.stem),
        spec.get("description", ""),
        spec.get("units"),
        key,
        tuple(columns),
        period,
        min_rows,
    )


def _convert(kind: str, text: str) -> Any:
    if kind == "str":
        return text
    if kind == "int":
        if not _INT.fullmatch(text):
            raise ValueError("is not a whole number")
        return int(text)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError("is not a number (write it without commas, % or £)") from None
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("is not a date; write it as YYYY-MM-DD") from None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise ValueError("is not true or false")


def validate(raw: pd.DataFrame, schema: Schema, shown: str) -> pd.DataFrame:
    """Typed copy of ``raw`` (all-text cells) if it meets ``schema``; else :class:`DataError`.

    Rows are reported by file line: the header is line 1, so data row ``i`` is line ``i + 2``.
    """
    problems: list[Problem] = []
    expected = [c.name for c in schema.columns]
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in expected]
    if missing:
        problems.append(
            Problem(
                shown,
                f"is missing column(s) {', '.join(missing)} "
                f"(schema {schema.name} expects: {', '.join(expected)})",
                line=1,
            )
        )
    if extra:
        problems.append(
            Problem(
                shown,
                f"has column(s) {', '.join(extra)} that its schema does "
                "not describe; remove them or add them to the schema",
                line=1,
            )
        )
    if len(raw) < schema.min_rows:
        problems.append(
            Problem(
                shown,
                f"has {len(raw)} row(s) of data, but schema {schema.name} needs at least "
                f"{schema.min_rows}; add the meeting's figures below the header",
                line=2,
            )
        )
    if problems:
        raise DataError(problems)

    typed: dict[str, list] = {}
    for col in schema.columns:
        values: list[Any] = []
        for i, text in enumerate(raw[col.name]):
            where = {"key": f"column {col.name}", "line": i + 2}
            text = text.strip()
            if text == "":
                if not col.nullable:
                    problems.append(
                        Problem(shown, "is empty; every row needs a value here", **where)
                    )
                values.append(None)
                continue
            try:
                value = _convert(col.type, text)
            except ValueError as error:
                problems.append(Problem(shown, f"{text!r} {error}", **where))
                values.append(None)
                continue
            problems += _check_value(col, value, shown, where)
            values.append(value)
        typed[col.name] = values
    problems += _check_key(raw, schema, shown)
    if problems:
        cut = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            cut.append(Problem(shown, f"... and {len(problems) - MAX_PROBLEMS} more problems"))
        raise DataError(cut)
    return pd.DataFrame({c.name: _series(c, typed[c.name]) for c in schema.columns})


def _check_value(col: Column, value: Any, shown: str, where: dict) -> list[Problem]:
    out = []
    if col.allowed is not None and value not in col.allowed:
        out.append(Problem(shown, f"{value!r} is not one of {list(col.allowed)}", **where))
    if col.min is not None and value < col.min:
        what = "negative" if col.min == 0 else f"below {col.min}"
        out.append(Problem(shown, f"{value!r} is {what}; {col.name} cannot be", **where))
    if col.max is not None and value > col.max:
        out.append(
            Problem(shown, f"{value!r} is above {col.max}, the most {col.name} can be", **where)
        )
    return out


def _check_key(raw: pd.DataFrame, schema: Schema, shown: str) -> list[Problem]:
    if not schema.key:
        return []
    keys = raw[list(schema.key)].apply(lambda r: tuple(v.strip() for v in r), axis=1)
    first: dict[tuple, int] = {}
    out = []
    for i, k in enumerate(keys):
        if k in first:
            out.append(
                Problem(
                    shown,
                    f"repeats the key {dict(zip(schema.key, k, strict=True))} "
                    f"of line {first[k]}; each row needs a different key",
                    line=i + 2,
                )
            )
        else:
            first[k] = i + 2
    return out


def _series(col: Column, values: list) -> pd.Series:
    if col.type == "int":
        return pd.Series(values, dtype="Int64" if col.nullable else "int64")
    if col.type == "float":
        return pd.Series(values, dtype="float64")
    if col.type == "date":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    if col.type == "bool":
        return pd.Series(values, dtype="boolean" if col.nullable else "bool")
    return pd.Series(values, dtype="object")
