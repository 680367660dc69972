"""The finding-type table of docs/analytics.md, generated from the registry between two markers.

``uv run python -m finops.analytics.optimization.rules.doctable docs/analytics.md`` rewrites it;
tests/analytics/optimization/test_registry.py fails when the file differs from what this module
writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from finops.analytics.optimization.rules import FINDING_RULES
from finops.errors import ConfigurationError

START = "<!-- finding-types:start (generated from the rule registry: rules/doctable.py) -->"
END = "<!-- finding-types:end -->"


def finding_types_table() -> str:
    """One row per registered rule, in registry order."""
    rows = [
        "| finding type | dashboard label | resource types | job | savings method "
        "| Cost Optimization Hub action | policy parameters | scored by the eval |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in FINDING_RULES:
        parameters = ", ".join(f"`{p}`" for p in rule.parameter_names)
        rows.append(
            f"| `{rule.finding_type}` | {rule.label} | {', '.join(rule.resource_types)} "
            f"| {rule.job} | `{rule.savings_method}` | {rule.coh_action or '—'} "
            f"| `{rule.Parameters.__name__}`: {parameters} | {'yes' if rule.evaluated else 'no'} |"
        )
    return "\n".join(rows)


def _split(text: str, path: Path) -> tuple[str, str, str]:
    head, start, rest = text.partition(START)
    body, end, tail = rest.partition(END)
    if not start or not end:
        raise ConfigurationError(f"{path}: the markers {START!r} and {END!r} are missing")
    return head, body, tail


def documented_table(path: Path) -> str:
    """The table between the markers in ``path``, as written there."""
    return _split(path.read_text(), path)[1].strip()


def write_table(path: Path) -> bool:
    """Rewrite the table between the markers in ``path``; True when it changed."""
    text = path.read_text()
    head, _body, tail = _split(text, path)
    new = f"{head}{START}\n{finding_types_table()}\n{END}{tail}"
    if new == text:
        return False
    path.write_text(new)
    return True


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        write_table(Path(arg))
