"""The four board papers, built from the project's own notebooks, params and data.

One session-scoped copy of the project builds two meetings: 2020-12 as the seed
states it, and a made-up second meeting whose figures differ, made only from new files
in params/ and data/ (no notebook is edited), to prove the papers follow the data.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportlib.build import build, check
from reportlib.data import load_table
from reportlib.exceptions import DataError
from reportlib.newmeeting import new_meeting
from reportlib.notebook import declared_parameters
from reportlib.params import load_meeting
from reportlib.paths import Project

from helpers import REPO, commit_all, run_cli

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


# Round 28 of the polling (the latest summary measures, and one text-only result) and a
# newer browser month: the words name "the latest", so they must follow with no edit.
ROUND_28 = {
    "satisfied_local_area": 80,
    "satisfied_council_runs_things": 66,
    "trusts_council": 62,
    "well_informed": 61,
    "council_acts_on_concerns": 60,
    "council_value_for_money": 50,
}


def add_second_meeting(project: Project) -> None:
    """Meeting 2021-03, started with ``new`` from 2020-12; then only data edits."""
    new_meeting(project, NEXT, "2020-12", date=dt.date(2021, 3, 5))
    data = project.data_dir(NEXT)
    edit_csv(
        data / "rps_programmes.csv",
        "all_remote_peer_support,delivered,programmes,51,",
        "all_remote_peer_support,delivered,programmes,63,",
    )
    edit_csv(data / "lg_inform_figures.csv", "registered_users,3560,", "registered_users,3710,")
    edit_csv(data / "budget_breakdowns.csv", "income,1,CLG,19200,29.9", "income,1,CLG,19950,30.7")
    edit_csv(
        data / "business_plan_priorities.csv",
        "Strong local democracy,16,",
        "Strong local democracy,16;17,",
    )
    polling = data / "resident_satisfaction_polling.csv"
    rows = [line.split(",") for line in polling.read_text(encoding="utf-8").splitlines()[1:]]
    measures = {r[0]: r[1] for r in rows}
    extra = [f"{m},{measures[m]},28,2021-02-01,{pct},true" for m, pct in ROUND_28.items()]
    extra.append(f"trust_mps_decide,{measures['trust_mps_decide']},28,2021-02-01,15,false")
    with polling.open("a", encoding="utf-8") as out:
        out.write("\n".join(extra) + "\n")
    with (data / "lg_inform_browser_shares.csv").open("a", encoding="utf-8") as out:
        out.write(
            "Internet Explorer/Edge,2021-02-01,6\nSafari,2021-02-01,36\nChrome,2021-02-01,38\n"
        )


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
    assert not any("SDGs" in w for w in warnings["budget"])


def test_a_total_that_differs_by_rounding_is_a_warning_and_a_note_under_its_table(built):
    budget = manifest(built)["budget"]
    rounding = [w for w in budget["warnings"] if "£13,752k" in w and "£13,751k" in w]
    assert len(rounding) == 1 and rounding[0].endswith("(tolerance £1k: rounding)")
    assert "total-other-income" in budget["warning_ids"]
    note = "The breakdown sums to 13,752 because of rounding; the stated total is 13,751"
    assert note in html(built, "budget") and note in pdf_text(built, "budget")
    # Two breakdowns of one total that disagree: a note under each of them.
    assert "The breakdown sums to 63,608, but expenditure by service group is 63,606" in html(
        built, "budget"
    )
    assert "The breakdown sums to 63,606, but expenditure by business plan theme" in pdf_text(
        built, "budget"
    )


def test_the_four_facts_two_papers_state_differently_are_warned_of(built):
    found = json.loads((built.output_dir("2020-12") / "manifest.json").read_text())
    warnings = {w["id"]: w["message"] for w in found["meeting_warnings"]}
    assert list(warnings) == [
        "same-fact/rps_councils",
        "same-fact/lgi_monthly_use",
        "same-fact/covid_report_use",
        "same-fact/brps_days",
    ]
    assert (
        "item 3 (mou_update) states 36 councils and 41 councils"
        in warnings["same-fact/rps_councils"]
    )
    assert "item 5 (rps_stocktake) states 47" in warnings["same-fact/rps_councils"]
    assert "over 200,000 page views per month" in warnings["same-fact/lgi_monthly_use"]
    assert (
        "item 7 (lg_inform) states 154,000 hits per month" in warnings["same-fact/lgi_monthly_use"]
    )
    assert "over 600,000 downloads" in warnings["same-fact/covid_report_use"]
    assert "700,000 accesses" in warnings["same-fact/covid_report_use"]
    assert "states 2 days and 3 days" in warnings["same-fact/brps_days"]
    assert "states 3 days and 4 days" in warnings["same-fact/brps_days"]
    assert all("data/2020-12/same_facts.yaml, line" in m for m in warnings.values())


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
    assert figures["trusts_council"]["value"] == 62


def test_the_words_follow_the_periods_forward_with_no_edit(built):
    mou, lg = pdf_text(built, "mou_update", NEXT), pdf_text(built, "lg_inform", NEXT)
    assert "In the February 2021 round, 66% of people are satisfied" in mou
    assert "62% trust it and 61% feel it keeps them informed" in mou
    assert "down from 64% in October 2020" in mou and "against 15% for MPs" in mou
    assert "Round 28, Feb 2021 (%)" in html(built, "mou_update", NEXT)  # the table moved too
    assert "Between December 2020 and February 2021" in lg
    assert "fell from 8% of users to 6%" in lg and "rose from 34% to 36%" in lg
    assert "rounds 25 to 28 (February 2020 to February 2021)" in html(built, "mou_update", NEXT)
    shares = load_table("lg_inform_browser_shares", NEXT, project=built)
    assert shares.attrs["source"].startswith("LG Inform web analytics, December 2020 and Feb")
    # December's words, unchanged, still print December's figures for December.
    assert "In the October 2020 round, 68% of people" in pdf_text(built, "mou_update")


def test_what_may_be_out_of_date_is_a_warning(built):
    warnings = manifest(built, NEXT)["mou_update"]["warnings"]
    stale = [w for w in warnings if w.startswith("may be out of date: ")]
    assert any("mou_highlight_figures.csv is the same, byte for byte, as" in w for w in stale)
    assert not any("resident_satisfaction_polling.csv is the same" in w for w in stale)
    assert any(
        re.search(r"narrative/mou_update\.md:\d+: 'April 2020' lies before", w) for w in stale
    )
    assert not any(
        w.startswith("may be out of date") for w in manifest(built)["mou_update"]["warnings"]
    )
    page = (built.output_dir(NEXT) / "index.html").read_text(encoding="utf-8")
    assert "<strong>May be out of date</strong>" in page
    assert "<li>data/2021-03/mou_highlight_figures.csv is the same, byte for byte" in page


def test_a_placeholder_fixed_to_an_old_round_is_named_with_its_line(built):
    from reportlib.narrative import read

    path = built.data_dir(NEXT) / "narrative" / "fixed.md"
    path.write_text(
        "---\npurpose: x\n---\n\nTrust was "
        "{resident_satisfaction_polling.trusts_council.27:pct}.\n",
        encoding="utf-8",
    )
    try:
        words = read(built, NEXT, path)
    finally:
        path.unlink()
    assert [str(n) for n in words.notes] == [
        "data/2021-03/narrative/fixed.md:5: column 11: "
        "{resident_satisfaction_polling.trusts_council.27:pct} names round 27, but "
        "data/2021-03/resident_satisfaction_polling.csv has a later round, 28: write 'latest' "
        "(or 'previous') in place of 27 if the words mean the newest figure"
    ]


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


DATED = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|\b(19|20)\d\d\b|\bround \d+",
    re.I,
)


@pytest.mark.parametrize("report", REPORTS)
def test_no_notebook_names_a_month_a_year_or_a_round(report):
    nb = json.loads((REPO / "notebooks" / f"{report}.ipynb").read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue  # the parameters cell holds the December 2020 defaults, by design
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [m.group(0) for m in DATED.finditer(node.value)]
    assert not found, f"notebooks/{report}.ipynb: {found}"


def test_every_pdf_of_the_meeting_is_pdf_ua_1(built):
    out = built.output_dir("2020-12")
    pdfs = sorted(out.glob("*.pdf"))
    assert {p.name for p in pdfs} == {f"{r}.pdf" for r in REPORTS} | {"pack.pdf"}
    for path in pdfs:
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        packet = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", packet), path.name
        assert f'<rdf:li xml:lang="x-default">{reader.metadata.title}</rdf:li>' in packet
        assert "<reportlib:meeting>2020-12</reportlib:meeting>" in packet, path.name
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True, path.name
        assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB", path.name
        assert len(root["/StructTreeRoot"]["/K"]) > 0, path.name
    # Row headers: the budget's tables head each row with its first cell.
    budget = PdfReader(out / "budget.pdf").trailer["/Root"]["/StructTreeRoot"]
    scopes, stack = [], [budget["/K"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack += node
        elif isinstance(node, dict) and "/S" in node:
            if node["/S"] == "/TH":
                attrs = node["/A"] if isinstance(node["/A"], list) else [node["/A"]]
                scopes += [a.get_object().get("/Scope") for a in attrs]
            stack.append(node.get("/K", []))
    assert "/Row" in scopes and "/Column" in scopes


def test_the_review_page_shows_what_changed_since_the_last_meeting(built):
    page = (built.output_dir(NEXT) / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Since meeting 2020-12" in text
    assert "Figures that changed" in text and "£19,950k" in text
    assert "[removed: </span>51" in page and "[added: </span>63" in page  # in a sentence


def test_the_meeting_publishes_only_once_its_warnings_are_accepted(tmp_path):
    from reportlib import accept

    project = copy_project(tmp_path / "project")
    commit_all(project.root)
    result = build(project, "2020-12")
    unaccepted = {w.id for w in result.verdict.unaccepted}
    assert {"budget/total-other-income", "same-fact/rps_councils", "same-fact/brps_days"} <= (
        unaccepted
    )
    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 1
    assert all(f"[{wid}]" in done.stderr for wid in unaccepted)

    config = load_meeting(project, "2020-12")
    entries = [
        f"  - id: {wid}\n    reason: Stated so in the source papers.\n    by: A Reviewer"
        for wid in sorted(unaccepted)
    ]
    accept.path(config).write_text("accept:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    commit_all(project.root, "accept the warnings")
    assert not build(project, "2020-12").verdict.unaccepted
    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 0, done.stderr
    published = project.output_dir("2020-12") / "published"
    signoff = json.loads((published / "signoff.json").read_text(encoding="utf-8"))
    assert {"pack.pdf", "budget.pdf", "budget.html"} <= set(signoff["files"])
    for name, digest in signoff["files"].items():
        assert _sha256(published / name) == digest

    words = project.data_dir("2020-12") / "narrative" / "budget.md"
    words.write_text(words.read_text(encoding="utf-8") + "\nOne more paragraph.\n")
    done = run_cli(project, "publish", "2020-12", "--by", "A Reviewer")
    assert done.returncode == 1 and "data/2020-12/narrative/budget.md (changed)" in done.stderr
    run_cli(project, "review", "2020-12", "--no-serve")
    page = (project.output_dir("2020-12") / "index.html").read_text(encoding="utf-8")
    assert "Inputs changed after this build:" in page


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
