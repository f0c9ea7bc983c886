"""Strict YAML reading that remembers where every key came from.

Analysts edit these files by hand, so loading is strict where YAML 1.1 is
surprising: a repeated key is an error (not "last one wins"), ``11:00`` stays
the string "11:00" instead of the base-60 integer 660, and anchors and aliases
(``&name``, ``*name``, ``<<: *name``) are refused: nested aliases expand
exponentially (a few lines can exhaust memory), and a hand-edited file reads
more plainly with every value written where it applies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reportlib.exceptions import ParamsError, Problem


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without sexagesimal numbers or implicit dates, rejecting duplicate keys,
    anchors and aliases."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # Refused while composing, before any alias is expanded.
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise yaml.composer.ComposerError(
                None,
                None,
                f"uses the YAML {'alias' if sign == '*' else 'anchor'} {sign}{event.anchor}; "
                "anchors and aliases are not allowed: write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} appears twice (first on line {seen[key]}); keep one",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        # Dates stay strings so that the schema, not the YAML parser, reports a bad one.
        if tag
        not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Integers and floats as YAML 1.2 writes them (no base 60, no underscores); digits
# with a leading zero (a phone number, "07771 941337") stay text, never octal.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"
        r"|^\.(inf|Inf|INF|nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus its node tree, to find the line of any key path.

    ``offset`` is the number of lines before the YAML in its file (a Markdown file's
    front matter starts after its opening ``---``), so that lines are the file's.
    """

    path: Path | None
    data: Any
    node: yaml.Node | None
    offset: int = 0

    def line(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the key at ``loc``, or of its nearest existing parent."""
        node = self.node
        line = 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return None if line is None else line + self.offset


# What PyYAML says, and what a writer should do about it.
_ADVICE = (
    ("mapping values are not allowed here", "a value that contains ': ' must be in quotes"),
    (
        "could not find expected ':'",
        "this line is not 'key: value'; a value that goes on "
        "over several lines, or contains ': ' or '#', must be in quotes",
    ),
    ("found character '\\t'", "a tab is not allowed here; indent with spaces"),
    ("found unexpected end of stream", "a quote is opened and never closed"),
    (
        "did not find expected key",
        "the indentation is uneven, or a list item '- ' is "
        "mixed with 'key: value' lines at the same level",
    ),
    ("found undefined alias", "'*' starts a YAML alias; put text that begins with '*' in quotes"),
    ("found unhashable key", "'{' starts a YAML mapping; put text that begins with '{' in quotes"),
)


def _explain(problem: str) -> str:
    for found, advice in _ADVICE:
        if found in problem:
            return advice
    return problem


def load_yaml_text(
    text: str, shown: str, *, path: Path | None = None, offset: int = 0
) -> YamlDocument:
    """Parse ``text`` strictly; a syntax error is a :class:`ParamsError` with its line.

    ``shown`` names the file in messages; ``offset`` is the number of lines of the file
    before ``text`` (see :class:`YamlDocument`).
    """
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is found only at the end of the file; the context
        # mark points at where it was opened, which is where the fix goes.
        mark = error.context_mark or error.problem_mark
        what = "; ".join(
            _explain(p) for p in dict.fromkeys(filter(None, [error.problem, error.context]))
        )
        line = mark.line + 1 + offset if mark else None
        raise ParamsError([Problem(shown, f"is not valid YAML: {what}", line=line)]) from None
    except yaml.YAMLError as error:
        raise ParamsError([Problem(shown, f"is not valid YAML: {error}")]) from None
    return YamlDocument(path, data, node, offset)


def read_utf8(path: Path, shown: str) -> str:
    """The text of ``path``; a file that is not UTF-8 is a :class:`ParamsError` with its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = Problem(
            shown,
            f"is not UTF-8 text ({error.reason}); save it as UTF-8 "
            "(in most editors: Save As, encoding UTF-8)",
            line=line,
        )
        raise ParamsError([problem]) from None


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read ``path`` strictly; a syntax error is a :class:`ParamsError` with its line."""
    shown = display or str(path)
    return load_yaml_text(read_utf8(path, shown), shown, path=path)
