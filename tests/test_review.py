"""The review page: every agenda item, its status, warnings and links; what moved."""

import dataclasses
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportlib import review
from reportlib.build import build
from reportlib.manifest import Failure
from reportlib.params import load_meeting
from reportlib.progress import Progress

from helpers import run_cli
from packed import CONFIDENTIAL_MARKDOWN, built_meeting, copy_built, make_agenda_project


class Page(HTMLParser):
    """Links, ids and text of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.sources: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.words: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        found = dict(attrs)
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        self.sources += [v for k, v in attrs if k in ("src", "srcset", "data", "action")]

    def handle_data(self, data):
        self.words.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_meeting(tmp_path_factory)


@pytest.fixture(scope="module")
def html(built):
    return (built.out / "index.html").read_text(encoding="utf-8")


def test_every_item_is_listed_with_its_status(html):
    text = Page(html).text
    for row in (
        "1. Welcome, Apologies and Declarations of Interest No paper",
        "2. Confidential minutes of the previous meeting Confidential 1 - 2",
        "3. Sales in 2020: <em>an update</em> Built 3 - 5",
        "4. An update on next year - verbal update Verbal update",
        "5. Improvement activity of other boards Supplied 6 - 7",
        "6. A leaflet from a partner Supplied 8 - 9",
        "7. A greeting Built 10 - 11",
        "8. Sales by region Built 12 - 13",
        "9. Broken Failed 14",
        "10. Any Other Business No paper",
    ):
        assert row in text
    assert "NON-CONFIDENTIAL ITEMS" in text
    assert "3 of 4 reports built; 1 failed" in text


def test_values_are_escaped(html):
    assert "<em>an update</em>" not in html
    assert "Sales in 2020: &lt;em&gt;an update&lt;/em&gt;" in html


def test_house_style_reaches_the_stylesheet_unescaped(html):
    styles = html.split("</style>")[0]
    assert "font-family: Arial, 'Helvetica Neue'" in styles and "&#39;" not in styles


def test_a_failed_report_shows_its_failing_cell_and_error(html):
    text = Page(html).text
    assert "The notebook failed in cell 3 of notebooks/raises_error.ipynb" in text
    assert "# compute the ratio 1 / 0" in text  # the cell's source
    assert "ZeroDivisionError : division by zero" in text


def test_a_failure_in_the_injected_parameters_cell_shows_no_cell(tmp_path):
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "name = 'injected'"},
        {"cell_type": "code", "metadata": {"reportlib": {"cell": 1}}, "source": "x = 1"},
    ]
    (tmp_path / "r.failed.ipynb").write_text(json.dumps({"cells": cells}))
    assert review._failing_source(tmp_path, "r", 1) == "x = 1"
    assert review._failing_source(tmp_path, "r", None) is None


def test_the_pack_is_shown_as_a_draft_not_for_publication(html):
    text = Page(html).text
    assert "The pack is a draft: do not publish it." in text
    assert "A draft pack, not for publication: pack-draft.pdf , 18 pages" in text
    assert "No complete pack has been made yet." in text


def test_a_build_from_a_dirty_tree_says_it_cannot_be_reproduced(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    path = out / "manifest.json"
    found = json.loads(path.read_text())
    config = load_meeting(project, "2020-12")
    warning = "these outputs cannot be reproduced from a commit"
    for dirty in (False, True):
        found["git"] = {"commit": "0123456789abcdef", "dirty": dirty}
        path.write_text(json.dumps(found))
        text = Page(review.render(review.context(config, out))).text
        assert "0123456789ab" in text
        assert (warning in text) is dirty


def test_links_from_pack_json_stay_inside_the_meeting(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    info = json.loads((out / "pack.json").read_text())
    (out.parent / "elsewhere.pdf").write_text("not for this page")
    info["confidential_pack"] = "../elsewhere.pdf"
    info["items"][2]["pdf_page"] = "7 onclick=alert(1)"
    (out / "pack.json").write_text(json.dumps(info))
    page = Page(review.render(review.context(load_meeting(project, "2020-12"), out)))
    assert not any("elsewhere" in link for link in page.links)
    assert not any(link.startswith("pack-draft.pdf#page=7") for link in page.links)
    assert "pack-draft.pdf#page=10" in page.links  # item 5's, which is well formed


def test_warnings_of_reports_and_pack_are_shown(built, html):
    text = Page(html).text
    manifest = json.loads((built.out / "manifest.json").read_text())["reports"]
    for warning in manifest["renders_paper"]["warnings"]:
        assert " ".join(warning.split()) in text
    assert "the confidential pack was not made" in text


def test_every_link_resolves_and_nothing_is_fetched(built, html):
    page = Page(html)
    assert page.links
    for href in page.links:
        target, _, fragment = href.partition("#")
        if not target:
            assert fragment in page.ids, href
        else:
            assert "://" not in href and not href.startswith("/"), href
            assert (built.out / target).is_file(), href
    for name in ("pack-draft.pdf", "build.log", "greets.html", "greets.pdf", "greets.ipynb"):
        assert name in page.links
    assert "raises_error.failed.ipynb" in page.links
    assert "pack-draft.pdf#page=7" in page.links  # item 3 starts on pack page 3, after 4 front
    assert not page.sources and "script" not in page.tags
    assert "default-src 'none'" in html


def test_page_structure_for_assistive_technology(html):
    page = Page(html)
    assert {"header", "main", "footer", "caption", "h1", "h2", "h3"} <= page.tags
    assert '<html lang="en-GB">' in html
    assert '<th scope="col">Item</th>' in html and '<th scope="row">' in html


def test_no_earlier_meeting_says_so(html):
    assert "No earlier meeting has been built" in Page(html).text


def test_key_figures_are_shown_with_no_earlier_meeting(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    _with_figures(out / "greets.ipynb", {"members": {"label": "Members greeted", "value": 3}})
    text = Page(review.render(review.context(load_meeting(project, "2020-12"), out))).text
    assert "so there is nothing to compare with; the key figures of this meeting are below" in text
    assert "Figure This meeting (2020-12) Members greeted 3" in text


def test_a_second_build_shows_the_changed_sentence_and_figure(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    notebook = project.notebooks / "renders_paper.ipynb"
    notebook.write_text(
        notebook.read_text().replace("A closing paragraph.", "A final paragraph."),
        encoding="utf-8",
    )
    sales = project.data_dir("2020-12") / "sales.csv"
    sales.write_text(sales.read_text().replace("North,120", "North,150"), encoding="utf-8")
    result = build(
        project,
        "2020-12",
        reports=["renders_paper"],
        engine="typst",
        progress=Progress(io.StringIO(), tty=False),
    )
    assert not result.failed
    page = (project.output_dir("2020-12") / "index.html").read_text(encoding="utf-8")
    text = Page(page).text
    assert "Since the previous build of this meeting (" in text
    assert "Sales by region (£'000): North, amount 120 150" in text  # the table's cell
    assert "Sales by region (£'000): Total, amount 300 330" in text
    assert (
        '<del><span class="rv-hidden">[removed: </span>closing<span class="rv-hidden">]</span>'
        '</del> <ins><span class="rv-hidden">[added: </span>final<span class="rv-hidden">]'
        "</span></ins> paragraph." in page
    )
    assert "<del>" in page and "£300k" in text and "£330k" in text  # the sentence's figure
    # The other papers were not built again: no change since their previous build.
    assert "This is the first build of this meeting recorded." in text


def test_inputs_changed_after_the_build_show_a_banner(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    sales = project.data_dir("2020-12") / "sales.csv"
    sales.write_text(sales.read_text() + "East,10,0.0\n", encoding="utf-8")
    out = project.output_dir("2020-12")
    text = Page(review.render(review.context(load_meeting(project, "2020-12"), out))).text
    assert "Inputs changed after this build:" in text
    assert "data/2020-12/sales.csv (changed)" in text
    fresh = copy_built(built, tmp_path / "fresh")
    page = review.render(
        review.context(load_meeting(fresh, "2020-12"), fresh.output_dir("2020-12"))
    )
    assert "Inputs changed after this build" not in page


def _with_figures(path: Path, figures: dict) -> None:
    nb = json.loads(path.read_text())
    nb["metadata"].setdefault("reportlib", {})["key_figures"] = figures
    path.write_text(json.dumps(nb))


def test_key_figures_beside_last_meetings(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    out = project.output_dir("2020-12")
    _with_figures(
        out / "greets.ipynb",
        {
            "members": {"label": "Members greeted", "value": 3, "units": ""},
            "online": {"label": "Share online", "value": 62.5, "units": "%"},
            "budget": {"label": "Budget", "value": 1200, "units": "£"},
            "fresh": {"label": "A new figure", "value": 7, "units": "councils"},
        },
    )
    earlier = project.output_dir("2020-09")
    earlier.mkdir()
    (earlier / "manifest.json").write_text("{}")
    (earlier / "greets.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    _with_figures(
        earlier / "greets.ipynb",
        {
            "members": {"label": "Members greeted", "value": 2, "units": ""},
            "online": {"label": "Share online", "value": 60, "units": "%"},
            "budget": {"label": "Budget", "value": 1500, "units": "£"},
            "gone": {"label": "A dropped figure", "value": 1, "units": ""},
        },
    )
    project.output_dir("2020-11").mkdir()  # not built: no manifest
    later = project.output_dir("2021-03")
    later.mkdir()
    (later / "manifest.json").write_text("{}")  # built, but after this meeting

    text = Page(review.render(review.context(load_meeting(project, "2020-12"), out))).text
    assert "Key figures of each report beside those of meeting 2020-09" in text
    assert "Members greeted 3 2 +1 (+50.0%)" in text
    assert "Share online 62.5% 60% +2.5 points" in text
    assert "Budget £1,200 £1,500 \u2212£300 (\u221220.0%)" in text
    assert "A new figure 7 councils \u2013 new" in text
    assert "A dropped figure \u2013 1 no longer reported" in text


@pytest.mark.parametrize(
    ("value", "units", "shown"),
    [
        (1234567, "", "1,234,567"),
        (0.125, "%", "0.125%"),  # as stated: never rounded
        (-3.5, "£", "\u2212£3.5"),
        (19200.0, "£'000", "£19,200k"),
        (12.0, "councils", "12 councils"),
        (None, "", "\u2013"),
        ("n/a", "", "n/a"),
    ],
)
def test_numbers_are_shown_in_house_style(value, units, shown):
    assert review.number(value, units) == shown


def test_change_is_unchanged_when_equal_and_blank_when_not_numeric():
    assert review.change(5, 5) == "no change"
    assert review.change(4, 5, "") == "\u22121 (\u221220.0%)"
    assert review.change(1, 0) == "+1"
    assert review.change("x", 5) == "\u2013"
    assert review.change(3, None) == "new"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_review_command_writes_the_page_and_serves_it_locally(built, tmp_path):
    project = copy_built(built, tmp_path / "project")
    page = project.output_dir("2020-12") / "index.html"
    page.unlink()
    done = run_cli(project, "review", "2020-12", "--no-serve")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "outputs/2020-12/index.html" and page.is_file()

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
    server = subprocess.Popen(
        [sys.executable, "-m", "reportlib.cli", "review", "2020-12", "--port", str(port)],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, body = time.monotonic() + 30, None
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as r:
                    body = r.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
        assert body is not None and "Build review: meeting 2020-12" in body
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_review_of_a_meeting_never_built_is_refused(tmp_path):
    project = make_agenda_project(tmp_path / "project")
    done = run_cli(project, "review", "2020-12", "--no-serve")
    assert done.returncode == 1
    assert done.stderr.startswith("error: meeting 2020-12 has not been built yet")


FAILING_REPORTS = {
    "reads_words": "params",  # its words file uses a YAML alias
    "reads_data": "data",  # its CSV has a header and no rows
    "renders_paper": "data",  # the same CSV
    "raises_error": "execute",
    "exits_early": "execute",
    "has_no_kernel": "execute",
    "kills_its_kernel": "kernel",
    "shows_outside_image": "html",
}


@pytest.fixture(scope="module")
def failures(tmp_path_factory):
    """The agenda meeting with a report failing in every way a report can, built once."""
    from reportlib.build import build
    from reportlib.progress import Progress

    from packed import AGENDA_PARAMS

    project = make_agenda_project(tmp_path_factory.mktemp("failures") / "project")
    names = [n for n in FAILING_REPORTS if n not in AGENDA_PARAMS]
    reports = "".join(f"  {n}:\n    title: Fails {n}\n" for n in names)
    agenda = "".join(f"  - report: {n}\n" for n in names)
    text = AGENDA_PARAMS.replace("agenda:\n", reports + "agenda:\n").replace(
        "  - title: Any Other Business\n", agenda + "  - title: Any Other Business\n"
    )
    project.params_file("2020-12").write_text(text, encoding="utf-8")
    data = project.data_dir("2020-12")
    (data / "words.yaml").write_text("a: &a [x]\nb: *a\n", encoding="utf-8")
    (data / "sales.csv").write_text("region,amount,share_pct\n", encoding="utf-8")
    stream = io.StringIO()
    # the header-only CSV would stop the build in its data check; the notebook meets it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reportlib.data.check_meeting_data", lambda *a: [])
        result = build(project, "2020-12", progress=Progress(stream, tty=False), engine="typst")
    return project, result


def test_every_kind_of_report_failure_is_on_the_review_page(failures):
    from packed import AGENDA_PARAMS

    project, result = failures
    out = project.output_dir("2020-12")
    assert sorted(j.name for j in result.failed) == sorted(FAILING_REPORTS)
    assert [j.name for j in result.jobs if j.error is None] == ["greets"]
    assert (out / "greets.html").is_file() and (out / "greets.pdf").is_file()
    assert (out / "pack-draft.pdf").is_file()
    reports = json.loads((out / "manifest.json").read_text())["reports"]
    page = Page((out / "index.html").read_text(encoding="utf-8")).text
    for name, stage in FAILING_REPORTS.items():
        error = reports[name]["error"]
        assert reports[name]["status"] == "failed"
        assert set(error) == {f.name for f in dataclasses.fields(Failure)}
        assert error["stage"] == stage, name
        assert f"Fails {name}" in page or f"report: {name}" in AGENDA_PARAMS
    assert "The HTML could not be rendered" in page
    assert "The notebook's kernel stopped in cell 2" in page
    assert "Its data could not be loaded in cell 2" in page
    assert "SystemExit" in page and "No language found" in page
    assert "anchors and aliases are not allowed" in page


def test_a_pack_failure_is_recorded_and_on_the_review_page(failures, tmp_path):
    import shutil

    from reportlib import manifest
    from reportlib.assembly import finish
    from reportlib.exceptions import ReportlibError
    from reportlib.layout import MeetingOutputs
    from reportlib.paths import Project
    from reportlib.progress import Progress

    root = tmp_path / "copy"
    shutil.copytree(failures[0].root, root, ignore=shutil.ignore_patterns(".lock"))
    project = Project(root)
    params = project.params_file("2020-12")
    params.write_text(params.read_text().replace("pages: 2", "pages: 7"))
    confidential = project.data_dir("2020-12") / "confidential"
    confidential.mkdir()
    # its rendered pages differ from the 7 the agenda gives: found only when the pack is made
    (confidential / "minutes.md").write_text(CONFIDENTIAL_MARKDOWN, encoding="utf-8")
    config = load_meeting(project, "2020-12")
    out = project.output_dir("2020-12")
    with pytest.raises(ReportlibError, match=r"minutes\.md"):
        record = manifest.load(out)
        quiet = Progress(io.StringIO(), tty=False)
        finish(config, MeetingOutputs(out), record, ("html", "pdf"), quiet, [])
    stored = json.loads((out / "manifest.json").read_text())["pack"]["error"]
    assert stored["stage"] == "pack" and "minutes.md" in stored["message"]
    page = Page((out / "index.html").read_text(encoding="utf-8")).text
    assert "The pack could not be made" in page and "minutes.md" in page


def test_a_pdf_failure_is_on_the_page_and_in_the_summary(tmp_path):
    from helpers import write_params
    from packed import COMPLETE_PARAMS

    project = make_agenda_project(tmp_path / "project")
    write_params(project, COMPLETE_PARAMS)
    path = os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"])
    done = run_cli(project, "build", "2020-12", "--engine", "quarto", path=path)
    assert done.returncode == 1, done.stderr
    assert "3 of 3 reports failed:" in done.stderr
    assert "Traceback" not in done.stderr
    page = Page((project.output_dir("2020-12") / "index.html").read_text()).text
    assert "The PDF could not be rendered" in page and "'quarto' is not on PATH" in page
    assert run_cli(project, "review", "2020-12", "--no-serve").returncode == 0


@pytest.fixture
def serving(built, tmp_path):
    """The built meeting served in this process, with a confidential pack and a dotfile."""
    import http.client
    import threading

    out = copy_built(built, tmp_path / "project").output_dir("2020-12")
    (out / "confidential").mkdir(exist_ok=True)
    (out / "confidential" / "pack-confidential.pdf").write_bytes(b"%PDF secret")
    (out / ".staging" / "build-x").mkdir(parents=True)
    (out / ".staging" / "build-x" / "greets.html").write_text("half built")
    (out / "leak.pdf").symlink_to("/etc/passwd")

    def serve(confidential=False):
        server = review.server(out, _free_port(), confidential=confidential)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        port = server.server_address[1]

        def get(path, host=f"127.0.0.1:{port}"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            status, body = response.status, response.read()
            conn.close()
            return status, body

        return get, port

    servers: list = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_review_server_serves_published_files_only(serving):
    get, port = serving()
    assert get("/")[0] == 200 and b"Build review" in get("/")[1]
    for path in ("/index.html", "/greets.html", "/greets.pdf", "/greets.ipynb", "/pack-draft.pdf"):
        assert get(path)[0] == 200, path
    assert get("/index.html", host=f"localhost:{port}")[0] == 200
    refused = [
        "/.lock",
        "/.staging/",
        "/.staging/build-x/greets.html",
        "/%2estaging/build-x/greets.html",
        "/confidential/",
        "/confidential/pack-confidential.pdf",
        "/leak.pdf",
        "/../../../etc/passwd",
    ]
    for path in refused:
        status, body = get(path)
        assert status == 404 and b"secret" not in body and b"root:" not in body, path


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1", "127.0.0.1:1", ""])
def test_the_review_server_refuses_another_host(serving, host):
    get, _ = serving()
    assert get("/index.html", host=host)[0] == 403


def test_the_confidential_pack_is_served_only_when_asked_for(serving):
    get, _ = serving(confidential=True)
    assert get("/confidential/pack-confidential.pdf") == (200, b"%PDF secret")
