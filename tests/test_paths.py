import pytest

from reportlib.exceptions import MeetingIdError, ReportlibError
from reportlib.paths import Project, find_project, validate_meeting_id


@pytest.mark.parametrize("meeting", ["2020-12", "2021-03", "2021-03-extra", "2021-03-a-2"])
def test_valid_meeting_ids(meeting):
    assert validate_meeting_id(meeting) == meeting


@pytest.mark.parametrize(
    "meeting",
    [
        "2020-13",
        "2020-00",
        "20-12",
        "2020-12-",
        "2020-12-Extra",
        "../2020-12",
        "2020-12/../x",
        "2020-12/../../etc/passwd",
        "/etc/passwd",
        "2020-12\n",
        "",
        "2020-12-..",
        "2020-12 ",
    ],
)
def test_meeting_ids_with_paths_or_bad_shape_are_refused(meeting, tmp_path):
    with pytest.raises(MeetingIdError, match="is not a meeting id"):
        validate_meeting_id(meeting)
    project = Project(tmp_path)
    for where in (project.params_file, project.data_dir, project.output_dir):
        with pytest.raises(MeetingIdError):
            where(meeting)


def test_meeting_paths_stay_in_their_folders(tmp_path):
    project = Project(tmp_path)
    assert project.params_file("2020-12") == (tmp_path / "params" / "2020-12.yaml").resolve()
    assert project.data_dir("2020-12").parent == (tmp_path / "data").resolve()
    assert project.output_dir("2020-12").parent == (tmp_path / "outputs").resolve()


def test_notebook_names_cannot_leave_notebooks(tmp_path):
    with pytest.raises(MeetingIdError, match="outside"):
        Project(tmp_path).notebook("../params/x.ipynb")


def test_find_project_walks_up_from_notebooks(project, monkeypatch):
    monkeypatch.delenv("REPORTLIB_ROOT", raising=False)
    assert find_project(project.notebooks).root == project.root.resolve()


def test_outside_a_project_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTLIB_ROOT", raising=False)
    with pytest.raises(ReportlibError, match="not inside a reportlib project"):
        find_project(tmp_path)


def test_meetings_are_listed_in_order(project):
    (project.params / "2021-03.yaml").write_text("")
    (project.params / "notes.yaml").write_text("")
    assert project.meetings() == ["2020-12", "2021-03"]
