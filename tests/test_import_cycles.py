"""No import cycle between the modules of ``backend/finops``.

Every import counts: at module level, under ``TYPE_CHECKING`` and inside functions, since a
cycle hidden in a function or a type-only import still ties the modules together. The graph is
read from the source with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "backend"
PACKAGE = "finops"

# Cycles that exist and are owned by another area's restructuring (issue 14). The list may only
# shrink: the test fails when a cycle outside it appears and when one of them is gone, so the
# entry is removed together with the cycle.
KNOWN_CYCLES: list[list[str]] = []


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, modules: set[str], root: Path = ROOT) -> Iterator[str]:
    """The modules of the package that ``path`` imports (a name imported from a package that
    is itself a module, e.g. ``from finops.generator import catalog``, counts as that module)."""
    this = module_name(path, root)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = this.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != this:
                yield target


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    paths = sorted((root / package).rglob("*.py"))
    modules = {module_name(p, root) for p in paths}
    return {module_name(p, root): set(imported_names(p, modules, root)) for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    for name in ("__init__", "a", "b", "c", "d", "sub/__init__", "sub/e"):
        (package / f"{name}.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import pkg.b\n"
        "if TYPE_CHECKING:\n    from pkg.c import Thing\n"
        "def f() -> None:\n    from pkg import d\n"
    )
    (package / "sub" / "e.py").write_text("from .. import a, b\nfrom ..sub import e\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.a"] == {"pkg.b", "pkg.c", "pkg.d"}
    assert graph["pkg.sub.e"] == {"pkg.a", "pkg.b"}
    real = import_graph()
    assert len(real) > 50
    # ``from finops.generator import catalog`` names the module, not the package
    assert "finops.generator.catalog" in real["finops.generator.estate.factory"]
    assert "finops.generator.to_aws" in real["finops.generator.api"]  # inside a function


def test_backend_has_no_import_cycle() -> None:
    found = cycles(import_graph())
    new = [c for c in found if c not in KNOWN_CYCLES]
    assert new == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in new)
    assert found == KNOWN_CYCLES, "a known cycle is gone: remove it from KNOWN_CYCLES"


def test_generator_modules_import_one_way() -> None:
    graph = import_graph()
    generator = {
        m: {t for t in ts if t.startswith("finops.generator")}
        for m, ts in graph.items()
        if m.startswith("finops.generator")
    }
    assert len(generator) > 10
    assert cycles(generator) == []
