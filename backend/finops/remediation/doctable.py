"""The actions table and the IAM policy of docs/remediation.md, generated from the registry
between markers (``python -m finops.remediation.doctable docs/remediation.md`` rewrites them;
tests/remediation/test_action_registry.py requires the doc to hold them as generated)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from finops.errors import ConfigurationError
from finops.remediation import iam_policy
from finops.remediation.actions import ACTIONS


def actions_table() -> str:
    """One row per action: name, fixes, resource, IAM actions, reversible and how."""
    rows = [
        "| action | fixes | resource | IAM actions | reversible / how |",
        "|---|---|---|---|---|",
    ]
    for cls in ACTIONS:
        cells = [
            f"`{cls.name}`",
            ", ".join(f"`{f}`" for f in cls.fixes),
            cls.resource_type,
            ", ".join(f"`{a}`" for a in cls.iam_actions),
            ("yes: " if cls.reversible else "no: ") + cls.undo.removeprefix("not reversible: "),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def iam_policy_block() -> str:
    return "```json\n" + json.dumps(iam_policy(), indent=2) + "\n```"


BLOCKS: dict[str, Callable[[], str]] = {
    "remediation-actions": actions_table,
    "remediation-iam-policy": iam_policy_block,
}


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- {name}:start (generated from the action registry: remediation/doctable.py) -->",
        f"<!-- {name}:end -->",
    )


def documented(path: Path, name: str) -> str:
    """The block ``name`` between its markers in ``path``, as written there."""
    start, end = _markers(name)
    _, found, rest = path.read_text().partition(start)
    body, closed, _ = rest.partition(end)
    if not found or not closed:
        raise ConfigurationError(f"{path}: the markers {start!r} and {end!r} are missing")
    return body.strip()


def write_blocks(path: Path) -> bool:
    """Rewrite every generated block in ``path``; True when something changed."""
    text = original = path.read_text()
    for name, generate in BLOCKS.items():
        start, end = _markers(name)
        head, found, rest = text.partition(start)
        _, closed, tail = rest.partition(end)
        if not found or not closed:
            raise ConfigurationError(f"{path}: the markers {start!r} and {end!r} are missing")
        text = f"{head}{start}\n{generate()}\n{end}{tail}"
    if text == original:
        return False
    path.write_text(text)
    return True


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        write_blocks(Path(arg))
