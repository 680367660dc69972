"""Policy files: every ``*.yaml``/``*.yml`` of a folder read and validated, every problem named
as ``file:policy:field: message``."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from finops.errors import PolicyError
from finops.remediation.policies.policy import Policy


def _problem(source: str, policy: str, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "-"
        message = str(error["msg"]).removeprefix("Value error, ")
        out.append(f"{source}:{policy}:{where}: {message}")
    return out


def _read(path: Path) -> tuple[list[Policy], list[str]]:
    """The policies of one file and the problems met in it."""
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        return [], [f"{source}:-:-: not readable YAML: {exc}"]
    if not isinstance(data, dict) or set(data) != {"policies"}:
        return [], [f"{source}:-:policies: the file must be a mapping with one key, policies"]
    items = data["policies"]
    if not isinstance(items, list) or not items:
        return [], [f"{source}:-:policies: must be a non-empty list of policies"]
    policies: list[Policy] = []
    problems: list[str] = []
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        label = name if isinstance(name, str) and name else f"#{index + 1}"
        try:
            policy = Policy.model_validate(item)
        except ValidationError as exc:
            problems += _problem(source, label, exc)
            continue
        policy._source = source
        policies.append(policy)
    return policies, problems


def validate_policies(folder: Path) -> tuple[list[Policy], list[str]]:
    """Every policy of ``folder`` that validates, and every problem (``file:policy:field:
    message``), duplicate names across files included."""
    if not folder.is_dir():
        return [], [f"{folder}:-:-: policy folder does not exist"]
    policies: list[Policy] = []
    problems: list[str] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        found, wrong = _read(path)
        policies += found
        problems += wrong
    first: dict[str, Policy] = {}
    unique: list[Policy] = []
    for policy in policies:
        if policy.name in first:
            problems.append(
                f"{policy.source}:{policy.name}:name: duplicate policy name "
                f"(first in {first[policy.name].source})"
            )
            continue
        first[policy.name] = policy
        unique.append(policy)
    return unique, problems


def load_policies(folder: Path) -> list[Policy]:
    """Every policy in ``folder``; :class:`PolicyError` naming each problem when any file is
    wrong (a run never acts on half a folder)."""
    policies, problems = validate_policies(folder)
    if problems:
        raise PolicyError(problems)
    return policies
