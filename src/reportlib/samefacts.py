"""Facts that two papers of one meeting state: declared once, compared on every build.

``data/<meeting>/same_facts.yaml`` names, for each fact, the row (or rows, in order)
each paper takes it from, written as a placeholder writes it::

    same_facts:
      lgi_page_views:                        # the key of the warning's id
        fact: LG Inform page views a month
        figures:
          mou_update: mou_highlight_figures.lgi_monthly_page_views
          lg_inform: lg_inform_figures.monthly_hits_average
        tolerance: 0                         # optional: by how much they may differ

When the papers' figures differ (beyond the tolerance) the build warns, naming both
papers, both figures and the rows they come from. A paper that should simply repeat
another's figure names the same row in its words, and needs no declaration. Every
problem in the file (a paper that is not a report of the meeting, a row that does not
exist) is an error with the file, line and row, before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlib.buildwarnings import SAME_FACT, BuildWarning
from reportlib.exceptions import Problem, ReportlibError
from reportlib.formats import kind
from reportlib.narrative import MeetingData
from reportlib.params import MeetingConfig
from reportlib.words import NAME, Names, PlaceholderProblem
from reportlib.yamlfile import YamlDocument, load_yaml

FILE = "same_facts.yaml"


@dataclass(frozen=True)
class Side:
    """What one paper states of a fact: its figures' texts, values and rows."""

    report: str
    rows: tuple[str, ...]
    values: tuple[Any, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class SameFact:
    key: str
    fact: str
    sides: tuple[Side, ...]
    tolerance: float
    line: int | None


def read(config: MeetingConfig) -> tuple[list[SameFact], list[Problem]]:
    """The meeting's declared facts with their figures, and every problem in the file."""
    path = config.project.data_dir(config.id) / FILE
    if not path.is_file():
        return [], []
    shown = config.project.relative(path)
    try:
        document = load_yaml(path, shown)
    except ReportlibError as error:
        return [], list(getattr(error, "problems", [Problem(shown, str(error))]))
    problems: list[Problem] = []

    def problem(message: str, loc: tuple, key: str | None = None) -> None:
        problems.append(Problem(shown, message, key, document.line(loc)))

    top = document.data
    if (
        not isinstance(top, dict)
        or set(top) != {"same_facts"}
        or not isinstance(top["same_facts"], dict)
    ):
        problem("must hold one mapping, 'same_facts:', of fact keys (see the README)", ())
        return [], problems
    data = MeetingData(config.project, config.id)
    facts = []
    for key, entry in top["same_facts"].items():
        loc = ("same_facts", key)
        found = _fact(config, data, document, str(key), entry, loc, problem)
        if found:
            facts.append(found)
    return facts, problems


def _fact(
    config: MeetingConfig,
    data: MeetingData,
    document: YamlDocument,
    key: str,
    entry: Any,
    loc: tuple,
    problem: Callable[..., None],
) -> SameFact | None:
    where = f"same_facts.{key}"
    if not NAME.fullmatch(key):
        problem("a fact's key is lower case letters, digits and '_'", loc, where)
        return None
    if not isinstance(entry, dict) or not {"fact", "figures"} <= set(entry):
        problem("give 'fact:' (what it is) and 'figures:' (paper: row)", loc, where)
        return None
    unknown = set(entry) - {"fact", "figures", "tolerance"}
    if unknown:
        problem(f"unknown key(s) {', '.join(sorted(unknown))}", loc, where)
    tolerance = entry.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        problem("'tolerance' must be a number, 0 or more", (*loc, "tolerance"), where)
        return None
    figures = entry["figures"]
    if not isinstance(figures, dict) or len(figures) < 2:
        problem("'figures:' names two papers or more, each with its row(s)", (*loc, "figures"))
        return None
    sides = []
    for report, rows in figures.items():
        at, here = (*loc, "figures", report), f"{where}.figures.{report}"
        if report not in config.params.reports:
            problem(
                f"names {report!r}, which is not a report of meeting {config.id} "
                f"(its reports: {', '.join(config.params.reports)})",
                at,
                here,
            )
            continue
        rows = [rows] if isinstance(rows, str) else rows
        if not isinstance(rows, list) or not rows or not all(isinstance(r, str) for r in rows):
            problem("give a row such as dataset.key, or a list of them", at, here)
            continue
        side = _side(data, str(report), rows, lambda m, at=at, h=here: problem(m, at, h))
        if side:
            sides.append(side)
    if len(sides) != len(figures):
        return None
    if len({len(s.rows) for s in sides}) != 1:
        problem("every paper must name as many rows, in the same order", (*loc, "figures"))
        return None
    return SameFact(key, str(entry["fact"]), tuple(sides), float(tolerance), document.line(loc))


def _side(
    data: MeetingData, report: str, rows: list[str], problem: Callable[[str], None]
) -> Side | None:
    values, texts = [], []
    for row in rows:
        reference = row.strip().strip("{}")
        try:
            figure = data.lookup(reference, Names())
            said = {"qualifier": "", "unit": figure.units or ""}
            columns = data.table(reference.split(".")[0]).columns
            for column in said:  # the row's own hedge ("over") and unit, where it has them
                if ":" not in reference and column in columns:
                    found = data.lookup(f"{reference}:{column}", Names()).value
                    said[column] = "" if found is None or str(found) == "nan" else str(found)
        except PlaceholderProblem as error:
            problem(f"row {row!r} {error}")
            return None
        text = figure.text
        if said["unit"] and kind(said["unit"]) is None:
            text += f" {said['unit']}"
        values.append(figure.value)
        texts.append(f"{said['qualifier']} {text}".strip())
    return Side(report, tuple(rows), tuple(values), tuple(texts))


def agree(fact: SameFact) -> bool:
    first = fact.sides[0].values
    for side in fact.sides[1:]:
        for a, b in zip(first, side.values, strict=True):
            numeric = all(isinstance(v, int | float) for v in (a, b))
            if (abs(a - b) > fact.tolerance + 1e-9) if numeric else a != b:
                return False
    return True


def warnings(config: MeetingConfig, facts: list[SameFact]) -> list[BuildWarning]:
    """One warning per declared fact whose papers' figures differ."""
    numbers = {item.report: n for n, item in config.numbered_agenda() if item.report}
    shown = config.project.relative(config.project.data_dir(config.id) / FILE)
    found = []

    def said(side: Side) -> str:
        number = numbers.get(side.report)
        paper = f"item {number} ({side.report})" if number else side.report
        return f"{paper} states {' and '.join(side.texts)} ({', '.join(side.rows)})"

    for fact in facts:
        if agree(fact):
            continue
        message = (
            f"{fact.fact}: {' but '.join(said(s) for s in fact.sides)}. They are declared one "
            f"fact in {shown}, line {fact.line}: make the figures agree, have both papers' "
            "words name one row, or accept the warning with the reason they differ"
        )
        found.append(BuildWarning(f"{SAME_FACT}/{fact.key}", message))
    return found
