"""The review page: ``outputs/<meeting>/index.html``, for checking a build before it goes out.

One self-contained page (styles inline, no script, nothing fetched) listing every
agenda item with its status, build time, warnings and links to its files and its
pages in the pack; a failed report shows the failing cell and the error. Beside each
report's key figures it shows last meeting's, with the change: a notebook records
them in its executed notebook's metadata, ``metadata.reportlib.key_figures``, a
mapping of name to ``{"label": str, "value": number, "units": str}``. The last meeting
is the latest meeting before this one (by id) whose ``outputs/<id>/manifest.json``
exists.

Everything comes from files the build leaves behind (``manifest.json``, ``pack.json``,
the executed notebooks), so the page can be made again at any time without building.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from reportlib import __version__, accept, changes, manifest, signoff, style, verdict
from reportlib import buildwarnings as bw
from reportlib.failures import Failure
from reportlib.files import atomic_write
from reportlib.keyfigures import MINUS, NONE, change, figure_rows, key_figures, number
from reportlib.manifest import Manifest
from reportlib.params import AgendaItem, MeetingConfig
from reportlib.paths import MANIFEST, Project, failed_name

__all__ = ["MINUS", "NONE", "change", "context", "figure_rows", "key_figures", "number"]
__all__ += ["PAGE", "previous_meeting", "remake", "render", "serve", "server", "write"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "review"
PAGE = "index.html"
STATUS = {  # status -> (label, css class)
    "built": ("Built", "built"),
    "failed": ("Failed", "failed"),
    "not built": ("Not built", "notbuilt"),
    "supplied": ("Supplied", "supplied"),
    "confidential": ("Confidential", "confidential"),
    "verbal": ("Verbal update", "verbal"),
    "none": ("No paper", "none"),
}


def previous_meeting(project: Project, meeting: str) -> str | None:
    """The latest meeting before ``meeting`` (by id) that has been built, or None."""
    return project.previous_built(meeting)


def _links(out_dir: Path, names: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Links to the files that exist, with the page's relative addresses."""
    return [{"href": f, "text": t} for f, t in names if (out_dir / f).is_file()]


def _failing_source(out_dir: Path, report: str, cell: Any) -> str | None:
    """The source of cell ``cell`` (the analyst's numbering) of the failed notebook.

    None if there is no such cell, or if ``cell`` is None: the failure was in a cell
    the build added (the injected parameters), which has no number.
    """
    if cell is None:
        return None
    try:
        nb = json.loads((out_dir / failed_name(report)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for found in nb.get("cells", []):
        if found.get("metadata", {}).get("reportlib", {}).get("cell") == cell:
            source = found.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


def _shown(warnings: list[bw.BuildWarning], judged: accept.Verdict) -> list[dict[str, Any]]:
    """Warnings as the page lists them: id, message and the acceptance, if any."""
    return [
        {
            "id": w.id,
            "message": w.text,
            "stale": w.kind == bw.STALE,
            "accepted": judged.accepted.get(w.id),
        }
        for w in warnings
    ]


def _changes(out_dir: Path, report: str, previous: Path | None) -> list[dict[str, Any]]:
    """The paper's changes since its previous build, and since the previous meeting."""
    now = changes.history(out_dir, report)
    if now is None:
        return []
    found = []
    earlier = now.get("previous")
    found.append(
        {
            "heading": f"Since the previous build of this meeting ({_when(earlier['built'])})"
            if earlier
            else "Since the previous build of this meeting",
            "diff": changes.compare(earlier["content"], now["content"]) if earlier else None,
            "none": "This is the first build of this meeting recorded.",
        }
    )
    last = changes.history(previous, report) if previous else None
    found.append(
        {
            "heading": f"Since meeting {previous.name}" if previous else "Since the last meeting",
            "diff": changes.compare(last["content"], now["content"]) if last else None,
            "none": f"Meeting {previous.name} has no record of this paper's words and figures."
            if previous
            else "No earlier meeting has been built.",
        }
    )
    return found


def _item_row(
    config: MeetingConfig,
    out_dir: Path,
    reports: dict[str, manifest.ReportEntry],
    packed: dict[int, dict[str, Any]],
    pack_file: str,
    number: int,
    item: AgendaItem,
    judged: accept.Verdict,
    previous: Path | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "number": number,
        "title": config.item_title(item),
        "warnings": [],
        "links": [],
        "stages": [],
        "seconds_text": "",
        "error": None,
        "source": None,
        "source_label": "",
        "status_note": "",
        "report": item.report,
        "pages": None,
        "pack_href": None,
        "built_at": None,
        "changes": [],
    }
    placed = packed.get(number, {})
    page = placed.get("pdf_page")
    if placed.get("pages") and isinstance(page, int) and not isinstance(page, bool):
        row["pages"] = str(placed["pages"])
        row["pack_href"] = f"{pack_file}#page={page}"
    status = item.kind
    if item.report:
        name = item.report
        entry = reports.get(name)
        row.update(source=f"notebooks/{config.notebook_path(name).name}", source_label="Notebook")
        if entry is None:
            status, row["status_note"] = "not built", "(no build of this report is recorded)"
        else:
            status = "built" if entry.ok else "failed"
            seconds = entry.seconds
            row["stages"] = [(k, f"{v:.1f} s") for k, v in seconds.items()]
            row["seconds_text"] = f"{sum(seconds.values()):.1f} s" if seconds else ""
            row["built_at"] = _when(entry.built)
            row["warnings"] = _shown(bw.of_report(name, entry), judged)
            row["current_warnings"] = [w for w in row["warnings"] if not w["stale"]]
            row["stale"] = [w for w in row["warnings"] if w["stale"]]
            row["accepted_count"] = sum(w["accepted"] is not None for w in row["warnings"])
        if status == "failed":
            error = entry.error or Failure.from_json(None)
            row["error"] = {
                **error.to_json(),
                "heading": error.heading,
                "source": _failing_source(out_dir, name, error.cell),
            }
            row["links"] = _links(out_dir, [(failed_name(name), "failed notebook")])
            kept = _links(out_dir, [(f"{name}.html", "HTML"), (f"{name}.pdf", "PDF")])
            if kept:
                row["status_note"] = "(the HTML and PDF linked are from its last good build)"
                row["links"] += [{**k, "text": f"last good {k['text']}"} for k in kept]
        else:
            row["links"] = _links(
                out_dir,
                [(f"{name}.html", "HTML"), (f"{name}.pdf", "PDF"), (f"{name}.ipynb", "notebook")],
            )
            row["changes"] = _changes(out_dir, name, previous) if entry else []
    elif item.supplied or item.confidential:
        path = config.document_path(item)
        row.update(source=config.project.relative(path), source_label="Document")
        if item.confidential:
            row["status_note"] = (
                "(the public pack shows Document is Restricted sheets in its place)"
                if path.is_file()
                else "(its document is not in data/…/confidential/, so only the public "
                "pack was made)"
            )
    if row.get("pages"):
        row["links"].append({"href": row["pack_href"], "text": "in the pack"})
    row["status"] = status
    row["status_label"], row["status_class"] = STATUS[status]
    row["has_details"] = status not in ("verbal", "none")
    return row


def context(
    config: MeetingConfig,
    out_dir: Path,
    built: Manifest | None = None,
    judged: accept.Verdict | None = None,
) -> dict[str, Any]:
    """Everything the page shows: from the build record ``built`` and its verdict
    ``judged`` (by default the last build's, read from its files)."""
    from reportlib import pack

    built = manifest.load(out_dir) if built is None else built
    judged = verdict.of_record(config, built) if judged is None else judged
    pack_error = built.pack.error if built.pack else None
    reports = built.reports
    info = built.pack_info
    draft = info.draft is True
    # Links name only the pack's own files, never a path read from pack.json.
    pack_file = pack.DRAFT if draft else pack.PACK
    made = (out_dir / pack_file).is_file() and info.made
    items = info.items if made else ()
    packed = {r["number"]: r for r in items if isinstance(r, dict) and r.get("number")}
    meeting = config.params.meeting
    groups: list[dict[str, Any]] = [{"heading": None, "rows": []}]
    agenda = []
    previous = config.project.previous_built(config.id)
    before_dir = config.project.output_dir(previous) if previous else None
    for position, item in config.numbered_agenda():
        if position is None:
            groups.append({"heading": item.heading, "rows": []})
            continue
        row = _item_row(
            config, out_dir, reports, packed, pack_file, position, item, judged, before_dir
        )
        groups[-1]["rows"].append(row)
        agenda.append(row)
    groups = [g for g in groups if g["rows"] or g["heading"]]

    figures = []
    for row in agenda:
        if not row["report"] or row["status"] != "built":
            continue
        now = key_figures(out_dir / f"{row['report']}.ipynb")
        before = (
            key_figures(config.project.output_dir(previous) / f"{row['report']}.ipynb")
            if previous
            else {}
        )
        if now or before:  # shown even with no earlier meeting: "before" is then a dash
            rows = figure_rows(now, before)
            figures.append({"number": row["number"], "title": row["title"], "rows": rows})

    confidential = out_dir / pack.CONFIDENTIAL_PACK
    pack_view = {
        "made": made,
        "draft": draft,
        "file": pack_file,
        "href": pack_file,
        # a draft leaves the last complete pack in place: that is the one to publish
        "complete_href": pack.PACK if draft and (out_dir / pack.PACK).is_file() else None,
        "pages": info.pages,
        "tagged": info.tagged,
        # the pack records the build it was made after; another build since makes it stale
        "stale": made and info.made_after != built.finished,
        "why": "build the meeting with PDF output" if not made else "",
        "confidential_href": pack.CONFIDENTIAL_PACK.as_posix()
        if info.confidential_pack and confidential.is_file()
        else None,
        "confidential_file": confidential.name,
        "warnings": _shown(bw.of_pack(list(info.warnings)), judged) if made else [],
        "error": pack_error.message if pack_error else None,
    }
    report_rows = [r for r in agenda if r["source_label"] == "Notebook"]
    reasons = signoff.refusals(config, out_dir, built, judged) if built.meeting else []
    signed = signoff.state(out_dir, built)
    if signed:
        signed["when"] = _when(str(signed.get("signed_off_at") or "")) or "an unrecorded date"
    return {
        "lang": style.LANG,
        "s": style.css_variables(),
        "generator": f"reportlib {__version__}",
        "meeting": config.id,
        "board": meeting.board,
        "date_long": meeting.date_long,
        "finished": _when(built.finished),
        "git": built.git,
        "groups": groups,
        "agenda": agenda,
        "counts": {
            "reports": len(report_rows),
            "built": sum(r["status"] == "built" for r in report_rows),
            "failed": sum(r["status"] == "failed" for r in report_rows),
            "not_built": sum(r["status"] == "not built" for r in report_rows),
            "warnings": len(judged.warnings),
            "accepted": len(judged.accepted),
            "unaccepted": len(judged.unaccepted),
        },
        "meeting_warnings": _shown(
            [w for w in judged.warnings if w.where in (bw.SAME_FACT, bw.ACCEPT)], judged
        ),
        "changed": signoff.changed_inputs(config, built) + signoff.changed_outputs(out_dir, built)
        if built.meeting
        else [],
        "signoff": signed,
        "refusals": [r for r in reasons if r.warning is None],
        "pack": pack_view,
        "interrupted": built.interrupted.message if built.interrupted else None,
        "build_log": "build.log" if (out_dir / "build.log").is_file() else None,
        "previous": previous,
        "figures": figures,
    }


def remake(project: Project, meeting: str) -> Path:
    """Write the review page of ``meeting`` again from its last build; return its path."""
    from reportlib.exceptions import ReportlibError
    from reportlib.params import load_meeting

    config = load_meeting(project, meeting)
    out_dir = project.output_dir(meeting)
    if config.params.agenda is None:
        raise ReportlibError(
            f"{project.relative(config.path)} has no agenda, so the meeting has no review "
            "page; add 'agenda:' (see the README) and build it"
        )
    if not (out_dir / MANIFEST).is_file():
        raise ReportlibError(
            f"meeting {meeting} has not been built yet; run 'make report MEETING={meeting}' first"
        )
    return write(config, out_dir)


def _when(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%B %Y at %H:%M} UTC"


def render(values: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    return env.get_template("index.html.j2").render(**values)


def write(
    config: MeetingConfig,
    out_dir: Path,
    built: Manifest | None = None,
    judged: accept.Verdict | None = None,
) -> Path:
    """Write ``outputs/<meeting>/index.html`` for the record ``built``; return its path."""
    path = out_dir / PAGE
    atomic_write(path, render(context(config, out_dir, built, judged)))
    return path


def server(out_dir: Path, port: int, *, confidential: bool = False, handler: type | None = None):
    """An HTTP server for ``out_dir`` on 127.0.0.1:``port`` that shows only the published files.

    It serves the meeting's papers, packs, review page, notebooks and their assets; never
    a dotfile (the lock, staging), a directory listing, or ``confidential/`` (unless
    ``confidential``), and it answers 403 to a request whose ``Host`` is not this
    address, so that a web page elsewhere cannot read the build by DNS rebinding.
    """
    import http.server
    import urllib.parse

    from reportlib.exceptions import ReportlibError
    from reportlib.pack import CONFIDENTIAL_PACK

    base = out_dir.resolve()
    allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
    hidden = CONFIDENTIAL_PACK.parts[0]

    # ``handler``: a SimpleHTTPRequestHandler subclass to build on (reportlib.preview's)
    class Handler(handler or http.server.SimpleHTTPRequestHandler):
        hosts = allowed

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, directory=str(base), **kwargs)

        def send_head(self):  # every GET and HEAD comes through here
            if self.headers.get("Host", "").lower() not in self.hosts:
                self.send_error(403, "this server answers only to 127.0.0.1 and localhost")
                return None
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            parts = [p for p in path.split("/") if p]
            if not parts:
                parts = [PAGE]
            found = base.joinpath(*parts)
            refused = (
                any(p.startswith(".") for p in parts)
                or (parts[0] == hidden and not confidential)
                or not found.resolve().is_relative_to(base)
                or not found.is_file()
            )
            if refused:
                self.send_error(404, "not a published file of this meeting")
                return None
            return super().send_head()

        def list_directory(self, path):  # never reached; refused in case it were
            self.send_error(404, "no directory listings")
            return None

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows the address and Ctrl-C, not every request

    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as error:
        raise ReportlibError(
            f"cannot serve on 127.0.0.1:{port} ({error.strerror}); choose another port "
            "with --port (make review ARGS='--port 8001')"
        ) from None


def serve(out_dir: Path, port: int, *, confidential: bool = False) -> None:
    """Serve ``out_dir`` at http://127.0.0.1:``port``/ until Ctrl-C (this machine only)."""
    with server(out_dir, port, confidential=confidential) as running:
        print(f"serving the review page at http://127.0.0.1:{port}/{PAGE} (Ctrl-C to stop)")
        try:
            running.serve_forever()
        except KeyboardInterrupt:
            print("stopped")
