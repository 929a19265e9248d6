"""The package's layers point one way (ARCHITECTURE.md), and its modules import no cycle.

Read from the source, not from a running import: every ``import`` counts, also those inside
functions (the lazy imports that keep start-up fast), except those only a type checker runs
(``if TYPE_CHECKING:``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

INTERNAL = Path(__file__).resolve().parents[1] / "src" / "encord_manifest" / "_internal"
PREFIX = "encord_manifest._internal."

#: Lowest first: a package may import only those before it (and itself).
LAYERS = (
    "model",  # documents, findings, diagnostics, settings, the spec's numbers
    "text",  # patterns, suggestions, diffs, redaction, URL authorities
    "files",  # which files to read; writing without losing what was there
    "sources",  # JSON and CSV text -> documents, positions on demand
    "rules",  # the schema and the rule families, one registry
    "engine",  # the pipeline, the parallel parts, fixes
    "report",  # diagnostics -> every output format
    "config",  # configuration files -> settings
    "remote",  # reading the objects; plugs into the engine as an extra check
    "encord",  # the only package that imports the encord SDK
    "api",  # the public Python API (re-exported by encord_manifest)
    "cli",  # the command line: uses everything
)


def _package_of(module: str) -> str:
    return module[len(PREFIX) :].split(".")[0]


def _module_name(path: Path) -> str:
    parts = path.relative_to(INTERNAL).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return PREFIX + ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(
    tree: ast.AST, top_level_only: bool, module: str = PREFIX + "x"
) -> Iterator[tuple[str, int]]:
    """(module imported, line) of every import that runs, or of the module-level ones.

    ``from . import x`` is resolved against ``module``; ``import encord_manifest`` is the
    public API (the api layer); a string naming one of the package's modules
    (``importlib.import_module(...)``, a registry of commands) counts as importing it.
    """
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                pending.extend(child.orelse)
                continue
            if top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(child, ast.ImportFrom):
                base = _absolute(child, module)
                if base != "encord_manifest":  # its names are judged one by one
                    yield base, child.lineno
                for alias in child.names:  # `from package import module`
                    yield f"{base}.{alias.name}", child.lineno
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno
            elif (
                not top_level_only
                and isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and child.value.startswith(PREFIX)
            ):
                yield child.value.split("{")[0].rstrip("."), child.lineno
            pending.append(child)


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def _layer_of(imported: str) -> str | None:
    """The layer an imported name belongs to, or None outside the package."""
    if imported.startswith(PREFIX):
        return _package_of(imported)
    if imported == "encord_manifest" or imported.startswith("encord_manifest."):
        return None if imported == "encord_manifest.__version__" else "api"
    return None


def _modules() -> dict[str, ast.AST]:
    return {_module_name(p): ast.parse(p.read_text()) for p in sorted(INTERNAL.rglob("*.py"))}


def test_every_package_is_in_a_layer() -> None:
    packages = {p.name for p in INTERNAL.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
    assert {p.name for p in INTERNAL.glob("*.py")} == {"__init__.py"}  # no loose modules


def layer_violations(modules: dict[str, ast.AST]) -> list[str]:
    rank = {name: index for index, name in enumerate(LAYERS)}
    found = []
    for module, tree in modules.items():
        own = _package_of(module)
        for imported, line in _imports(tree, top_level_only=False, module=module):
            target = _layer_of(imported)
            if target is not None and target in rank and rank[target] > rank[own]:
                found.append(f"{module}:{line} imports {imported} ({own} is below {target})")
    return found


def test_layers_point_one_way() -> None:
    assert layer_violations(_modules()) == []


def test_only_the_encord_package_imports_the_sdk() -> None:
    for module, tree in _modules().items():
        if _package_of(module) == "encord":
            continue
        for imported, line in _imports(tree, top_level_only=False):
            assert imported.split(".")[0] != "encord", f"{module}:{line} imports {imported}"


def import_cycle(modules: dict[str, ast.AST]) -> list[str] | None:
    """A cycle of module-level imports between the package's modules, or None."""
    graph = {
        module: sorted(
            {
                i
                for i, _ in _imports(tree, top_level_only=True, module=module)
                if i in modules and i != module
            }
        )
        for module, tree in modules.items()
    }
    state: dict[str, int] = {}  # 1: on the path, 2: done
    for start in graph:
        if state.get(start):
            continue
        path, stack = [start], [iter(graph[start])]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(following) == 1:
                return [*path[path.index(following) :], following]
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                stack.append(iter(graph[following]))
    return None


def test_no_module_level_import_cycle() -> None:
    assert import_cycle(_modules()) is None


def test_the_checks_catch_what_they_guard() -> None:
    """The two graph checks, on made-up modules: each finds what it exists to find."""
    rules_importing_cli = {
        PREFIX + "rules.x": ast.parse("from encord_manifest._internal.cli.app import main"),
        PREFIX + "cli.app": ast.parse(""),
    }
    assert layer_violations(rules_importing_cli)
    lazily = {
        PREFIX + "rules.x": ast.parse("def f():\n    import encord_manifest._internal.report")
    }
    assert layer_violations(lazily)
    typed_only = {
        PREFIX + "rules.x": ast.parse(
            "if TYPE_CHECKING:\n    from encord_manifest._internal.report import Summary"
        )
    }
    assert layer_violations(typed_only) == []
    relative = {PREFIX + "rules.x": ast.parse("from ..cli.app import main")}
    assert layer_violations(relative)
    through_the_api = {PREFIX + "rules.x": ast.parse("import encord_manifest")}
    assert layer_violations(through_the_api)
    by_name = {
        PREFIX + "rules.x": ast.parse(
            "importlib.import_module('encord_manifest._internal.report.text')"
        )
    }
    assert layer_violations(by_name)
    registry = {PREFIX + "report.x": ast.parse("f'encord_manifest._internal.report.{name}'")}
    assert layer_violations(registry) == []
    a, b = PREFIX + "model.a", PREFIX + "model.b"
    cycle = {
        a: ast.parse("from encord_manifest._internal.model import b"),
        b: ast.parse("import encord_manifest._internal.model.a"),
    }
    assert import_cycle(cycle) in ([a, b, a], [b, a, b])
    deferred = {a: cycle[a], b: ast.parse("def f():\n    import encord_manifest._internal.model.a")}
    assert import_cycle(deferred) is None


@pytest.mark.parametrize("limit", [400])
def test_no_module_is_long(limit: int) -> None:
    """A module over ~400 lines has more than one reason to change (design.md)."""
    long = {
        str(p.relative_to(INTERNAL)): n
        for p in INTERNAL.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > limit + 40
    }
    assert long == {}


def test_no_command_line_function_is_long() -> None:
    """A command's signature is one line per option (``cli/options.py``) and its work is in
    functions of one job each: none over ~80 lines."""
    long = [
        f"{path.relative_to(INTERNAL)}:{node.lineno} {node.name}"
        for path in sorted((INTERNAL / "cli").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (node.end_lineno or node.lineno) - node.lineno >= 80
    ]
    assert long == []
