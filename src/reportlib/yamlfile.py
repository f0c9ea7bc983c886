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
# Integers and floats as YAML 1.2 writes them (no base 60, no underscores).
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^\.(inf|Inf|INF|nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus its node tree, to find the line of any key path."""

    path: Path
    data: Any
    node: yaml.Node | None

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
        return line


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read ``path`` strictly; a syntax error is a :class:`ParamsError` with its line."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problem = Problem(shown, f"is not UTF-8 text ({error.reason}); save it as UTF-8")
        raise ParamsError([problem]) from None
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
        what = "; ".join(filter(None, [error.problem, error.context]))
        raise ParamsError(
            [Problem(shown, f"is not valid YAML: {what}", line=mark.line + 1 if mark else None)]
        ) from None
    except yaml.YAMLError as error:
        raise ParamsError([Problem(shown, f"is not valid YAML: {error}")]) from None
    return YamlDocument(path, data, node)
