"""Reading a paper's words: Markdown with a front sheet, placeholders and figure slots.

A words file (``data/<meeting>/narrative/<report>.md``, or a supplied Markdown document)
is a front-matter block between ``---`` lines, then the body in a small, safe subset of
Markdown (see ``data/README.md``). :func:`parse` turns it into :class:`Words`: the front
sheet, and the body as :class:`Part` s of safe Markdown — every character the writer
typed is escaped, so only the constructs listed here become markup — with the figure
slots (``{{< chart name >}}``) between them. Placeholders are resolved by the caller's
``resolve`` function, which :mod:`reportlib.narrative` binds to the meeting's data.

Every problem is a :class:`~reportlib.exceptions.Problem` naming the file and line (and
column, for a placeholder); parsing collects them all before raising.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reportlib.exceptions import DataError, ParamsError, Problem, ReportlibError
from reportlib.frontsheet import FIELDS, FrontSheet
from reportlib.inline import escape
from reportlib.yamlfile import YamlDocument, load_yaml_text, read_utf8

FENCE = "---"
#: Front-matter keys besides the front-sheet fields: ``figures`` (short names for
#: placeholders), ``datasets`` (key/value datasets whose figures go by their own names)
#: and, for a supplied document only, ``title``.
FIGURES_KEY, DATASETS_KEY = "figures", "datasets"
# {{< chart name >}}, {{< table name arg … >}}: Quarto's shortcode syntax.
SHORTCODE = re.compile(
    r"\{\{<\s*(chart|table|figure)\s+([A-Za-z_][A-Za-z0-9_]*)((?:\s+[^\s<>{}]+)*)\s*>\}\}"
)
NAME = re.compile(r"[a-z][a-z0-9_]*")
_HEADING = re.compile(r"(#{1,6})(?:\s+(.*?))?\s*$")
_ITEM = re.compile(r"( {0,3})([-*+]|\d{1,3}[.)])(?: +(.*))?$")
_APPENDIX = re.compile(r"Appendix\b")
_NAMES_KEYS = (FIGURES_KEY, DATASETS_KEY)
_BRACES = re.compile(r"\{([^{}\n]*)\}")
_TOKEN = "\x00{}\x00"
# Inline Markdown a writer may use; everything else is shown as typed.
_INLINE = re.compile(
    r"\\(?P<esc>[^\w\s])"
    r"|\*\*(?P<bold>\S(?:.*?\S)?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*?[^*\s])?)\*(?![\w*])"
    r"|(?<!\w)_(?P<em2>[^_\s](?:[^_]*?[^_\s])?)_(?!\w)"
    r"|\[(?P<text>[^\]\n]+)\]\((?P<url>(?:https?:|mailto:)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+)\)"
    r"|\x00(?P<value>\d+)\x00"
)


#: Link text that says nothing out of context (a screen reader lists links on their own).
VAGUE_LINKS = {"here", "click here", "this", "this link", "link", "more", "read more", "see more"}


@dataclass(frozen=True)
class Names:
    """What a bare ``{name}`` may stand for: a short name, or a figure of a dataset."""

    figures: dict[str, str] = field(default_factory=dict)
    datasets: tuple[str, ...] = ()


#: ``resolve(reference, names)`` gives a placeholder's text and why it may be out of
#: date (or None), or raises :class:`PlaceholderProblem`.
Resolver = Callable[[str, Names], tuple[str, str | None]]


@dataclass(frozen=True)
class Note(Problem):
    """Not an error: something in the words that may be out of date (a build warning)."""


@dataclass(frozen=True)
class Part:
    """A stretch of the body: safe Markdown, or one figure slot (``figure`` set)."""

    markdown: str = ""
    figure: str | None = None
    args: tuple[str, ...] = ()
    line: int = 0
    appendix: bool = False


@dataclass(frozen=True)
class Section:
    """A heading of the body and the plain text under it, up to the next heading as high."""

    title: str
    level: int
    line: int
    text: str


@dataclass
class Words:
    """A parsed words file."""

    shown: str
    front: FrontSheet
    names: Names
    parts: list[Part] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def slots(self) -> list[tuple[str, int]]:
        """Each figure slot's name and line, in order."""
        return [(p.figure, p.line) for p in self.parts if p.figure]


class PlaceholderProblem(ReportlibError):
    """Raised by a resolver: what is wrong with a placeholder (the caller adds where)."""


def split(path: Path, shown: str) -> tuple[YamlDocument, list[tuple[int, str]]]:
    """The front matter, parsed, and the body's lines with their 1-based line numbers."""
    try:
        text = read_utf8(path, shown)
    except ParamsError as error:
        raise DataError(error.problems) from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise DataError([Problem(shown, "is empty; write the paper's front sheet and words")])
    if lines[0].strip() != FENCE:
        raise DataError(
            [
                Problem(
                    shown,
                    "must open with its front sheet: a line '---', then purpose, summary, "
                    "recommendations, actions and contact, then a line '---'",
                    line=1,
                )
            ]
        )
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == FENCE), None)
    if end is None:
        raise DataError([Problem(shown, "front sheet is not closed: add a line '---'", line=1)])
    try:
        document = load_yaml_text("\n".join(lines[1:end]), shown, path=path, offset=1)
    except ParamsError as error:
        raise DataError(error.problems) from None
    return document, [(n, line) for n, line in enumerate(lines[end + 1 :], end + 2)]


def parse(
    path: Path,
    shown: str,
    resolve: Resolver,
    *,
    titled: bool = False,
    collect: list[Problem] | None = None,
) -> Words:
    """Read the words file at ``path``; ``titled``: its front sheet gives the title.

    Raises :class:`DataError` listing every problem found, unless ``collect`` is given:
    then the problems are added to it and the words returned as far as they could be read.
    """
    document, body = split(path, shown)
    problems: list[Problem] = []
    names = _names(document, shown, problems)

    def bound(reference: str) -> tuple[str, str | None]:
        return resolve(reference, names)

    front = _front(document, shown, bound, titled, problems)
    parts, sections = _Body(shown, bound, problems).read(body)
    notes = [p for p in problems if isinstance(p, Note)]
    problems = [p for p in problems if not isinstance(p, Note)]
    if collect is not None:
        collect += problems
    elif problems:
        raise DataError(problems)
    return Words(shown, front, names, parts, sections, notes)


# -- front matter ----------------------------------------------------------------------


def _names(document: YamlDocument, shown: str, problems: list[Problem]) -> Names:
    """The front matter's short names for placeholders, and its key/value datasets."""
    data = document.data if isinstance(document.data, dict) else {}
    figures = data.get(FIGURES_KEY) or {}
    if not isinstance(figures, dict) or not all(
        isinstance(k, str) and NAME.fullmatch(k) and isinstance(v, str) for k, v in figures.items()
    ):
        problems.append(
            Problem(
                shown,
                "must map short names (lower case, digits, '_') to placeholders, "
                "e.g. 'trust_now: resident_satisfaction_polling.trusts_council.27:pct'",
                FIGURES_KEY,
                document.line((FIGURES_KEY,)),
            )
        )
        figures = {}
    datasets = data.get(DATASETS_KEY) or []
    if not isinstance(datasets, list) or not all(
        isinstance(d, str) and NAME.fullmatch(d) for d in datasets
    ):
        problems.append(
            Problem(
                shown,
                "must list dataset names, e.g. [rps_figures]",
                DATASETS_KEY,
                document.line((DATASETS_KEY,)),
            )
        )
        datasets = []
    return Names(dict(figures), tuple(datasets))


def _front(
    document: YamlDocument,
    shown: str,
    resolve: Callable[[str], tuple[str, str | None]],
    titled: bool,
    problems: list[Problem],
) -> FrontSheet:
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        problems.append(Problem(shown, "front sheet must be 'key: value' lines", line=2))
        return FrontSheet()
    allowed = {*FIELDS, FIGURES_KEY, DATASETS_KEY, *(("title",) if titled else ())}
    for key in data:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = (
                "the paper's title is in params/<meeting>.yaml"
                if key == "title"
                else (f"did you mean {near[0]}? " if near else "")
                + f"the front sheet takes {', '.join(sorted(allowed))}"
            )
            problems.append(
                Problem(shown, f"is not a front-sheet key; {hint}", str(key), document.line((key,)))
            )

    def text(value: Any, loc: tuple) -> Any:
        if isinstance(value, str):
            line = document.line(loc) or 1
            return _substitute(value, line, resolve, problems, shown, plain=True)
        if isinstance(value, dict):
            return {k: text(v, (*loc, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [text(v, (*loc, i)) for i, v in enumerate(value)]
        return value

    fields = {k: text(v, (k,)) for k, v in data.items() if k in allowed and k not in _NAMES_KEYS}
    try:
        front = FrontSheet.model_validate(fields)
    except ValidationError as error:
        for e in error.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p[:1].isupper()))
            problems.append(
                Problem(
                    shown,
                    _validation_message(e),
                    ".".join(map(str, loc)) or None,
                    document.line(loc),
                )
            )
        front = FrontSheet()
    if titled and not front.title:
        problems.append(Problem(shown, "is missing; add it", "title", 2))
    return front


def _validation_message(error: dict) -> str:
    if error["type"] == "string_pattern_mismatch":
        return "is not an e-mail address"
    if error["type"] == "missing":
        return "is missing; add it"
    if error["type"] == "extra_forbidden":
        return "is not a field here"
    return error["msg"]


# -- placeholders ----------------------------------------------------------------------


def _substitute(
    text: str,
    line: int,
    resolve: Callable[[str], tuple[str, str | None]],
    problems: list[Problem],
    shown: str,
    *,
    plain: bool,
    values: list[str] | None = None,
) -> str:
    """``text`` with each ``{placeholder}`` resolved; a stray brace is a problem.

    ``plain``: the value goes in as text; otherwise a token that :func:`_inline` turns
    into the escaped value (appended to ``values``), so a figure is never read as markup.
    """
    out, last = [], 0
    for match in [*_BRACES.finditer(text), None]:
        literal = text[last : match.start() if match else len(text)]
        for brace in re.finditer(r"[{}]", literal):
            problems.append(
                Problem(
                    shown,
                    f"column {last + brace.start() + 1}: a brace that is not part of a "
                    "placeholder; a figure is written {name} or {dataset.key}, and a brace "
                    "that should print is written \\{ or \\}",
                    line=line,
                )
            )
        out.append(literal)
        if match is None:
            break
        last = match.end()
        column = match.start() + 1
        try:
            value, note = resolve(match.group(1).strip())
            if note:
                problems.append(Note(shown, f"column {column}: {match.group(0)} {note}", line=line))
        except PlaceholderProblem as error:
            problems.append(Problem(shown, f"column {column}: {match.group(0)} {error}", line=line))
            value = ""
        if plain:
            out.append(value)
        else:
            values.append(value)
            out.append(_TOKEN.format(len(values) - 1))
    return "".join(out)


def _escaped_braces(text: str) -> str:
    r"""Hide ``\{`` and ``\}`` from placeholder parsing (restored by :func:`_inline`)."""
    return text.replace("\\{", "\x01").replace("\\}", "\x02")


def _inline(text: str, values: list[str]) -> str:
    """Writer's inline Markdown as safe Markdown: bold, italics, links; all else escaped."""
    out, last = [], 0
    for m in _INLINE.finditer(text):
        out.append(_literal(text[last : m.start()]))
        last = m.end()
        if m.group("esc"):
            out.append(escape(m.group("esc")))
        elif m.group("bold"):
            out.append(f"**{_inline(m.group('bold'), values)}**")
        elif m.group("em") or m.group("em2"):
            out.append(f"*{_inline(m.group('em') or m.group('em2'), values)}*")
        elif m.group("text"):
            out.append(f"[{_inline(m.group('text'), values)}]({m.group('url')})")
        else:
            out.append(escape(values[int(m.group("value"))]))
    out.append(_literal(text[last:]))
    return "".join(out)


def _literal(text: str) -> str:
    return escape(text.replace("\x01", "{").replace("\x02", "}"))


# -- body ------------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # heading, para, list, figure
    line: int
    text: str = ""
    level: int = 0
    ordered: bool = False
    items: list[list[_Block]] = field(default_factory=list)
    args: list[str] = field(default_factory=list)


class _Body:
    """The body's block structure: headings, paragraphs, lists, figure slots, comments."""

    def __init__(
        self, shown: str, resolve: Callable[[str], tuple[str, str | None]], problems: list[Problem]
    ):
        self.shown, self.resolve, self.problems = shown, resolve, problems
        self.values: list[str] = []

    def problem(self, message: str, line: int) -> None:
        self.problems.append(Problem(self.shown, message, line=line))

    def read(self, lines: list[tuple[int, str]]) -> tuple[list[Part], list[Section]]:
        # Placeholders are resolved line by line first, so that a problem's column is
        # the file's; a figure becomes a token that block parsing cannot mistake.
        resolved = []
        for number, line in self.without_comments(lines):
            if "{{<" in line and not SHORTCODE.fullmatch(line.strip()):
                self.problem(
                    "a chart or table is placed on a line of its own, written "
                    "{{< chart name >}} or {{< table name >}}",
                    number,
                )
                continue
            for link in _INLINE.finditer(line):
                if (link.group("text") or "").strip(" .").lower() in VAGUE_LINKS:
                    self.problem(
                        f"column {link.start() + 1}: the link text {link.group('text')!r} says "
                        "nothing when read on its own: name where it leads, e.g. "
                        "[the 2020/21 business plan](https://...)",
                        number,
                    )
            if not SHORTCODE.fullmatch(line.strip()):
                line = _substitute(
                    _escaped_braces(line),
                    number,
                    self.resolve,
                    self.problems,
                    self.shown,
                    plain=False,
                    values=self.values,
                )
            resolved.append((number, line))
        blocks = self.blocks(resolved, top=True)
        return self.parts(blocks), self.sections(blocks)

    def without_comments(self, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Drop ``<!-- … -->`` notes for the analyst (they may span lines)."""
        out, opened = [], None
        for number, line in lines:
            kept, rest, commented = "", line, False
            while True:
                if opened is None:
                    start = rest.find("<!--")
                    if start < 0:
                        kept += rest
                        break
                    kept, rest, opened, commented = (
                        kept + rest[:start],
                        rest[start + 4 :],
                        number,
                        True,
                    )
                else:
                    end = rest.find("-->")
                    if end < 0:
                        commented = True
                        break
                    rest, opened, commented = rest[end + 3 :], None, True
            # A line that held only a comment is no line at all: it does not split a paragraph.
            if not (commented and not kept.strip()):
                out.append((number, kept))
        if opened is not None:
            self.problem("a comment '<!--' is never closed with '-->'", opened)
        return out

    def blocks(self, lines: list[tuple[int, str]], *, top: bool) -> list[_Block]:
        out: list[_Block] = []
        i = 0
        while i < len(lines):
            number, line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            heading = _HEADING.fullmatch(line) if line.startswith("#") else None
            item = _ITEM.match(line)
            if SHORTCODE.fullmatch(stripped):
                code = SHORTCODE.fullmatch(stripped)
                if not top:
                    self.problem("a chart or table cannot stand inside a list", number)
                out.append(_Block("figure", number, code.group(2), args=code.group(3).split()))
                i += 1
            elif heading and top:
                out.append(
                    _Block("heading", number, heading.group(2) or "", level=len(heading.group(1)))
                )
                i += 1
            elif item:
                i = self.list_block(lines, i, out)
            else:
                start = i
                while (
                    i < len(lines)
                    and lines[i][1].strip()
                    and (i == start or not self.starts_block(lines[i][1]))
                ):
                    i += 1
                text = " ".join(line.strip() for _, line in lines[start:i])
                out.append(_Block("para", number, text))
        return out

    @staticmethod
    def starts_block(line: str) -> bool:
        return bool(line.startswith("#") or _ITEM.match(line) or SHORTCODE.fullmatch(line.strip()))

    def list_block(self, lines: list[tuple[int, str]], i: int, out: list[_Block]) -> int:
        first = _ITEM.match(lines[i][1])
        indent, ordered = len(first.group(1)), first.group(2)[0].isdigit()
        block = _Block("list", lines[i][0], ordered=ordered)
        while i < len(lines):
            number, line = lines[i]
            item = _ITEM.match(line)
            if not (item and len(item.group(1)) == indent) or item.group(2)[0].isdigit() != ordered:
                break
            width = indent + len(item.group(2)) + 1
            content = [(number, item.group(3) or "")]
            i += 1
            while i < len(lines):
                number, line = lines[i]
                if not line.strip():
                    following = next((t for _, t in lines[i:] if t.strip()), "")
                    lead = len(following) - len(following.lstrip())
                    if lead < width:
                        break
                    content.append((number, ""))
                elif len(line) - len(line.lstrip()) >= width:
                    content.append((number, line[width:]))
                elif _ITEM.match(line) or line.startswith("#") or not content[-1][1].strip():
                    break
                else:  # a lazy continuation of the item's paragraph
                    content.append((number, line.strip()))
                i += 1
            block.items.append(self.blocks(content, top=False))
            while i < len(lines) and not lines[i][1].strip():
                i += 1
            if i < len(lines) and not _ITEM.match(lines[i][1]):
                break
        out.append(block)
        return i

    # -- output ------------------------------------------------------------------------

    def plain(self, text: str) -> str:
        """Rough plain text of the writer's Markdown, figures in place (for a Section)."""
        text = re.sub(r"\x00(\d+)\x00", lambda m: self.values[int(m.group(1))], text)
        text = text.replace("\x01", "{").replace("\x02", "}")
        return re.sub(r"\*\*|(?<!\w)[*_]|[*_](?!\w)", "", text)

    def inline(self, text: str) -> str:
        return _inline(text, self.values)

    def markdown(self, block: _Block) -> str:
        if block.kind == "para":
            return self.inline(block.text)
        lines = []
        for n, item in enumerate(block.items, 1):
            marker = f"{n}." if block.ordered else "-"
            pad = " " * (len(marker) + 1)
            body = ""
            for previous, b in zip([None, *item], item, strict=False):
                # A list straight after the item's text is part of it (a tight list).
                glue = "\n" if previous and previous.kind == "para" and b.kind == "list" else "\n\n"
                body += (glue if previous else "") + self.markdown(b)
            lines.append(marker + " " + body.replace("\n", "\n" + pad).replace(pad + "\n", "\n"))
        loose = any(sum(b.kind == "para" for b in item) > 1 for item in block.items)
        return ("\n\n" if loose else "\n").join(lines)

    def parts(self, blocks: list[_Block]) -> list[Part]:
        parts: list[Part] = []
        chunk: list[str] = []
        start, appendix, level = 0, False, 1

        def flush() -> None:
            if chunk:
                parts.append(Part("\n\n".join(chunk), line=start, appendix=appendix))
                chunk.clear()

        for block in blocks:
            if block.kind == "figure":
                flush()
                parts.append(
                    Part(
                        figure=block.text,
                        args=tuple(block.args),
                        line=block.line,
                        appendix=appendix,
                    )
                )
                continue
            if block.kind == "heading":
                starts_appendix = block.level == 1 and _APPENDIX.match(block.text)
                if block.level == 1 and not starts_appendix:
                    self.problem(
                        "'#' is for an appendix ('# Appendix 1: Title'); the paper's title "
                        "comes from params/<meeting>.yaml, and its sections start with '##'",
                        block.line,
                    )
                    continue
                if starts_appendix:
                    flush()
                    appendix = True
                elif block.level > level + 1:
                    self.problem(
                        f"a level-{block.level} heading ({'#' * block.level}) follows a "
                        f"level-{level} one; use {'#' * (level + 1)} here, so that the "
                        "paper's outline has no gap",
                        block.line,
                    )
                level = block.level
                if not block.text:
                    self.problem("a heading has no text", block.line)
                # An appendix's own headings sit one level under its title.
                depth = block.level + (1 if appendix and not starts_appendix else 0)
                depth = max(depth, 2)
                if depth > 6:
                    self.problem("headings go at most five levels deep in an appendix", block.line)
                    depth = 6
                text = self.inline(block.text)
                chunk.append("#" * depth + " " + text)
            else:
                chunk.append(self.markdown(block))
            if len(chunk) == 1:
                start = block.line
        flush()
        return parts

    def sections(self, blocks: list[_Block]) -> list[Section]:
        heads = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
        out = []
        for n, (i, head) in enumerate(heads):
            end = next((j for j, b in heads[n + 1 :] if b.level <= head.level), len(blocks))
            out.append(
                Section(
                    self.plain(head.text),
                    head.level,
                    head.line,
                    "\n".join(self.plain(t) for t in _texts(blocks[i + 1 : end])),
                )
            )
        return out


def _texts(blocks: list[_Block]) -> list[str]:
    out = []
    for block in blocks:
        if block.kind in ("para", "heading"):
            out.append(block.text)
        for item in block.items:
            out += _texts(item)
    return out
