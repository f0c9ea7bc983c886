"""The review page and a report's HTML in a real browser: headless Chromium via Playwright.

Playwright drives the system's Chromium (Debian's ``chromium`` package, or the file
named by ``REPORTLIB_CHROMIUM``); it never downloads a browser. Without Chromium these
tests are skipped with the reason, except under CI (``CI=true``), where they fail:
there they must run (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from packed import built_meeting

BROWSER_NAMES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    named = os.environ.get("REPORTLIB_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return next(filter(None, map(shutil.which, BROWSER_NAMES)), None)


def require_browser() -> str:
    """Chromium's path; skip with the reason if it or Playwright is missing, but fail under CI."""
    path, missing = find_chromium(), None
    if path is None:
        missing = "Chromium is not installed (Debian: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Playwright is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the browser tests must run under CI, but {missing}")
        pytest.skip(missing)
    return path


def test_without_chromium_the_tests_skip_but_fail_under_ci(monkeypatch):
    monkeypatch.setenv("REPORTLIB_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run under CI"):
        require_browser()


@pytest.fixture(scope="module")
def browser():
    path = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_meeting(tmp_path_factory)


@dataclass
class Visit:
    """A page loaded from a file, with every request it made and every error it logged."""

    page: object
    path: Path
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def broken_links(self) -> list[str]:
        """Links whose target file (or, within the page, whose id) does not exist."""
        broken = []
        for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urllib.parse.urlparse(href)
            target = Path(urllib.parse.unquote(url.path))
            missing = url.scheme != "file" or not target.is_file()
            if missing or (target == self.path and url.fragment and not self._has(url.fragment)):
                broken.append(href)
        return broken

    def _has(self, anchor: str) -> bool:
        return self.page.locator(f"[id='{anchor}']").count() == 1


def visit(browser, path: Path, **context) -> Visit:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    seen = Visit(page, path)

    def route(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            seen.blocked.append(url)
            route.abort()

    ctx.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    return seen


def stays_local(seen: Visit) -> bool:
    outside = [u for u in seen.requests if not u.startswith(("file:", "data:"))]
    return not outside and not seen.blocked


def test_a_request_to_the_network_is_caught(browser, tmp_path):
    # The checks below must be able to fail: this page tries to fetch an image.
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><title>t</title><img src="https://example.invalid/x.png">')
    seen = visit(browser, page)
    assert not stays_local(seen)
    seen.page.context.close()


def test_review_page_renders_links_resolve_and_nothing_leaves_the_machine(browser, built):
    seen = visit(browser, built.out / "index.html")
    page = seen.page
    try:
        assert page.title() == "Build review: Improvement and Innovation Board, 17 December 2020"
        assert page.locator("h1").inner_text() == "Build review: meeting 2020-12"
        rows = page.locator("table.rv-agenda tbody tr:not(.rv-group)")
        assert rows.count() == 10
        assert "Failed" in rows.nth(8).inner_text()
        error = page.locator("section[aria-labelledby='item-9'] .rv-error")
        assert error.count() == 1 and error.is_visible()
        assert "ZeroDivisionError" in error.inner_text()
        assert seen.broken_links() == []
        assert stays_local(seen), seen.requests
        assert seen.errors == []
    finally:
        page.context.close()


def test_review_page_shows_keyboard_focus_and_fits_a_phone(browser, built):
    seen = visit(browser, built.out / "index.html", viewport={"width": 360, "height": 740})
    page = seen.page
    try:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.textContent, s.outlineStyle, s.outlineWidth]; }"
        )
        assert focused[0] == "Skip to the review"
        assert focused[1] != "none" and focused[2] != "0px"
        assert page.locator("a.rv-skip").is_visible()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, "the page scrolls sideways on a narrow screen"
    finally:
        page.context.close()


def test_report_html_renders_and_loads_nothing(browser, built):
    seen = visit(browser, built.out / "renders_paper.html")
    page = seen.page
    try:
        assert page.locator("h1").inner_text() == "Sales in 2020: <em>an update</em>"
        assert page.eval_on_selector("figure img", "i => i.complete && i.naturalWidth > 0")
        assert page.locator("table").count() >= 1
        assert seen.broken_links() == []
        assert stays_local(seen), seen.requests
        assert seen.errors == []
    finally:
        page.context.close()
