import pytest

from reportlib.exceptions import MeetingIdError, OutsideFolderError, ReportlibError
from reportlib.paths import Project, contained, find_project, validate_meeting_id


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
    with pytest.raises(OutsideFolderError, match="outside"):
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


def test_contained_follows_links_and_refuses_one_that_leaves(tmp_path):
    folder = tmp_path / "supplied"
    folder.mkdir()
    (folder / "real.pdf").write_text("x")
    (folder / "inside.pdf").symlink_to("real.pdf")
    (folder / "outside.pdf").symlink_to("/etc/os-release")
    assert contained(folder / "inside.pdf") == (folder / "real.pdf").resolve()
    with pytest.raises(OutsideFolderError, match=r"^shown.pdf: leads outside its folder supplied/"):
        contained(folder / "outside.pdf", shown="shown.pdf")


def test_contained_refuses_a_confidential_file_outside_a_confidential_folder(tmp_path):
    meeting = tmp_path / "2020-12"
    (meeting / "confidential").mkdir(parents=True)
    (meeting / "confidential" / "minutes.csv").write_text("x")
    (meeting / "minutes.csv").symlink_to("confidential/minutes.csv")
    with pytest.raises(OutsideFolderError, match="leads into a confidential/ folder"):
        contained(meeting / "minutes.csv")
    assert contained(meeting / "confidential" / "minutes.csv").name == "minutes.csv"


def test_a_link_is_named_as_itself(project):
    link = project.notebooks / "link.ipynb"
    link.symlink_to("/etc/os-release")
    assert project.relative(link) == "notebooks/link.ipynb"
