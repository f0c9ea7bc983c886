"""HTML through nbconvert with reportlib's template (``templates/html/reportlib``).

The template extends nbconvert's ``base`` template by configuration. The result is one
self-contained file: styles inline, images as data URIs, and a Content Security
Policy that forbids scripts and every request, so the page can load nothing at all.
Links (to ``https:``, ``http:`` and ``mailto:`` addresses) navigate only when followed.
"""

from __future__ import annotations

import base64
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from reportlib.exceptions import RenderError
from reportlib.render.document import Document

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "html"
_ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "link",
    "base",
    "form",
    "frame",
    "frameset",
    "audio",
    "video",
    "track",
    "applet",
    "portal",
}
_URL_ATTRS = {
    "src",
    "srcset",
    "href",
    "xlink:href",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "cite",
    "ping",
    "manifest",
}
#: Where a link may go: it navigates when followed and loads nothing with the page.
LINK_SCHEMES = ("https:", "http:", "mailto:")
_CSS_FETCH = re.compile(r"url\(\s*[\"']?\s*(?!data:|#)|@import", re.I)
_CAPTION = re.compile(r"<table\b.*?<caption[^>]*>(.*?)</caption>", re.I | re.S)
_TABLE = re.compile(r"<table\b", re.I)
_ID = re.compile(r'(<[a-zA-Z][^<>]*?\sid=")([^"]*)(")')
_HEADING = re.compile(r"<(/?)h([1-5])(?=[\s>])")
_NOTEBOOK_START = 'id="rl-body-title">'  # the body's title; the notebook's cells follow
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')


def _allowed(tag: str, name: str, value: str) -> bool:
    """A link to a web page, an e-mail address or a place in the page; an image's data."""
    if tag == "a" and name == "href":
        return value.startswith(("#", *LINK_SCHEMES))
    # <source> only as a <picture>'s: <audio> and <video>, its other parents, are refused.
    return name in ("src", "srcset") and tag in ("img", "source") and value.startswith("data:")


class _Audit(HTMLParser):
    """Collects everything in a page that would fetch or run something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            elif name in _URL_ATTRS and not _allowed(tag, name, value):
                self.found.append(f"{tag} {name}={value[:80]!r}")
            elif name == "style" and _CSS_FETCH.search(value):
                self.found.append(f"{tag} style={value[:80]!r}")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False if tag == "style" else self._in_style

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_FETCH.search(data):
            self.found.append("a stylesheet url() or @import")


def data_uri(data: Any, mime: str) -> str:
    """``data:`` URI for an output's image (SVG is text in notebooks, the rest base64)."""
    if mime == "image/svg+xml":
        data = base64.b64encode(str(data).encode("utf-8")).decode("ascii")
    return f"data:{mime};base64,{''.join(str(data).split())}"


def _exporter(**options: Any) -> Any:
    """nbconvert's HTML exporter, whose Markdown turns TeX maths into MathML (no script)."""
    import jinja2
    from nbconvert import HTMLExporter

    from reportlib import maths

    class Exporter(HTMLExporter):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.problems: list[str] = []  # formulas pandoc could not read, by cell

        @jinja2.pass_context
        def markdown2html(self, context: Any, source: str) -> str:
            tokened, restore, problems = maths.protect(source)
            cell = context.get("cell") or {}
            number = cell.get("metadata", {}).get("reportlib", {}).get("cell", "?")
            self.problems += [f"cell {number}: {p}" for p in problems]
            return restore(super().markdown2html(context, tokened))

    return Exporter(**options)


def render(
    document: Document, context: dict[str, Any], notebooks_dir: Path
) -> tuple[str, list[str]]:
    """The paper as HTML text, and warnings; :class:`RenderError` if anything could load
    from outside."""
    exporter = _exporter(
        template_name="reportlib",
        extra_template_basedirs=[str(TEMPLATES)],
        embed_images=True,  # Markdown images from the project become data URIs
        anchor_link_text="",
    )
    exporter.register_filter("data_uri", data_uri)
    exporter.register_filter("table_name", table_name)
    resources = {"reportlib": context, "metadata": {"path": str(notebooks_dir)}}
    try:
        body, _ = exporter.from_notebook_node(document.nb, resources=resources)
    except (ValueError, OSError) as error:  # e.g. an embedded image that is missing
        raise RenderError(f"HTML: {error}") from None
    # nbconvert's heading links have no text of their own; a screen reader lists them.
    body = unique_ids(one_h1(_ANCHOR_LINK.sub("", body)))
    body, unresolved = resolve_anchors(body)
    check_self_contained(body)
    return body, exporter.problems + unresolved


_ANCHOR = re.compile(r'href="#([^"]+)"')


def anchor_key(target: str) -> str:
    """How a link names a heading, whatever its case or spaces: ``#Next Steps`` → ``next-steps``."""
    return re.sub(r"[\s-]+", "-", target.strip().lower())


def resolve_anchors(page: str) -> tuple[str, list[str]]:
    """Links to a place in the page that name it in another case point at its real id."""
    ids = {m.group(2) for m in _ID.finditer(page)}
    by_key = {anchor_key(i): i for i in sorted(ids)}
    problems: list[str] = []

    def fix(match: re.Match) -> str:
        target = match.group(1)
        if target in ids:
            return match.group(0)
        found = by_key.get(anchor_key(target))
        if found is None:
            problems.append(f"a link goes to #{target}, which is no heading or figure of the paper")
            return match.group(0)
        return f'href="#{found}"'

    return _ANCHOR.sub(fix, page), sorted(set(problems))


def findings(page: str) -> list[str]:
    """Everything in ``page`` that would fetch or run something (empty if nothing does)."""
    audit = _Audit()
    audit.feed(page)
    audit.close()
    return sorted(set(audit.found))


def one_h1(page: str) -> str:
    """The paper's title is its one ``h1``: a notebook's own headings under it go down a level.

    Only when a notebook's Markdown has a level-1 heading (the words files start at
    ``##``), and then every heading of the notebook, so that their order is kept.
    """
    title = page.find(_NOTEBOOK_START)
    if title < 0:
        return page
    start = page.find("</h2>", title) + len("</h2>")
    if "<h1" not in page[start:]:
        return page
    return page[:start] + _HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", page[start:])


def table_name(markup: str) -> str | None:
    """What names a table in an output's HTML: its caption's text, else "Table"; None if none."""
    if not _TABLE.search(markup):
        return None
    found = _CAPTION.search(markup)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else ""
    return text or "Table"


def unique_ids(page: str) -> str:
    """Number the second and later of each repeated id (``Headlines-2``): ids name one place.

    Headings that repeat (a *Headlines* under every section) are given ids from their
    text; a link within the page goes to the first, as before.
    """
    seen: set[str] = set(m.group(2) for m in _ID.finditer(page))
    used: set[str] = set()

    def number(match: re.Match) -> str:
        name = match.group(2)
        if name not in used:
            used.add(name)
            return match.group(0)
        n = 2
        while f"{name}-{n}" in seen:
            n += 1
        seen.add(f"{name}-{n}")
        return f"{match.group(1)}{name}-{n}{match.group(3)}"

    return _ID.sub(number, page)


def check_self_contained(page: str) -> None:
    """Refuse a page with a script, an event handler, or any reference to another file or URL."""
    found = findings(page)
    if found:
        raise RenderError(
            "the HTML would load or run something from outside the page "
            f"({'; '.join(found[:5])}); papers must be self-contained: "
            "show data as tables, text or figures; links may go to https:, http: or "
            "mailto: addresses"
        )
