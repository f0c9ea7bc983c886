"""Every HTML output of a build, checked by axe-core in Chromium at 1280 and 320 px wide.

axe-core comes from the locked ``axe-playwright-python`` package (its ``axe.min.js``),
so nothing is fetched. The pages forbid every script by their Content Security Policy,
and keep doing so: axe is injected through Playwright's test API, in a browser context
that is told to bypass the policy (``bypass_csp``), never by changing the page. Where
axe has no rule (duplicate ids, one ``h1``, link text out of context, chart text at a
phone's width), the checks below measure the page themselves.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import test_browser
from axe_playwright_python.base import AXE_FILE_PATH
from test_charts import svg_width_in
from test_papers import REPORTS, copy_project

from reportlib import style
from reportlib.build import build

from packed import built_meeting

pytestmark = pytest.mark.slow
browser = test_browser.browser  # the fixture: the system's Chromium, or a skip with the reason
WIDTHS = (1280, 320)
#: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
PAGES = [("2020-12", f"{r}.html") for r in REPORTS] + [("2020-12", "index.html")]
#: The fixture meeting: a failed report, a draft pack, supplied and confidential items.
FIXTURE_PAGES = [
    ("fixture", f"{n}.html") for n in ("index", "renders_paper", "reads_data", "greets")
]
GENERIC_LINKS = {"html", "pdf", "notebook", "here", "click here", "more", "link", "in the pack"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """The real 2020-12 meeting built from the project's files, and the fixture meeting."""
    project = copy_project(tmp_path_factory.mktemp("a11y"))
    result = build(project, "2020-12", reports=REPORTS)
    assert result.ok, [str(j.error) for j in result.failed]
    fixture = built_meeting(tmp_path_factory)
    return {"2020-12": project.output_dir("2020-12"), "fixture": fixture.out}


def open_page(browser, path: Path, width: int):
    """``path`` at ``width`` px, with axe-core injected; the page's own policy is untouched."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate(AXE_FILE_PATH.read_text(encoding="utf-8"))
    return page


def axe_violations(page) -> list[str]:
    """Each violation as ``rule (impact): element - what is wrong``."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, n['target']))} - {n['failureSummary']}"
        for v in results["violations"]
        for n in v["nodes"]
    ]


#: What axe does not check: each problem as a sentence naming the element.
STRUCTURE = r"""() => {
  const problems = [];
  const name = e => (e.getAttribute('aria-label') || e.textContent).replace(/\s+/g, ' ').trim();
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements, not one`);
  const ids = new Map();
  for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) || 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
  for (const e of document.querySelectorAll('body *')) {
    const s = getComputedStyle(e);
    const scrolls = ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
    if (scrolls && !(e.tabIndex >= 0 && name(e) && e.getAttribute('role') === 'region'))
      problems.push(`a ${e.tagName} that scrolls sideways is not a focusable, named region`);
  }
  const targets = new Map();
  for (const a of document.querySelectorAll('a[href]')) {
    const text = name(a);
    if (!text) { problems.push(`a link to ${a.getAttribute('href')} has no text`); continue; }
    const seen = targets.get(text.toLowerCase());
    if (seen !== undefined && seen !== a.href)
      problems.push(`links named "${text}" lead to different places`);
    targets.set(text.toLowerCase(), a.href);
  }
  return [problems, [...targets.keys()]];
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("meeting", "name"), PAGES + FIXTURE_PAGES)
def test_axe_finds_no_violation(browser, outputs, meeting, name, width):
    page = open_page(browser, outputs[meeting] / name, width)
    try:
        assert axe_violations(page) == [], f"{meeting}/{name} at {width} px"
        problems, link_names = page.evaluate(STRUCTURE)
        assert problems == [], f"{meeting}/{name} at {width} px"
        generic = GENERIC_LINKS.intersection(link_names)
        assert not generic, f"{meeting}/{name}: links that say only {sorted(generic)}"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", REPORTS)
def test_charts_are_shown_at_their_drawn_size_on_a_desktop_and_a_phone(
    browser, outputs, report, width
):
    # Each chart is drawn at the width it is shown (narrow for phones): shown no smaller,
    # its text keeps the size it was drawn at (reportlib.style.CHART_TEXT_PT).
    page = open_page(browser, outputs["2020-12"] / f"{report}.html", width)
    try:
        shown = page.eval_on_selector_all(
            "figure.rl-figure img",
            """imgs => imgs.map(i => [i.currentSrc === i.src ? 'wide' : 'narrow',
                                      i.getBoundingClientRect().width / i.naturalWidth])""",
        )
        assert shown, f"{report} has no chart"
        for drawing, scale in shown:
            assert drawing == ("wide" if width > 640 else "narrow")
            assert scale >= 0.98, f"{report} at {width} px: a chart is shown at {scale:.0%}"
        tables = page.locator("figure.rl-figure details.rl-chart-data")
        assert tables.count() == len(shown)  # every chart offers its data as a table
        tables.first.locator("summary").click()
        assert tables.first.locator("table").is_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("report", REPORTS)
def test_each_chart_is_drawn_at_its_printed_and_its_phone_width(outputs, report):
    # Printed at 100% of the text width: drawn at that width, its text prints at its size.
    notebook = nbformat.read(outputs["2020-12"] / f"{report}.ipynb", as_version=4)
    charts = [
        (o["data"]["image/svg+xml"], o["metadata"]["reportlib"]["narrow_svg"])
        for cell in notebook["cells"]
        for o in cell.get("outputs", [])
        if "narrow_svg" in o.get("metadata", {}).get("reportlib", {})
    ]
    assert charts, f"{report} has no chart"
    for wide, narrow in charts:
        assert svg_width_in(wide) == pytest.approx(style.PRINT_WIDTH_IN, rel=0.01)
        assert svg_width_in(narrow) == pytest.approx(style.PHONE_WIDTH_IN, rel=0.01)


CAUGHT = """<!DOCTYPE html><html lang="en"><head><title>t</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
</head><body><main><h1>One</h1><h1>Two</h1><h2 id="a">A</h2><h2 id="a">B</h2>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div style="overflow-x:auto"><table><caption>T</caption><tr><th>A</th><th>B</th></tr>
<tr><td style="white-space:nowrap">a long line of words that cannot wrap in a narrow screen
at all</td><td>2</td></tr>
</table></div>
<a href="x.html">HTML</a><a href="y.html">HTML</a></main></body></html>"""


def test_the_checks_catch_what_they_look_for(browser, tmp_path):
    path = tmp_path / "bad.html"
    path.write_text(CAUGHT, encoding="utf-8")
    page = open_page(browser, path, 320)
    try:
        rules = {v.split(" ")[0] for v in axe_violations(page)}
        assert {"image-alt", "scrollable-region-focusable"} <= rules
        problems, names = page.evaluate(STRUCTURE)
        assert "2 h1 elements, not one" in problems
        assert 'id "a" is used 2 times' in problems
        assert "a DIV that scrolls sideways is not a focusable, named region" in problems
        assert 'links named "HTML" lead to different places' in problems
        assert "html" in names
    finally:
        page.context.close()


def test_the_pages_still_refuse_scripts(browser, outputs):
    # bypass_csp is the tests' alone: a browser opening a page obeys its policy.
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto((outputs["2020-12"] / "mou_update.html").as_uri(), wait_until="load")
        with pytest.raises(Exception, match=r"(?i)content security policy|refused"):
            page.add_script_tag(content="document.title = 'ran'")
        assert page.title() != "ran"
    finally:
        context.close()


def test_every_html_output_is_checked(outputs):
    for meeting, checked in (("2020-12", PAGES), ("fixture", FIXTURE_PAGES)):
        built = {p.name for p in outputs[meeting].glob("*.html")}
        assert built == {n for m, n in checked if m == meeting}, meeting
