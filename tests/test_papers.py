"""The four board papers, built from the project's own notebooks, params and data.

One session-scoped copy of the project builds two meetings: 2020-12 as the seed
states it, and a made-up second meeting whose figures differ, made only from new files
in params/ and data/ (no notebook is edited), to prove the papers follow the data.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportlib.build import build, check
from reportlib.exceptions import DataError
from reportlib.notebook import declared_parameters
from reportlib.params import load_meeting
from reportlib.paths import Project

from helpers import REPO

pytestmark = pytest.mark.slow
REPORTS = ("mou_update", "rps_stocktake", "lg_inform", "budget")
NEXT = "2021-03"


def copy_project(root: Path) -> Project:
    for folder in ("notebooks", "params", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("confidential"))
    return Project(root)


def edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_second_meeting(project: Project) -> None:
    """Meeting 2021-03: the December files with a few figures changed."""
    data = project.data_dir(NEXT)
    shutil.copytree(project.data_dir("2020-12"), data)
    edit_csv(
        data / "rps_programmes.csv",
        "all_remote_peer_support,delivered,programmes,51,",
        "all_remote_peer_support,delivered,programmes,63,",
    )
    edit_csv(data / "lg_inform_figures.csv", "registered_users,3560,", "registered_users,3710,")
    edit_csv(data / "budget_breakdowns.csv", "income,1,CLG,19200,29.9", "income,1,CLG,19950,30.7")
    edit_csv(
        data / "resident_satisfaction_polling.csv",
        "trusts_council,Trusts the council,27,2020-10-01,64,",
        "trusts_council,Trusts the council,27,2020-10-01,66,",
    )
    edit_csv(
        data / "business_plan_priorities.csv",
        "Strong local democracy,16,",
        "Strong local democracy,16;17,",
    )
    params = project.params_file("2020-12").read_text(encoding="utf-8")
    params = params.replace('id: "2020-12"', f'id: "{NEXT}"').replace(
        "date: 2020-12-17", "date: 2021-03-05"
    )
    project.params_file(NEXT).write_text(params, encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("papers"))
    add_second_meeting(project)
    for meeting in ("2020-12", NEXT):
        result = build(project, meeting, reports=REPORTS)
        assert result.ok, [str(j.error) for j in result.failed]
    return project


def html(project: Project, report: str, meeting: str = "2020-12") -> str:
    page = (project.output_dir(meeting) / f"{report}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def pdf_text(project: Project, report: str, meeting: str = "2020-12") -> str:
    reader = PdfReader(project.output_dir(meeting) / f"{report}.pdf")
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


class Images(HTMLParser):
    """The alt text of every image of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")


def manifest(project: Project, meeting: str = "2020-12") -> dict:
    return json.loads((project.output_dir(meeting) / "manifest.json").read_text())["reports"]


KEY_FIGURES = {
    "rps_stocktake": [
        "51 programmes of RPS work to 47 councils",
        "68 peers from 51 councils",
    ],
    "lg_inform": ["3,560", "154,000", "222,000"],
    "budget": ["19,200", "29.9", "64,275"],
    "mou_update": ["68%", "Satisfied with way local council runs things"],
}


@pytest.mark.parametrize("report", REPORTS)
def test_each_paper_states_the_seed_figures_in_html_and_pdf(built, report):
    for text in (html(built, report), pdf_text(built, report)):
        for figure in KEY_FIGURES[report]:
            assert figure in text, f"{report}: {figure!r} missing"


@pytest.mark.parametrize("report", REPORTS)
def test_each_paper_has_the_board_paper_shape(built, report):
    text = pdf_text(built, report)
    for heading in ("Purpose of report", "Summary", "Contact officer"):
        assert heading in text
    assert re.search(r"Recommendations?", text) and re.search(r"Actions?", text)
    assert "Improvement and Innovation Board" in text and "17 December 2020" in text


@pytest.mark.parametrize(
    ("report", "charts"), [("mou_update", 1), ("rps_stocktake", 1), ("lg_inform", 2), ("budget", 5)]
)
def test_every_chart_has_alt_text_that_states_figures(built, report, charts):
    page = (built.output_dir("2020-12") / f"{report}.html").read_text(encoding="utf-8")
    images = Images()
    images.feed(page)
    alts = images.alts
    assert len(alts) == charts
    assert all(re.search(r"\d", alt) for alt in alts), alts
    assert all(not w.startswith(("cell", "no alt")) for w in manifest(built)[report]["warnings"])


def test_bold_lead_ins_keep_their_colons(built):
    words = (REPO / "data/2020-12/narrative/mou_update.md").read_text(encoding="utf-8")
    leads = re.findall(r"^\s*- \*\*([^*]+:)\*\*", words, re.M)
    assert len(leads) > 80
    for text in (html(built, "mou_update"), pdf_text(built, "mou_update")):
        text = re.sub(r"</?strong>", "", text).replace("…", "...")  # Typst's ellipsis
        missing = [lead for lead in leads if lead not in text]
        assert not missing, missing[:5]
        assert "Remote Peer Support: After COVID-19 arrived" in " ".join(text.split())


def test_budget_charts_replace_the_pie_charts_for_all_five_breakdowns(built):
    images = Images()
    images.feed((built.output_dir("2020-12") / "budget.html").read_text(encoding="utf-8"))
    titles = ("Income LG Group", "Other income LG Group", "Grant and contract income")
    titles += ("by business plan theme", "by service group")
    for title in titles:
        assert any(title in alt for alt in images.alts), title


def test_reconciliation_warnings_for_the_data_as_the_seed_states_it(built):
    warnings = {r: m["warnings"] for r, m in manifest(built).items()}
    assert any("stated total is 47" in w and "is 45" in w for w in warnings["rps_stocktake"])
    assert any("£63,608k" in w and "£63,606k" in w and "£2k" in w for w in warnings["budget"])
    assert any("102%" in w for w in warnings["lg_inform"])
    assert not any("13,751" in w for w in warnings["budget"])  # within the £1k tolerance
    assert not any("SDGs" in w for w in warnings["budget"])


def test_a_second_meeting_needs_only_new_params_and_data(built):
    assert "51 programmes of RPS work" in html(built, "rps_stocktake")
    assert "63 programmes of RPS work" in html(built, "rps_stocktake", NEXT)
    assert "3,710" in pdf_text(built, "lg_inform", NEXT) and "3,560" not in pdf_text(
        built, "lg_inform", NEXT
    )
    assert "19,950" in html(built, "budget", NEXT)
    # The table prints the share as stated (33.9), not one computed from changed amounts.
    assert "Other grants and contracts 21,799 33.9" in html(built, "budget", NEXT)
    assert "5 March 2021" in pdf_text(built, "mou_update", NEXT)
    sdgs = [w for w in manifest(built, NEXT)["budget"]["warnings"] if "SDGs" in w]
    assert re.fullmatch(
        r"Strong local democracy: the words \(line \d+\) list SDGs \[16\] but "
        r"data/2021-03/business_plan_priorities\.csv lists \[16, 17\]",
        sdgs[0],
    )
    # The stated share no longer matches the changed amount: a warning, not a silent fix.
    assert any(
        "income: share of Other grants" in w for w in manifest(built, NEXT)["budget"]["warnings"]
    )
    figures = json.loads((built.output_dir(NEXT) / "mou_update.ipynb").read_text())["metadata"][
        "reportlib"
    ]["key_figures"]
    assert figures["trusts_council"]["value"] == 66


def test_notebook_defaults_are_the_december_2020_parameters():
    project = Project(REPO)
    config = load_meeting(project, "2020-12")
    for report in REPORTS:
        declared = declared_parameters(config.notebook_path(report), report)
        assert declared["meeting"].default == "2020-12"
        for name, value in config.params.reports[report].parameters.items():
            assert declared[name].default == value, f"{report}.{name}"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "rps_programmes.csv",
            "offer_type,status,unit,value,description",
            "offer_type,status,unit,description",
            ":1: is missing column(s) value",
        ),
        (
            "lg_inform_figures.csv",
            "registered_users,3560,",
            "registered_users,many,",
            "column value: 'many' is not a number",
        ),
        (
            "rps_programmes.csv",
            "delivered,programmes,51,",
            "delivered,programmes,-51,",
            "column value: -51 is negative",
        ),
        (
            "budget_breakdowns.csv",
            "CLG,19200,29.9",
            "CLG,19200,129.9",
            "column stated_share_pct: 129.9 is above 100",
        ),
        (
            "lg_inform_browser_shares.csv",
            "Safari,2020-12-01,34",
            "Safari,2018-12-01,34",
            "repeats the key {'browser': 'Safari', 'month': '2018-12-01'}",
        ),
    ],
    ids=["missing-column", "wrong-type", "negative-count", "share-over-100", "duplicate-key"],
)
def test_schema_violations_in_the_real_data_stop_the_build(tmp_path, file, old, new, expected):
    project = copy_project(tmp_path)
    edit_csv(project.data_dir("2020-12") / file, old, new)
    with pytest.raises(DataError) as caught:
        check(project, "2020-12")
    assert f"data/2020-12/{file}:" in str(caught.value) and expected in str(caught.value)
