"""``accept.yaml``: warnings accepted by id, with a reason and a name; bad entries refused."""

from __future__ import annotations

import pytest

from reportlib import accept
from reportlib.build import check
from reportlib.buildwarnings import BuildWarning
from reportlib.exceptions import DataError
from reportlib.params import load_meeting

from helpers import BASE_PARAMS, write_params

PARAMS = BASE_PARAMS + "  greets:\n    title: A greeting\n  warns:\n    title: Warnings\n"


@pytest.fixture
def config(project):
    write_params(project, PARAMS)
    return load_meeting(project, "2020-12")


def write(config, text: str) -> None:
    accept.path(config).write_text(text, encoding="utf-8")


def problems(config) -> list[str]:
    return [str(p) for p in accept.read(config, {"page_views"})[1]]


def test_an_entry_accepts_a_warning_by_its_id(config):
    write(
        config, "accept:\n  - id: warns/check-totals\n    reason: Rounding.\n    by: A Reviewer\n"
    )
    found, errors = accept.read(config, set())
    assert errors == [] and found == [
        accept.Acceptance("warns/check-totals", "Rounding.", "A Reviewer", 2)
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  - id: budget/total-x\n    reason: R.\n    by: N\n",
            "data/2020-12/accept.yaml:2: accept[1]: id 'budget/total-x' is unknown: 'budget' is "
            "not a report of meeting 2020-12, 'same-fact' or 'pack' (its reports: greets, warns)",
        ),
        (
            "  - id: same-fact/lgi\n    reason: R.\n    by: N\n",
            "data/2020-12/accept.yaml:2: accept[1]: id 'same-fact/lgi' is unknown: 'lgi' is not "
            "a fact declared in same_facts.yaml (it declares: page_views)",
        ),
        (
            "  - id: Totals differ by 3\n    reason: R.\n    by: N\n",
            "data/2020-12/accept.yaml:2: accept[1]: id 'Totals differ by 3' is not a warning id: "
            "copy it from the review page (it looks like budget/total-other-income)",
        ),
        (
            "  - id: warns/check-totals\n    by: N\n",
            "data/2020-12/accept.yaml:2: accept[1]: accepts warns/check-totals without a reason: "
            "say why the warning may stand",
        ),
        (
            "  - id: warns/check-totals\n    reason: R.\n",
            "data/2020-12/accept.yaml:2: accept[1]: accepts warns/check-totals without a name: "
            "say who accepts it ('by:')",
        ),
    ],
)
def test_a_bad_entry_is_an_error_with_file_and_line(config, entry, message):
    write(config, "accept:\n" + entry)
    assert problems(config) == [message]


def test_an_id_accepted_twice_is_an_error_naming_both_lines(config):
    entry = "  - id: warns/check-totals\n    reason: R.\n    by: N\n"
    write(config, "accept:\n" + entry + entry)
    assert problems(config) == [
        "data/2020-12/accept.yaml:5: accept[2]: accepts warns/check-totals again "
        "(first on line 2): keep one entry"
    ]


def test_check_and_build_refuse_a_bad_file_before_anything_runs(config, project):
    write(config, "accept:\n  - id: nowhere/x\n    reason: R.\n    by: N\n")
    with pytest.raises(DataError, match=r"accept.yaml:2: accept\[1\]: id 'nowhere/x' is unknown"):
        check(project, "2020-12")
    assert not project.output_dir("2020-12").exists()


def test_an_acceptance_that_matches_no_warning_is_itself_a_warning(config):
    warnings = [BuildWarning("warns/check-totals", "totals differ by 3")]
    acceptances = [
        accept.Acceptance("warns/check-totals", "Rounding.", "N", 2),
        accept.Acceptance("warns/gone", "Old.", "N", 5),
        accept.Acceptance("greets/w-1", "Not built yet.", "N", 8),
    ]
    verdict = accept.judge(config, warnings, acceptances, built={"warns"})
    assert list(verdict.accepted) == ["warns/check-totals"]
    assert [w.message for w in verdict.unaccepted] == [
        "data/2020-12/accept.yaml, line 5: the acceptance of warns/gone matches no warning of "
        "the last build: remove it, or correct its id"
    ]  # greets was never built: its acceptance is left alone
