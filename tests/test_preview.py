"""``reportlib preview``: served like the review server, rebuilt on save, reloaded in Chromium."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from test_browser import require_browser
from test_narrative import SMALL_PAPER

from reportlib.preview import SCRIPT, State, with_reload

from helpers import BASE_PARAMS, write_params

PARAMS = (
    BASE_PARAMS
    + """\
  shows_words:
    title: Sales in words
agenda:
  - report: shows_words
"""
)
PUBLISHED = """<!DOCTYPE html><html><head>
<meta content="default-src 'none'; style-src 'unsafe-inline'" http-equiv="Content-Security-Policy"/>
</head><body><p>Paper</p></body></html>"""


def test_the_reload_hook_and_its_policy_are_added_to_what_is_sent():
    sent = with_reload(PUBLISHED)
    assert f'<script src="{SCRIPT}"></script></body>' in sent
    assert "style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'\"" in sent
    assert "<script" not in PUBLISHED


def test_a_failure_shows_in_place_of_its_papers_and_a_stopped_build_everywhere():
    state = State(failed={"budget": "budget: notebooks/budget.ipynb, cell 3 failed"})
    assert state.message_for("budget.html") == state.failed["budget"]
    assert state.message_for("budget.pdf") == state.failed["budget"]
    assert state.message_for("budget.ipynb") is None and state.message_for("lg.html") is None
    state.stopped = "params/2020-12.yaml: bad"
    assert state.message_for("index.html") == "params/2020-12.yaml: bad"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Preview:
    """``reportlib preview`` running in the project, its terminal output gathered."""

    def __init__(self, project, port: int):
        env = {k: v for k, v in os.environ.items() if k != "REPORTLIB_ROOT"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportlib.cli", "preview", "2020-12", "--port", str(port)],
            cwd=project.root,
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        self.process.stderr.close()


def body_text_until(page, wanted: str, timeout: float = 180) -> str:
    """The page's text once it holds ``wanted`` (it reloads itself after a build)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        try:
            text = page.inner_text("body")
        except Error:  # the page is reloading
            text = ""
        if wanted in text:
            return text
        time.sleep(0.3)
    raise AssertionError(f"{wanted!r} never appeared; the page shows: {text[:2000]}")


def test_saving_the_words_rebuilds_and_reloads_the_open_paper(project):
    path = require_browser()
    from playwright.sync_api import sync_playwright

    write_params(project, PARAMS)
    words = project.data_dir("2020-12") / "narrative" / "shows_words.md"
    words.parent.mkdir()
    words.write_text(SMALL_PAPER, encoding="utf-8")
    port = free_port()
    preview = Preview(project, port)
    try:
        preview.wait_for("previewing at")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path)
            page = browser.new_page()
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{port}/shows_words.html")
            body_text_until(page, "A closing paragraph")
            words.write_text(SMALL_PAPER.replace("A closing paragraph", "A new ending"))
            body_text_until(page, "A new ending")
            assert "shows_words: building (data/2020-12/narrative/shows_words.md changed)" in (
                "".join(preview.lines)
            )
            # a broken placeholder: the terminal's message, in place of the paper
            words.write_text(SMALL_PAPER.replace("{sales.South:amount}", "{sales.Nowhere:amount}"))
            text = body_text_until(page, "could not be built")
            preview.wait_for("error:")
            message = next(ln for ln in preview.lines if "Nowhere" in ln and "error" in ln)
            assert message.split("error: ", 1)[1].strip().splitlines()[0] in text
            assert refused == []  # the policy let the reload script run, and nothing else
            browser.close()
        published = (project.output_dir("2020-12") / "shows_words.html").read_text()
        assert "<script src" not in published and "script-src" not in published
        for host, status in ((f"127.0.0.1:{port}", 200), (f"evil.example:{port}", 403)):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/_preview/version", headers={"Host": host})
            assert connection.getresponse().status == status
            connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/.review.key")
        assert connection.getresponse().status == 404
    finally:
        preview.stop()


@pytest.mark.parametrize("args", [["--report", "nope"]])
def test_preview_refuses_what_build_refuses(project, args):
    from helpers import run_cli

    write_params(project, PARAMS)
    done = run_cli(project, "preview", "2020-12", *args, "--port", str(free_port()))
    assert done.returncode == 1 and "has no report 'nope'" in done.stderr
