"""The ``finops`` command tree with every option, held against a committed snapshot.

Every command and group, its help text, and each parameter's name, flags, type, default,
required/multiple/flag nature and help: a command, option or default that changes (or
disappears in a restructuring) fails here. After a deliberate change, regenerate the snapshot
with ``uv run python -m tests.cli.test_command_tree`` and review its diff."""

from __future__ import annotations

import json
from enum import EnumMeta
from pathlib import Path
from typing import Any

import typer.main

SNAPSHOT = Path(__file__).with_name("command_tree.json")


def _annotation(param: Any) -> dict[str, Any]:
    descriptor = param.type_descriptor
    annotation = descriptor.annotation
    choices = [m.value for m in annotation] if isinstance(annotation, EnumMeta) else []
    return {
        "type": param.bare_type(),
        "choices": choices,
        "formats": list(getattr(descriptor.parameter_info, "formats", None) or []),
    }


def _param(param: Any) -> dict[str, Any]:
    """One parameter of the (Typer-vendored) click command: duck-typed, as Typer's own classes
    are not ``click``'s."""
    return {
        "name": param.name,
        "kind": type(param).__name__,
        "opts": list(param.opts),
        "secondary_opts": list(getattr(param, "secondary_opts", [])),
        **_annotation(param),
        "min": param.min,
        "max": param.max,
        "required": param.required,
        "multiple": param.multiple,
        "nargs": param.nargs,
        "default": repr(param.default),
        "is_flag": getattr(param, "is_flag", None),
        "help": param.help,
    }


def _command(command: Any, path: str) -> dict[str, Any]:
    described: dict[str, Any] = {
        "path": path,
        "help": command.help,
        "short_help": command.short_help,
        "params": [_param(p) for p in command.params],
    }
    if hasattr(command, "commands"):
        described["no_args_is_help"] = command.no_args_is_help
        described["commands"] = [
            _command(sub, f"{path} {name}") for name, sub in command.commands.items()
        ]
    return described


def command_tree() -> dict[str, Any]:
    from finops.cli import app

    return _command(typer.main.get_command(app), "finops")


def _paths(tree: dict[str, Any]) -> list[str]:
    return [tree["path"], *(p for sub in tree.get("commands", []) for p in _paths(sub))]


def test_the_command_tree_and_every_option_are_unchanged() -> None:
    expected = json.loads(SNAPSHOT.read_text())
    actual = json.loads(json.dumps(command_tree()))
    assert _paths(actual) == _paths(expected)
    # 49 + users (group and 5) + tokens (group and 3) + audit (group and 2)
    # + policies (group and 2) + actions (group and 7) + eval savings + run insights
    # + run usage-anomalies + eval forecast-intervals
    assert len(_paths(actual)) == 80
    assert actual == expected


def test_the_console_entry_point_is_the_cli_main() -> None:
    import tomllib

    from finops.cli import main

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {"finops": "finops.cli:main"}
    assert callable(main)


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(command_tree(), indent=1) + "\n")
