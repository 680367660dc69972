"""``finops policies``: check a folder of remediation policies (``validate``) and show what
each one does (``list``). Neither touches the warehouse."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from finops.cli.common import err_console

if TYPE_CHECKING:
    from finops.remediation.policies import Policy

policies_app = typer.Typer(
    help="Check and list remediation policies (YAML files).", no_args_is_help=True
)

FolderArg = Annotated[
    Path | None,
    typer.Argument(
        help="folder of policy files; default FINOPS_REMEDIATION_POLICY_DIR or home/policies"
    ),
]


def _checked(folder: Path | None) -> tuple[Path, list[Policy]]:
    """The folder's policies; every problem on stderr and exit 1 when any file is wrong."""
    from finops.config import get_settings
    from finops.remediation.policies import validate_policies

    folder = folder or get_settings().remediation_policy_path
    policies, problems = validate_policies(folder)
    if problems:
        for problem in problems:
            err_console.print(
                f"[bold red]error:[/] {escape(problem)}",
                highlight=False,
                soft_wrap=True,
                emoji=False,
            )
        err_console.print(f"{len(problems)} problem(s) in {escape(str(folder))}", emoji=False)
        raise typer.Exit(code=1)
    return folder, policies


@policies_app.command("validate")
def policies_validate(folder: FolderArg = None) -> None:
    """Validate every policy file of the folder; exit 1 naming each problem as
    file:policy:field."""
    folder, policies = _checked(folder)
    sys.stdout.write(f"{len(policies)} policies valid in {folder}\n")


def _table(policies: list[Policy]) -> str:
    lines = [
        "| name | finding types | action | scope | limits | approval |",
        "|---|---|---|---|---|---|",
    ]
    for p in policies:
        approval = p.approval.mode + f" (expires {p.approval_expiry_hours} h)"
        window = f"; window {p.window.summary()}" if p.window else ""
        lines.append(
            f"| {p.name} | {', '.join(p.finding_types)} | {p.action} | "
            f"{p.scope.summary()}{window} | {p.limits_summary()} | {approval} |"
        )
    return "\n".join(lines)


@policies_app.command("list")
def policies_list(folder: FolderArg = None) -> None:
    """Show each policy of the folder: finding types, action, scope, limits, approval mode."""
    _, policies = _checked(folder)
    sys.stdout.write(_table(policies) + "\n")
