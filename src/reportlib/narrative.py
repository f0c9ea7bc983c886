"""A paper's words for one meeting, ``data/<meeting>/narrative/<report>.md``, in a notebook.

The words are Markdown (see :mod:`reportlib.words` and ``data/README.md``); every figure
in them is a placeholder resolved from the meeting's data::

    {peers}                                               a short name from 'figures:'
    {rps_figures.peers}                                   dataset rps_figures, key "peers"
    {resident_satisfaction_polling.trusts_council.27:pct} key parts in schema order, column

A notebook opens its words, offers the charts and tables the words may place, and
shows the paper::

    words = Narrative("lg_inform", meeting)

    @words.figure
    def hits_chart():
        return charts.bars(...)

    words.show()

Opening the words records the front sheet for the build; :meth:`Narrative.show` shows
it too (in the notebook only) and then the body, each ``{{< chart name >}}`` replaced by
what the notebook's ``name`` returns. Any problem is a :class:`DataError` naming the
words file, its line and, for a placeholder, its column. The build runs the same checks
before any notebook starts (:func:`check_meeting`).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlib import record
from reportlib.data import load_table, read_bytes
from reportlib.exceptions import DataError, Problem, ReportlibError
from reportlib.formats import with_units
from reportlib.frontsheet import FrontSheet
from reportlib.paths import Project, find_project
from reportlib.words import NAME, Names, PlaceholderProblem, Section, Words, parse

if TYPE_CHECKING:
    import pandas as pd

    from reportlib.params import MeetingConfig

FOLDER = "narrative"
#: Display metadata of what a notebook shows only to its writer (never in the paper).
PREVIEW = {"reportlib": {"preview": True}}
# A bare {name}: a short name, or a figure of a key/value dataset (ids as the data has them).
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Key parts that stand for a period relative to the meeting's data.
RELATIVE = frozenset({"latest", "previous"})


def words_path(project: Project, meeting: str, report: str) -> Path:
    return project.data_dir(meeting) / FOLDER / f"{report}.md"


class MeetingData:
    """The meeting's datasets, each loaded once, and placeholder lookup in them."""

    def __init__(self, project: Project, meeting: str):
        self.project, self.meeting = project, meeting
        self._tables: dict[str, pd.DataFrame] = {}
        self._rows: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = load_table(name, self.meeting, project=self.project)
        return self._tables[name]

    def datasets(self) -> list[str]:
        return sorted(p.stem for p in (self.project.data / "schemas").glob("*.yaml"))

    def lookup(self, reference: str, names: Names) -> Figure:
        """The figure behind ``reference``: a name or ``dataset.key[:column]``.

        A key part may be ``latest`` or ``previous`` in place of the dataset's period (its
        schema's ``period``), and ``{dataset.latest:column}`` reads the latest period's
        first row (a round's month, say). Raises :class:`PlaceholderProblem` saying what
        is wrong and the nearest names.
        """
        head, colon, column = reference.partition(":")
        if _BARE.fullmatch(head):  # a name; ':column' picks another column of its row
            full = self.named(head, names)
            if colon and ":" in full:
                raise PlaceholderProblem(f"already names a column ({full}); drop ':{column}'")
            reference = full + colon + column
        name, _, rest = reference.partition(".")
        key, _, column = rest.partition(":")
        column = column or "value"
        if not rest or not NAME.fullmatch(name) or not NAME.fullmatch(column):
            raise PlaceholderProblem(
                "is not a placeholder: write {name} (a short name) or {dataset.key} or "
                "{dataset.key:column}"
            )
        if name not in self.datasets():
            raise PlaceholderProblem(f"names no dataset {name!r}" + _nearest(name, self.datasets()))
        try:
            frame = self.table(name)
        except ReportlibError as error:
            raise PlaceholderProblem(f"cannot be read: {error}") from None
        schema = frame.attrs["schema"]
        parts = tuple(key.split("."))
        rows = self.rows(name)
        note, relative = None, bool(RELATIVE.intersection(parts))
        if len(parts) == 1 and parts[0] in RELATIVE and len(schema.key) > 1:
            period = self.period(name, parts[0], ())
            parts = next(k for k in rows if k[schema.key.index(schema.period)] == period)
        if len(parts) != len(schema.key):
            raise PlaceholderProblem(
                f"dataset {name} is keyed by {', '.join(schema.key)}, "
                f"so give {len(schema.key)} key part(s) separated by '.'"
            )
        if column not in frame.columns:
            raise PlaceholderProblem(
                f"dataset {name} has no column {column!r} (it has: {', '.join(frame.columns)})"
            )
        if schema.period:
            at = schema.key.index(schema.period)
            others = parts[:at] + parts[at + 1 :]
            if parts[at] in RELATIVE:
                parts = (*parts[:at], self.period(name, parts[at], others), *parts[at + 1 :])
            elif (
                not relative
                and parts[at] != (latest := self.period(name, "latest", ()))
                and parts in rows
            ):
                note = (
                    f"names {schema.period} {parts[at]}, but data/{self.meeting}/{name}.csv "
                    f"has a later {schema.period}, {latest}: write 'latest' (or 'previous') "
                    f"in place of {parts[at]} if the words mean the newest figure"
                )
        elif RELATIVE.intersection(parts):
            raise PlaceholderProblem(
                f"dataset {name} has no period (its schema names no 'period:' column), so "
                "it has no latest or previous"
            )
        if parts not in rows:
            for depth, (col, part) in enumerate(zip(schema.key, parts, strict=True)):
                known = sorted({k[depth] for k in rows if k[:depth] == parts[:depth]})
                if part not in known:
                    raise PlaceholderProblem(
                        f"no row of data/{self.meeting}/{name}.csv has {col} = {part!r}"
                        + _nearest(part, known)
                    )
        row = rows[parts]
        units = row["units"] if "units" in frame.columns else schema.column(column).units
        value = row[column]
        return Figure((value.item() if hasattr(value, "item") else value), units, note)

    def period(self, name: str, which: str, others: tuple[str, ...]) -> str:
        """The latest or previous period of dataset ``name`` among the rows keyed ``others``
        (the key's other parts, in order; () for the whole dataset), as a key writes it."""
        schema = self.table(name).attrs["schema"]
        at = schema.key.index(schema.period)
        found = sorted(
            {
                row[schema.period]
                for k, row in self.rows(name).items()
                if not others or k[:at] + k[at + 1 :] == others
            }
        )
        if which == "previous" and len(found) < 2:
            raise PlaceholderProblem(
                f"data/{self.meeting}/{name}.csv has one {schema.period} only "
                f"({', '.join(map(key_text, found)) or 'none'}), so there is no previous one"
            )
        return key_text(found[-1] if which == "latest" else found[-2])

    def rows(self, name: str) -> dict[tuple[str, ...], dict[str, Any]]:
        """Dataset ``name``'s rows by their key as placeholders write it (built once)."""
        if name not in self._rows:
            frame = self.table(name)
            key = frame.attrs["schema"].key
            texts = zip(*(frame[c].map(key_text) for c in key), strict=True)
            self._rows[name] = dict(zip(texts, frame.to_dict("records"), strict=True))
        return self._rows[name]

    def named(self, name: str, names: Names) -> str:
        """The full reference a bare name stands for (see :class:`reportlib.words.Names`)."""
        if name in names.figures:
            return names.figures[name]
        known = list(names.figures)
        for dataset in names.datasets:
            if dataset not in self.datasets():
                raise PlaceholderProblem(
                    f"cannot be looked up: 'datasets:' lists {dataset!r}, which is no dataset"
                    + _nearest(dataset, self.datasets())
                )
            key = self.table(dataset).attrs["schema"].key
            if len(key) != 1:
                raise PlaceholderProblem(
                    f"cannot be looked up: 'datasets:' lists {dataset}, which is keyed by "
                    f"{', '.join(key)}; list only datasets keyed by one column"
                )
            ids = [k[0] for k in self.rows(dataset)]
            if name in ids:
                return f"{dataset}.{name}"
            known += ids
        raise PlaceholderProblem(
            "names no figure: it is not under 'figures:' in the front matter, nor a row of "
            "a dataset listed under 'datasets:'" + _nearest(name, known)
        )


@dataclass(frozen=True)
class Figure:
    """A placeholder's value, its units, and why it may be out of date (or None)."""

    value: Any
    units: str | None
    note: str | None = None

    @property
    def text(self) -> str:
        return with_units(self.value, self.units)


def _nearest(name: str, names: Any) -> str:
    found = difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)
    return f" (nearest: {', '.join(found)})" if found else ""


def key_text(value: Any) -> str:
    """A key cell as a placeholder writes it: dates ISO, whole numbers without '.0'."""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(
    project: Project,
    meeting: str,
    path: Path,
    *,
    titled: bool = False,
    data: MeetingData | None = None,
    collect: list[Problem] | None = None,
) -> Words:
    """The words file at ``path`` with its placeholders resolved from ``meeting``'s data.

    ``titled``: its front sheet gives the paper's title (a supplied document);
    ``collect``: gather problems there instead of raising (see :func:`words.parse`).
    """
    shown = project.relative(path)
    if not path.is_file():
        legacy = path.with_suffix(".yaml")
        hint = (
            f"; {project.relative(legacy)} is in the old YAML form: write it as Markdown"
            if legacy.is_file()
            else ""
        )
        raise DataError(
            [
                Problem(
                    shown,
                    "does not exist; a paper's words are in data/<meeting>/narrative/"
                    f"<report>.md: copy the last meeting's and update it{hint}",
                )
            ]
        )
    read_bytes(project, path, "")  # inside its folder, and recorded for the manifest
    found = data or MeetingData(project, meeting)

    def resolve(reference: str, names: Names) -> tuple[str, str | None]:
        figure = found.lookup(reference, names)
        return figure.text, figure.note

    return parse(path, shown, resolve, titled=titled, collect=collect)


class Narrative:
    """The words of ``report`` for ``meeting``, resolved, for its notebook to show."""

    def __init__(self, report: str, meeting: str, *, project: Project | None = None):
        self.project = project or find_project()
        self.report, self.meeting = report, meeting
        self._data = MeetingData(self.project, meeting)
        path = words_path(self.project, meeting, report)
        self.words = read(self.project, meeting, path, data=self._data)
        for note in self.words.notes:
            record.warn(f"{record.STALE}{note}")
        self._offered: dict[str, Callable[[], Any]] = {}
        record.front_sheet(self.words.front)

    @property
    def front(self) -> FrontSheet:
        return self.words.front

    @property
    def sections(self) -> list[Section]:
        """Every heading of the body with the plain text under it (for checks)."""
        return self.words.sections

    def table(self, name: str) -> pd.DataFrame:
        """The meeting's dataset ``name`` (loaded once, checked against its schema)."""
        return self._data.table(name)

    def value(self, reference: str) -> Any:
        """The value behind a placeholder (``name`` or ``dataset.key[:column]``)."""
        try:
            return self._data.lookup(reference.strip("{}"), self.words.names).value
        except PlaceholderProblem as error:
            raise DataError([Problem(self.words.shown, f"{{{reference}}} {error}")]) from None

    def figure(self, function: Callable[[], Any]) -> Callable[[], Any]:
        """Decorator: offer ``function`` to the words as ``{{< chart its_name >}}``.

        Words after the name (``{{< table breakdown income >}}``) are its arguments.
        """
        self._offered[function.__name__] = function
        return function

    def show(self) -> None:
        """Show the front sheet (in the notebook only), then the body with its figures."""
        from IPython.display import Markdown, display

        display(_front_preview(self.words.front), raw=True, metadata=PREVIEW)
        for part in self.words.parts:
            if part.figure is None:
                display(Markdown(part.markdown))
                continue
            if part.figure not in self._offered:
                raise DataError(
                    [
                        Problem(
                            self.words.shown,
                            f"places {part.figure!r}, which notebooks/{self.report}.ipynb "
                            f"does not offer (it offers: {', '.join(self._offered) or 'nothing'})",
                            line=part.line,
                        )
                    ]
                )
            try:
                shown = self._offered[part.figure](*part.args)
            except Exception as error:
                # The words chose what to show: say which line asked for it.
                raise DataError(
                    [
                        Problem(
                            self.words.shown,
                            f"placing {' '.join((part.figure, *part.args))} failed: "
                            f"{type(error).__name__}: {error}",
                            line=part.line,
                        )
                    ]
                ) from error
            display(shown)


def _front_preview(front: FrontSheet) -> dict[str, str]:
    """The front sheet as the writer sees it in JupyterLab (the paper has its own)."""
    e = html.escape
    rows = [f"<p><strong>Purpose:</strong> {e(front.purpose)}</p>"] if front.purpose else []
    for name in ("summary", "recommendations", "actions"):
        for p in getattr(front, name):
            points = "".join(f"<li>{e(t)}</li>" for t in p.points)
            rows.append(
                f"<p><strong>{name.capitalize()}:</strong> {e(p.text)}</p>"
                + (f"<ul>{points}</ul>" if points else "")
            )
    for c in front.contact:
        rows.append(
            f"<p><strong>Contact:</strong> {e(c.name)}, {e(c.position)}, "
            f"{e(c.phone)}, {e(c.email)}</p>"
        )
    box = "border:1px solid #8a8a8a;padding:.5em 1em;margin:.5em 0;border-radius:4px"
    text = "\n".join(
        [f"Front sheet: {front.purpose}"]
        + [
            f"{n}: {p.text}"
            for n in ("summary", "recommendations", "actions")
            for p in getattr(front, n)
        ]
    )
    return {
        "text/html": f'<div style="{box}"><p><em>Front sheet</em></p>{"".join(rows)}</div>',
        "text/plain": text,
    }


def check_meeting(config: MeetingConfig, notes: list[str] | None = None) -> list[Problem]:
    """Every problem in the meeting's words, found without running a notebook.

    Each report whose notebook opens a :class:`Narrative` must have its words file;
    every file must parse, every placeholder resolve, every figure slot name a figure
    the notebook offers; and no words file may belong to no report.
    """
    from reportlib.notebook import declared_figures

    project, meeting = config.project, config.params.meeting.id
    problems: list[Problem] = []
    for report in config.params.reports:
        path = words_path(project, meeting, report)
        declared = declared_figures(config.notebook_path(report))
        if declared is None and not path.exists():
            continue  # this notebook has no words of its own
        try:
            words = read(project, meeting, path, collect=problems)
        except DataError as error:  # the file itself cannot be read
            problems += error.problems
            continue
        if notes is not None:
            notes += [f"{record.STALE}{note}" for note in words.notes]
        for name, line in words.slots:
            if declared is not None and name not in declared:
                problems.append(
                    Problem(
                        words.shown,
                        f"places {name!r}, which {project.relative(config.notebook_path(report))}"
                        f" does not offer (it offers: {', '.join(sorted(declared)) or 'nothing'})",
                        line=line,
                    )
                )
    folder = project.data_dir(meeting) / FOLDER
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.suffix == ".md" and path.stem not in config.params.reports:
            problems.append(
                Problem(
                    project.relative(path),
                    f"is the words of no report of meeting {meeting} "
                    f"(its reports: {', '.join(config.params.reports)}); rename or remove it",
                )
            )
    return problems
