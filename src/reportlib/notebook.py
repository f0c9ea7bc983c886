"""What a report notebook declares: its ``parameters`` cell, read without running it."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlib.exceptions import ParamsError, Problem

PARAMETERS_TAG = "parameters"
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}


@dataclass(frozen=True)
class Parameter:
    """One name assigned in the parameters cell, with the type its default or annotation implies."""

    name: str
    default: Any
    type: type | None  # None: any value fits (default None or an expression)


def read_source_notebook(path: Path) -> dict:
    """The notebook's JSON (source notebooks are small; no need for nbformat here)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParamsError([Problem(path, f"cannot be read as a notebook: {error}")]) from None


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def declared_parameters(path: Path, shown: str | None = None) -> dict[str, Parameter]:
    """Names assigned in the cell tagged ``parameters``, in order."""
    shown = shown or str(path)
    cells = [
        c
        for c in read_source_notebook(path).get("cells", [])
        if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        found = "no cell" if not cells else f"{len(cells)} cells"
        raise ParamsError(
            [
                Problem(
                    shown,
                    f"has {found} tagged 'parameters'; tag exactly one code cell 'parameters' "
                    "(JupyterLab: Property Inspector > Cell Tags)",
                )
            ]
        )
    try:
        tree = ast.parse(cell_source(cells[0]))
    except SyntaxError as error:
        raise ParamsError(
            [
                Problem(
                    shown,
                    f"its parameters cell is not valid Python: {error.msg} (line {error.lineno})",
                )
            ]
        ) from None
    found: dict[str, Parameter] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value, annotation = stmt.targets, stmt.value, None
        elif isinstance(stmt, ast.AnnAssign):
            targets, value, annotation = [stmt.target], stmt.value, stmt.annotation
        else:
            continue
        default = _literal(value)
        kind = _TYPES.get(annotation.id) if isinstance(annotation, ast.Name) else None
        if kind is None and default is not None:
            kind = type(default) if type(default) in _TYPES.values() else None
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = Parameter(target.id, default, kind)
    return found


def _literal(node: ast.expr | None) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def fits(value: Any, parameter: Parameter) -> bool:
    """Whether ``value`` from YAML may replace the parameter's default."""
    return mismatch(value, parameter) is None


def mismatch(value: Any, parameter: Parameter) -> tuple[tuple[str | int, ...], str] | None:
    """Where ``value`` first differs in type from the parameter's default, or None if it fits.

    Checked to the leaf: a list of whole numbers stays a list of whole numbers, and a
    mapping's values keep the types of the default's. Returns the location inside
    ``value`` (``()`` for the value itself, ``(1,)`` for its second item) and what the
    default has there.
    """
    kind = parameter.type
    if kind is None:
        return None
    if value is None:
        return None if parameter.default is None else ((), _describe(parameter.default, kind))
    if not _is(value, kind):
        return (), _describe(parameter.default, kind)
    if parameter.default is None or parameter.default == [] or parameter.default == {}:
        return None  # an annotation or an empty default says nothing about the items
    return _leaf_mismatch(value, parameter.default)


def _is(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def declared_datasets(path: Path) -> set[str]:
    """Datasets the notebook reads by a literal name: ``table("x")``, ``load_table("x", …)``."""
    found: set[str] = set()
    for tree in _code_trees(path):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in ("table", "load_table")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def _code_trees(path: Path) -> list[ast.Module]:
    """Each code cell parsed; a cell that is not valid Python (a cell magic) is skipped."""
    trees = []
    for cell in read_source_notebook(path).get("cells", []):
        if cell.get("cell_type") == "code":
            try:
                trees.append(ast.parse(cell_source(cell)))
            except SyntaxError:
                continue
    return trees


def declared_figures(path: Path) -> set[str] | None:
    """Names the notebook offers its words (functions decorated ``@words.figure``).

    ``None`` if the notebook opens no :class:`reportlib.narrative.Narrative` (it has no
    words file). Read without running the notebook; a cell that is not valid Python
    (a cell magic, say) is skipped.
    """
    offered: set[str] = set()
    opens = False
    for tree in _code_trees(path):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "Narrative":
                opens = True
            if isinstance(node, ast.FunctionDef) and any(
                _name(d) == "figure" for d in node.decorator_list
            ):
                offered.add(node.name)
    return offered if opens else None


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _leaf_mismatch(value: Any, default: Any) -> tuple[tuple[str | int, ...], str] | None:
    if default is None:
        return None
    if not _is(value, type(default)):
        return (), _describe(default, type(default))
    if isinstance(default, list) and default:
        for index, item in enumerate(value):
            # an item fits if it fits like any item of the default (mixed lists stay mixed)
            found = [_leaf_mismatch(item, d) for d in default]
            if all(f is not None for f in found):
                where, want = found[0]
                return (index, *where), want
    if isinstance(default, dict) and default:
        for key, item in value.items():
            like = [default[key]] if key in default else list(default.values())
            found = [_leaf_mismatch(item, d) for d in like]
            if all(f is not None for f in found):
                where, want = found[0]
                return (key, *where), want
    return None


def _describe(default: Any, kind: type) -> str:
    """``list of int [25, 26, 27]``: what a default is, as a message shows it."""
    name = kind.__name__
    if isinstance(default, list) and default:
        inner = sorted({type(d).__name__ for d in default})
        name += f" of {' or '.join(inner)}"
    return f"{name} {default!r}" if default is not None else name
