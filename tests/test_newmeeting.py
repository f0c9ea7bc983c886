"""Starting the next meeting from the last: copied, TODO where a person must decide."""

from __future__ import annotations

import datetime as dt

import pytest

from reportlib.build import check
from reportlib.exceptions import MeetingIdError, ParamsError, ReportlibError
from reportlib.newmeeting import new_meeting
from reportlib.params import load_meeting

from helpers import run_cli


def litter(project) -> None:
    data = project.data_dir("2020-12")
    (data / ".ipynb_checkpoints").mkdir()
    (data / ".ipynb_checkpoints" / "sales-checkpoint.csv").write_text("x")
    (data / "sales.csv~").write_text("x")
    (data / "confidential").mkdir()
    (data / "confidential" / "minutes.md").write_text("secret")
    (data / "accept.yaml").write_text("accept: []\n")  # this meeting's, never the next's


def test_new_copies_data_and_params_and_leaves_the_date_to_do(project):
    litter(project)
    made = new_meeting(project, "2021-03", "2020-12")
    copied = sorted(p.relative_to(made.data).as_posix() for p in made.data.rglob("*"))
    assert copied == ["sales.csv", "sources.yaml"]
    text = made.params.read_text(encoding="utf-8")
    assert 'id: "2021-03"' in text and "date: TODO" in text and "time: TODO" in text
    assert any("they say TODO" in item for item in made.checklist)
    assert any("sales.csv" in item for item in made.checklist)
    with pytest.raises(ParamsError) as caught:
        check(project, "2021-03")
    message = str(caught.value)
    assert "params/2021-03.yaml:4: meeting.date: is still TODO" in message
    assert "params/2021-03.yaml:5: meeting.time: is still TODO" in message


def test_new_with_a_date_gives_a_meeting_that_checks(project):
    made = new_meeting(project, "2021-03", "2020-12", date=dt.date(2021, 3, 5))
    config = load_meeting(project, "2021-03")
    assert config.params.meeting.date == dt.date(2021, 3, 5)
    assert config.params.meeting.time == "11:00"  # the previous meeting's
    assert made.params.read_text(encoding="utf-8").startswith("meeting:")


@pytest.mark.parametrize(
    ("meeting", "previous", "error", "expected"),
    [
        ("2021-13", "2020-12", MeetingIdError, "2021-13"),
        ("../x", "2020-12", MeetingIdError, "../x"),
        ("2020-12", "2020-12", ReportlibError, "params/2020-12.yaml exists already"),
        ("2021-03", "2019-01", ReportlibError, "there is no meeting 2019-01 to start from"),
        ("2020-11", "2020-12", ReportlibError, "must come after 2020-12"),
    ],
    ids=["not-an-id", "a-path", "exists", "no-previous", "earlier"],
)
def test_new_refuses_and_writes_nothing(project, meeting, previous, error, expected):
    before = sorted(p for p in project.root.rglob("*"))
    with pytest.raises(error, match=expected.replace(".", r"\.")):
        new_meeting(project, meeting, previous)
    assert sorted(p for p in project.root.rglob("*")) == before


def test_a_date_outside_the_month_or_after_the_next_meeting_is_refused(project):
    path = project.params_file("2020-12")
    text = path.read_text(encoding="utf-8").replace("date: 2020-12-17", "date: 2021-01-07")
    path.write_text(text + "front_matter:\n  next_meeting: {date: 2020-12-01}\n")
    with pytest.raises(ParamsError) as caught:
        load_meeting(project, "2020-12")
    message = str(caught.value)
    assert "params/2020-12.yaml:4: meeting.date: is 2021-01-07, which is not in 2020-12" in message
    assert "front_matter.next_meeting.date: is 2020-12-01, which is not after" in message


def test_the_cli_prints_the_checklist(project):
    done = run_cli(project, "new", "2021-03", "--from", "2020-12", "--date", "2021-03-05")
    assert done.returncode == 0, done.stderr
    assert "meeting 2021-03 started from 2020-12" in done.stdout and "[ ] refresh" in done.stdout
    done = run_cli(project, "check", "2021-03")
    assert done.returncode == 0, done.stderr
    assert "data/2021-03/sales.csv is the same, byte for byte" in done.stdout
    done = run_cli(project, "new", "2021-03", "--from", "2020-12")
    assert done.returncode != 0 and "exists already" in done.stderr
