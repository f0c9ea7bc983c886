"""The sign-off gate is a function of the build record: no build is needed to test it."""

from reportlib import accept, signoff
from reportlib.buildwarnings import BuildWarning
from reportlib.failures import Failure
from reportlib.manifest import Manifest, ReportEntry
from reportlib.params import load_meeting


def test_refusals_of_a_record_in_memory(project):
    config = load_meeting(project, "2020-12")
    record = Manifest(
        meeting="2020-12",
        git={"commit": None, "dirty": None},
        reports={"greets": ReportEntry("failed", error=Failure("execute", "cell 2 failed"))},
    )
    warning = BuildWarning("greets/total", "the total differs")
    reasons = signoff.refusals(
        config, project.output_dir("2020-12"), record, accept.Verdict([warning])
    )
    assert "report greets failed: cell 2 failed" in reasons
    assert "report reads_data has not been built" in reasons
    assert any("not in a git repository" in r for r in reasons)
    typed = [r for r in reasons if r.warning is not None]
    assert [r.warning for r in typed] == [warning]
    assert typed[0] == "warning not accepted [greets/total]: the total differs"


def test_a_record_never_built_is_refused_for_that_alone(project):
    config = load_meeting(project, "2020-12")
    reasons = signoff.refusals(
        config, project.output_dir("2020-12"), Manifest(), accept.Verdict([])
    )
    assert reasons == ["meeting 2020-12 has never been built: run make report MEETING=2020-12"]


def test_a_warning_about_an_out_of_date_input_is_of_its_own_kind():
    stale = BuildWarning("a/b", "may be out of date: data/x.csv is last meeting's")
    assert stale.kind == "stale" and stale.text == "data/x.csv is last meeting's"
    assert BuildWarning("a/c", "the total differs").kind == "warning"
