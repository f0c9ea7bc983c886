"""TeX maths in Markdown, for a paper that runs no script: MathML in HTML, Typst in PDF.

Notebooks write maths as Jupyter does: ``$…$`` inline, ``$$…$$`` displayed, ``\\(…\\)``
and ``\\[…\\]``, and bare environments such as ``\\begin{align}…\\end{align}``, which
MathJax reads but pandoc's Markdown reader would take for raw LaTeX and drop.
:func:`normalise` rewrites all of them as pandoc's dollars (the PDF route's pandoc then
writes Typst maths). It runs on what a person wrote (a Markdown cell, before inline
values go in; a LaTeX output), never on Markdown a program made, where ``\\(`` is an
escaped parenthesis. :func:`to_mathml` converts each formula to MathML with
``pandoc --mathml`` when the page is built, so a browser shows it with no script.
Dollars follow pandoc's rule: an opening ``$`` is not followed by a space, a closing
one is not preceded by a space nor followed by a digit, so "$5 and $10" stays money.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

ENVIRONMENTS = "align|align\\*|aligned|equation|equation\\*|gather|gather\\*|multline|eqnarray"
# Code is never maths: fenced blocks and code spans are matched first and kept as they are.
_CODE = r"(?P<code>^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$|(?P<ticks>`+).+?(?P=ticks))"
_BARE_ENV = re.compile(
    _CODE + r"|(?P<dd>\$\$.+?\$\$)"
    r"|(?P<env>\\begin\{(?P<name>" + ENVIRONMENTS + r")\}.*?\\end\{(?P=name)\})"
    r"|\\\((?P<paren>.+?)\\\)|\\\[(?P<bracket>.+?)\\\]",
    re.S | re.M,
)
_MATH = re.compile(
    _CODE + r"|(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:(?:[^$\n]|\n(?![ \t]*\n))*?[^\s\\$])?)\$(?!\d)",
    re.S | re.M,
)
_TOKEN = "RLMATH{:04d}X"
_MATHML = re.compile(r"<math\b.*?</math>", re.S)


def normalise(text: str) -> str:
    """``text`` with every formula written as pandoc's ``$…$`` or ``$$…$$``."""

    def rewrite(match: re.Match) -> str:
        if match.group("code") or match.group("dd"):
            return match.group(0)
        if match.group("env"):
            return f"$${match.group('env')}$$"
        if match.group("paren") is not None:
            return f"${match.group('paren').strip()}$"
        return f"$${match.group('bracket')}$$"

    return _BARE_ENV.sub(rewrite, text)


def formulas(text: str) -> list[tuple[str, bool]]:
    """Each formula in ``text`` (already :func:`normalise`-d): its TeX and whether displayed."""
    found = []
    for match in _MATH.finditer(text):
        if match.group("display") is not None:
            found.append((match.group("display"), True))
        elif match.group("inline") is not None:
            found.append((match.group("inline"), False))
    return found


def protect(text: str) -> tuple[str, Callable[[str], str], list[str]]:
    """``text`` (already :func:`normalise`-d) with each formula replaced by a token, a
    function that puts MathML where the tokens ended up (after Markdown became HTML), and
    problems with formulas pandoc could not read (those are shown as their TeX)."""
    found = formulas(text)
    if not found:
        return text, lambda page: page, []
    mathml, problems = to_mathml(found)
    index = iter(range(len(found)))

    def token(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)
        return _TOKEN.format(next(index))

    tokened = _MATH.sub(token, text)

    def restore(page: str) -> str:
        for i, markup in enumerate(mathml):
            page = page.replace(_TOKEN.format(i), markup)
        return page

    return tokened, restore, problems


def to_mathml(found: list[tuple[str, bool]]) -> tuple[list[str], list[str]]:
    """MathML for each ``(tex, displayed)`` formula (one pandoc run), and problems."""
    import pypandoc

    source = "\n\n".join(f"$${tex}$$" if shown else f"${tex}$" for tex, shown in found)
    page = pypandoc.convert_text(
        source, "html", format="markdown", extra_args=["--mathml", "--quiet"], sandbox=True
    )
    paragraphs = [p for p in re.split(r"</?p>", page) if p.strip()]
    markup, problems = [], []
    for (tex, _), paragraph in zip(found, paragraphs, strict=False):
        math = _MATHML.search(paragraph)
        if math:
            markup.append(math.group(0))
        else:
            problems.append(f"the formula {tex[:60]!r} is not TeX that pandoc can read")
            markup.append(f"<code>{html.escape(tex)}</code>")
    if len(markup) < len(found):  # pandoc merged or dropped a paragraph: show the rest as TeX
        for tex, _ in found[len(markup) :]:
            problems.append(f"the formula {tex[:60]!r} could not be converted")
            markup.append(f"<code>{html.escape(tex)}</code>")
    return markup, problems
