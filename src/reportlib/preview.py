"""``reportlib preview``: build, serve, and rebuild on save, with the open page reloading.

The meeting is built as ``reportlib build`` builds it (only what changed), then served
on 127.0.0.1 by the review server (:func:`reportlib.review.server`: this machine only,
the meeting's own files only, ``Host`` checked). Its params file, data, words and
notebooks are watched; on a save the meeting is built again and every open page
reloads. A paper whose report failed is shown as the message the terminal printed,
in its place; a build stopped by bad parameters or data shows its message in place
of every page.

The reload hook lives only in what this server sends: each HTML response gets a
``<script src="/_preview/reload.js">`` and a Content-Security-Policy that lets that
script (and its polling of ``/_preview/version``) through. The files on disk, which
are published, never hold a script.
"""

from __future__ import annotations

import html
import http.server
import io
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from reportlib.exceptions import ReportlibError
from reportlib.paths import Project

SCRIPT = "/_preview/reload.js"
VERSION = "/_preview/version"
#: Polls the build count; a change means a build finished: reload.
RELOAD_JS = """\
(function () {
  var seen = null;
  function poll() {
    fetch("/_preview/version", {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen !== null && v !== seen) { location.reload(); return; }
        seen = v;
        setTimeout(poll, 300);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
_CSP = re.compile(r'<meta\b[^>]*\bhttp-equiv="Content-Security-Policy"[^>]*>', re.I)
_CONTENT = re.compile(r'(\bcontent=")([^"]*)(")')
_ALLOW = "; script-src 'self'; connect-src 'self'"


@dataclass
class State:
    """What the preview shows: the build count, and the failures of the last build."""

    version: int = 0
    stopped: str | None = None  # the build as a whole failed: shown in place of every page
    failed: dict[str, str] = field(default_factory=dict)  # report -> its message
    lock: threading.Lock = field(default_factory=threading.Lock)

    def message_for(self, name: str) -> str | None:
        """The error to show in place of the file ``name``, if any."""
        if self.stopped is not None and name.endswith((".html", ".pdf")):
            return self.stopped
        return self.failed.get(name.rsplit(".", 1)[0]) if name.endswith((".html", ".pdf")) else None


def with_reload(page: str) -> str:
    """``page`` with the reload script, and its CSP letting that script through."""

    def allow(meta: re.Match) -> str:
        return _CONTENT.sub(lambda c: c[1] + c[2] + _ALLOW + c[3], meta[0], count=1)

    page = _CSP.sub(allow, page, count=1)
    tag = f'<script src="{SCRIPT}"></script>'
    at = page.rfind("</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def error_page(title: str, message: str) -> str:
    """The page shown in place of a paper or the review page when its build failed."""
    return with_reload(
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Build failed: {html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}"
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fef2f2;"
        "border-left:4px solid #b91c1c;padding:1rem}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)} could not be built</h1>\n"
        f"<pre>error: {html.escape(message)}</pre>\n"
        "<p>Fix it and save: this page reloads when the build is done.</p>\n"
        "</main>\n</body>\n</html>\n"
    )


def handler(state: State) -> type[http.server.SimpleHTTPRequestHandler]:
    """The request handler the review server builds on: reload hook and error pages."""

    class Preview(http.server.SimpleHTTPRequestHandler):
        hosts: ClassVar[frozenset[str]] = frozenset()  # set by the review server's Handler

        def do_GET(self) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            name = path.strip("/") or "index.html"
            if path in (SCRIPT, VERSION) or state.message_for(name) is not None:
                if self.headers.get("Host", "").lower() not in self.hosts:
                    self.send_error(403, "this server answers only to 127.0.0.1 and localhost")
                    return
                with state.lock:
                    version, message = state.version, state.message_for(name)
                if path == SCRIPT:
                    self._send(RELOAD_JS.encode(), "text/javascript")
                elif path == VERSION:
                    self._send(str(version).encode(), "text/plain")
                else:
                    title = "The meeting" if state.stopped else name.rsplit(".", 1)[0]
                    self._send(error_page(title, message or "").encode(), "text/html")
                return
            super().do_GET()

        def send_head(self):  # reached only past the review server's checks
            path = Path(self.translate_path(self.path))
            if path.suffix != ".html" or not path.is_file():
                return super().send_head()
            page = with_reload(path.read_text(encoding="utf-8")).encode()
            self._headers(page, "text/html")
            return io.BytesIO(page)

        def _headers(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()

        def _send(self, body: bytes, kind: str) -> None:
            self._headers(body, kind)
            self.wfile.write(body)

    return Preview


def snapshot(project: Project, meeting: str) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every file a build of ``meeting`` may read."""
    found: dict[Path, tuple[int, int]] = {}
    params = project.params_file(meeting)
    folders = (project.data_dir(meeting), project.data / "schemas", project.notebooks)
    paths = [params, *(p for f in folders if f.is_dir() for p in f.rglob("*"))]
    for path in paths:
        parts = path.relative_to(project.root).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts):
            continue
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file():
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def rebuild(
    project: Project, meeting: str, reports: Sequence[str], state: State, **options: Any
) -> None:
    """Build (only what changed), note its failures, and tell the open pages to reload.

    ``options``: :func:`reportlib.build.build`'s (formats, engine, jobs, force).
    """
    from reportlib.build import build

    stopped, failed = None, {}
    try:
        result = build(project, meeting, reports=reports, **options)
        failed = {j.name: str(j.error) for j in result.failed}
        built = [j.name for j in result.jobs if j.why]
        print(
            f"{len(failed)} of {len(result.jobs)} reports failed"
            if failed
            else f"built: {', '.join(built)}"
            if built
            else "every report is up to date",
            file=sys.stderr,
        )
    except ReportlibError as error:
        stopped = str(error)
        print(f"error: {error}", file=sys.stderr)
    with state.lock:
        state.stopped, state.failed = stopped, failed
        state.version += 1


def run(
    project: Project,
    meeting: str,
    *,
    reports: Sequence[str] = (),
    port: int = 8000,
    interval: float = 0.3,
    stop: threading.Event | None = None,
    **options: Any,
) -> None:
    """Build, serve and rebuild on every save until Ctrl-C (or ``stop`` is set).

    ``options`` are the build's (formats, engine, jobs, force), as ``reportlib build``
    takes them; ``force`` applies to the first build only.
    """
    from reportlib import review
    from reportlib.build import require_reports
    from reportlib.params import load_meeting

    config = load_meeting(project, meeting, documents=False)
    require_reports(config, reports)
    if config.params.agenda is None:
        raise ReportlibError(
            f"{project.relative(config.path)} has no agenda, so the meeting has no review "
            "page to preview; add 'agenda:' (see the README)"
        )
    out_dir = project.output_dir(meeting)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = State()
    stop = stop or threading.Event()
    # Served from the start (the last build's files, if any) so that a port in use is
    # said at once; the first build then reloads what is open.
    with review.server(out_dir, port, handler=handler(state)) as running:
        threading.Thread(target=running.serve_forever, daemon=True).start()
        seen = snapshot(project, meeting)
        rebuild(project, meeting, reports, state, **options)
        options.pop("force", None)  # later builds build only what changed
        page = f"{reports[0]}.html" if len(reports) == 1 else review.PAGE
        print(
            f"previewing at http://127.0.0.1:{port}/{page}: saving a notebook, the params "
            "file, data or words rebuilds what changed and reloads the page (Ctrl-C to stop)",
            file=sys.stderr,
        )
        try:
            while not stop.wait(interval):
                now = snapshot(project, meeting)
                if now == seen:
                    continue
                changed = sorted(
                    project.relative(p) for p in set(now) | set(seen) if now.get(p) != seen.get(p)
                )
                print(f"changed: {', '.join(changed)}", file=sys.stderr)
                time.sleep(interval)  # an editor may save in steps
                seen = snapshot(project, meeting)
                rebuild(project, meeting, reports, state, **options)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            running.shutdown()
