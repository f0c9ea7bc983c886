"""Who may import whom (docs/architecture.md): data flows one way, and so do imports."""

import ast

from helpers import REPO

PACKAGE = REPO / "src" / "reportlib"
#: Modules every stage may use; they import no stage.
FOUNDATION = (
    "exceptions",
    "failures",
    "fingerprint",
    "paths",
    "files",
    "progress",
    "lock",
    "environment",
    "manifest",
    "buildwarnings",
    "record",
)
#: The stages and what drives them, in the order data flows: each imports only those
#: before it (and the foundation, and the meeting's own modules).
STAGES = (
    "uptodate",
    "precheck",
    "runner",
    "buildplan",
    "layout",
    "verdict",
    "signoff",
    "pack",
    "review",
    "assembly",
    "publish",
    "build",
    "summary",
    "preview",
    "cli",
)


def _imports(path) -> set[str]:
    """The reportlib modules ``path`` imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "reportlib" and len(parts) > 1:
                found.add(parts[1])
            elif node.module == "reportlib":
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "reportlib" and len(parts) > 1:
                    found.add(parts[1])
    return found


def _module(name: str):
    path = PACKAGE / f"{name}.py"
    return [path] if path.is_file() else sorted((PACKAGE / name).glob("*.py"))


def test_the_foundation_imports_no_stage():
    for name in FOUNDATION:
        for path in _module(name):
            wrong = _imports(path) & set(STAGES)
            assert not wrong, f"{path.name} imports {sorted(wrong)}"


def test_each_stage_imports_only_those_before_it():
    for index, name in enumerate(STAGES):
        later = set(STAGES[index + 1 :])
        for path in _module(name):
            wrong = _imports(path) & later
            assert not wrong, f"{name}: {path.name} imports {sorted(wrong)}, which come after it"


def test_every_module_named_here_exists():
    for name in (*FOUNDATION, *STAGES):
        assert _module(name), name
