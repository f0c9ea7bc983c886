import datetime as dt

import pytest

from reportlib.exceptions import ParamsError
from reportlib.params import load_meeting

from helpers import BASE_PARAMS, params_errors, write_params


def test_loads_the_meeting(project):
    config = load_meeting(project, "2020-12")
    assert config.params.meeting.date == dt.date(2020, 12, 17)
    assert config.params.meeting.time == "11:00"
    assert list(config.params.reports) == ["greets", "reads_data", "renders_paper"]
    assert config.notebook_parameters("greets") == {
        "meeting": "2020-12",
        "name": "Members",
        "count": 3,
    }
    assert config.notebook_path("greets").name == "greets.ipynb"


def test_missing_key_names_file_key_and_line(project):
    text = BASE_PARAMS.replace("  venue: Online via Zoom\n", "") + "  greets:\n    title: G\n"
    assert "params/2020-12.yaml:1: meeting.venue: is missing; add it" in params_errors(
        project, text
    )


def test_wrong_type(project):
    text = BASE_PARAMS + "  greets:\n    title: G\n    timeout: ten\n"
    message = params_errors(project, text)
    assert "params/2020-12.yaml:10: reports.greets.timeout:" in message
    assert "'ten'" in message


def test_malformed_date(project):
    text = BASE_PARAMS.replace("2020-12-17", "2020-13-45") + "  greets:\n    title: G\n"
    assert (
        "params/2020-12.yaml:4: meeting.date: '2020-13-45' is not a date; write it as YYYY-MM-DD"
    ) in params_errors(project, text)


def test_malformed_time(project):
    text = BASE_PARAMS.replace('"11:00"', "11am") + "  greets:\n    title: G\n"
    assert "meeting.time: write the start time as HH:MM" in params_errors(project, text)


def test_unknown_key_is_refused(project):
    text = BASE_PARAMS + "  greets:\n    title: G\n    titel: typo\n"
    assert "reports.greets.titel: is not a key this file takes" in params_errors(project, text)


def test_report_without_notebook(project):
    text = BASE_PARAMS + "  missing_paper:\n    title: M\n"
    assert (
        "params/2020-12.yaml:8: reports.missing_paper: has no notebook: "
        "notebooks/missing_paper.ipynb does not exist"
    ) in params_errors(project, text)


def test_unknown_parameter(project):
    text = BASE_PARAMS + "  greets:\n    title: G\n    parameters:\n      nmae: x\n"
    message = params_errors(project, text)
    assert (
        "params/2020-12.yaml:11: reports.greets.parameters.nmae: is not a parameter of "
        "notebooks/greets.ipynb (it declares: name, count, ratio)" in message
    )


@pytest.mark.parametrize(
    ("value", "ok"), [("3", True), ("'3'", False), ("2.5", False), ("true", False), ("null", False)]
)
def test_parameter_type_must_fit_the_notebook_default(project, value, ok):
    text = BASE_PARAMS + f"  greets:\n    title: G\n    parameters:\n      count: {value}\n"
    write_params(project, text)
    if ok:
        load_meeting(project, "2020-12")
    else:
        assert "reports.greets.parameters.count: is" in params_errors(project, text)


def test_list_items_must_fit_the_notebook_default(project):
    path = project.notebooks / "greets.ipynb"
    path.write_text(path.read_text().replace("ratio = 0.5", "ratio = 0.5\\nrounds = [25, 26]"))
    text = (
        BASE_PARAMS
        + "  greets:\n    title: G\n    parameters:\n"
        + "      rounds:\n        - 25\n        - twenty-six\n"
    )
    assert "params/2020-12.yaml:13: reports.greets.parameters.rounds.1: is str 'twenty-six'" in (
        params_errors(project, text)
    )


def test_an_alias_bomb_in_a_parameter_is_refused_before_it_expands(project):
    levels = "".join(f"  - &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]\n" for i in range(1, 10))
    text = "bomb:\n  - &l0 [x]\n" + levels + BASE_PARAMS
    assert "params/2020-12.yaml:2: is not valid YAML: uses the YAML anchor &l0" in (
        params_errors(project, text)
    )


def test_int_fits_a_float_parameter(project):
    write_params(
        project, BASE_PARAMS + "  greets:\n    title: G\n    parameters:\n      ratio: 1\n"
    )
    assert load_meeting(project, "2020-12").params.reports["greets"].parameters == {"ratio": 1}


def test_build_parameters_cannot_be_set(project):
    text = BASE_PARAMS + "  greets:\n    title: G\n    parameters:\n      meeting: '2021-01'\n"
    assert "reports.greets.parameters.meeting: is set by the build" in params_errors(project, text)


def test_notebook_must_declare_meeting(project):
    (project.notebooks / "other.ipynb").write_text(
        (project.notebooks / "greets.ipynb").read_text().replace('meeting = \\"2020-12\\"\\n', "")
    )
    text = BASE_PARAMS + "  other:\n    title: O\n"
    assert "does not declare 'meeting'" in params_errors(project, text)


def test_notebook_without_parameters_cell(project):
    (project.notebooks / "other.ipynb").write_text(
        (project.notebooks / "greets.ipynb").read_text().replace('"parameters"', '"x"')
    )
    text = BASE_PARAMS + "  other:\n    title: O\n"
    assert "notebooks/other.ipynb: has no cell tagged 'parameters'" in params_errors(project, text)


def test_meeting_id_must_match_the_file(project):
    text = BASE_PARAMS.replace('id: "2020-12"', 'id: "2021-03"') + "  greets:\n    title: G\n"
    assert "meeting.id: says '2021-03', but the file is for meeting '2020-12'" in params_errors(
        project, text
    )


def test_invalid_yaml(project):
    text = BASE_PARAMS + "  greets:\n    title: [G\n"
    assert "params/2020-12.yaml:9: is not valid YAML" in params_errors(project, text)


def test_no_params_file_names_the_file(project):
    with pytest.raises(
        ParamsError,
        match=r"params/2021-03.yaml: does not exist: meeting 2021-03 "
        r"has no parameters file \(meetings with one: 2020-12\)",
    ):
        load_meeting(project, "2021-03")


def test_every_problem_is_reported_at_once(project):
    text = BASE_PARAMS + (
        "  greets:\n    title: G\n    parameters:\n      a: 1\n      b: 2\n  nope:\n    title: N\n"
    )
    message = params_errors(project, text)
    assert message.startswith("3 problems in the meeting's parameters:")


def test_a_notebook_outside_notebooks_names_the_params_file_key_and_line(project):
    (project.notebooks / "elsewhere.ipynb").symlink_to(project.root / "outside.ipynb")
    text = BASE_PARAMS + "  greets:\n    title: G\n    notebook: elsewhere.ipynb\n"
    assert params_errors(project, text).startswith(
        "params/2020-12.yaml:10: reports.greets.notebook: names notebooks/elsewhere.ipynb, "
        "which leads outside its folder notebooks/"
    )
