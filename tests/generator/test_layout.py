"""The generator package keeps its shape: short modules and functions, and no private name
(``_x``) imported from another module. Read from the source with ``ast``; nothing is imported.

Data tables are exempt from the module limit: ``cur2_columns`` (the CUR 2.0 column set, one
row per column) and ``catalog`` (prices) are tables, not logic; neither exceeds it today.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "backend" / "finops" / "generator"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_the_limit() -> None:
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in modules()}
    assert len(sizes) > 30
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_function_over_the_limit() -> None:
    long: dict[str, int] = {}
    count = 0
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                count += 1
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(PACKAGE)}:{node.name}"] = lines
    assert count > 200
    assert long == {}


def test_no_private_name_imported_across_modules() -> None:
    found: list[str] = []
    imports = 0
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("finops"):
                imports += 1
                found += [
                    f"{path.relative_to(PACKAGE)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert imports > 100
    assert found == []


def test_each_situation_kind_is_planted_by_its_own_function() -> None:
    from finops.generator.estate.build import PLANTERS

    names = [planter.__name__ for planter in PLANTERS]
    assert len(names) == len(set(names)) == 19
    assert all(name.startswith("plant_") for name in names)
