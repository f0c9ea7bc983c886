"""``same_facts.yaml``: a fact two papers state is compared on every build."""

from __future__ import annotations

import io
import json

import pytest

from reportlib import samefacts
from reportlib.build import build, check
from reportlib.exceptions import DataError
from reportlib.params import load_meeting
from reportlib.progress import Progress

from helpers import BASE_PARAMS, write_params

PARAMS = BASE_PARAMS + "  greets:\n    title: A greeting\n  reads_data:\n    title: Sales\n"


def declare(project, greets: str, reads_data: str, extra: str = "") -> None:
    write_params(project, PARAMS)
    (project.data_dir("2020-12") / samefacts.FILE).write_text(
        "same_facts:\n"
        "  north_sales:\n"
        "    fact: Sales in the North\n"
        "    figures:\n"
        f"      greets: {greets}\n"
        f"      reads_data: {reads_data}\n" + extra,
        encoding="utf-8",
    )


def test_figures_that_differ_are_a_warning_naming_both_papers_and_rows(project):
    declare(project, "sales.North:amount", "sales.South:amount")
    config = load_meeting(project, "2020-12")
    facts, problems = samefacts.read(config)
    assert problems == []
    [found] = samefacts.warnings(config, facts)
    assert found.id == "same-fact/north_sales"
    assert found.message.startswith(
        "Sales in the North: greets states £120k (sales.North:amount) but reads_data states "
        "£180k (sales.South:amount). They are declared one fact in "
        "data/2020-12/same_facts.yaml, line 2"
    )


def test_figures_that_agree_say_nothing(project):
    declare(project, "sales.North:amount", "'{sales.North:amount}'", "    tolerance: 0\n")
    config = load_meeting(project, "2020-12")
    assert samefacts.warnings(config, samefacts.read(config)[0]) == []


def test_a_tolerance_allows_a_difference(project):
    declare(project, "sales.North:amount", "sales.South:amount", "    tolerance: 60\n")
    config = load_meeting(project, "2020-12")
    assert samefacts.warnings(config, samefacts.read(config)[0]) == []


@pytest.mark.parametrize(
    ("greets", "reads_data", "message"),
    [
        (
            "sales.North:amount",
            "sales.East:amount",
            "data/2020-12/same_facts.yaml:6: same_facts.north_sales.figures.reads_data: row "
            "'sales.East:amount' no row of data/2020-12/sales.csv has region = 'East'",
        ),
        (
            "sales.North:amount",
            "[sales.North:amount, sales.South:amount]",
            "data/2020-12/same_facts.yaml:4: every paper must name as many rows, in the same order",
        ),
        (
            "sales.North:price",
            "sales.North:amount",
            "data/2020-12/same_facts.yaml:5: same_facts.north_sales.figures.greets: row "
            "'sales.North:price' dataset sales has no column 'price'",
        ),
    ],
)
def test_a_row_that_does_not_exist_is_an_error_with_file_line_and_row(
    project, greets, reads_data, message
):
    declare(project, greets, reads_data)
    [problem] = samefacts.read(load_meeting(project, "2020-12"))[1]
    assert str(problem).startswith(message)


def test_a_paper_that_is_not_a_report_is_an_error(project):
    declare(project, "sales.North:amount", "sales.North:amount")
    path = project.data_dir("2020-12") / samefacts.FILE
    path.write_text(path.read_text().replace("reads_data:", "budget:"), encoding="utf-8")
    [problem] = samefacts.read(load_meeting(project, "2020-12"))[1]
    assert str(problem) == (
        "data/2020-12/same_facts.yaml:6: same_facts.north_sales.figures.budget: names 'budget', "
        "which is not a report of meeting 2020-12 (its reports: greets, reads_data)"
    )


def test_the_build_refuses_a_bad_declaration_and_warns_of_a_difference(project):
    declare(project, "sales.North:amount", "sales.West:amount")
    with pytest.raises(DataError, match="has region = 'West'"):
        check(project, "2020-12")
    declare(project, "sales.North:amount", "sales.South:amount")
    stream = io.StringIO()
    result = build(project, "2020-12", formats=(), progress=Progress(stream, tty=False))
    assert result.ok
    assert "Sales in the North: greets states £120k" in stream.getvalue()
    assert "[same-fact/north_sales]" in stream.getvalue()
    manifest = json.loads((project.output_dir("2020-12") / "manifest.json").read_text())
    assert [w["id"] for w in manifest["meeting_warnings"]] == ["same-fact/north_sales"]
    assert [w.id for w in result.verdict.unaccepted] == ["same-fact/north_sales"]
