"""The ``finops`` command line: one Typer application, one module per command group.

The root commands and groups are registered here, in the order ``finops --help`` lists them;
each group's module holds its commands and nothing else runs command-line code
(``tests/cli/test_command_tree.py`` holds the whole tree against a snapshot)."""

from __future__ import annotations

from typing import Annotated

import typer

from finops.cli import common
from finops.cli.actions import actions_app
from finops.cli.anomalies import anomalies_app
from finops.cli.ask import ask
from finops.cli.audit import audit_app
from finops.cli.budgets import budgets_app
from finops.cli.db import db_app
from finops.cli.demo import airflow, demo
from finops.cli.eval import detect_app, eval_app
from finops.cli.export import export_app
from finops.cli.generate import generate
from finops.cli.ingest import ingest_app
from finops.cli.jobs import run_app
from finops.cli.mcp import mcp
from finops.cli.policies import policies_app
from finops.cli.serve import openapi, serve
from finops.cli.sources import sources_app
from finops.cli.sql import sql
from finops.cli.users import tokens_app, users_app
from finops.errors import FinOpsError

__all__ = ["app", "main"]

app = typer.Typer(
    help="FinOps Platform: cloud bills and utilization into decisions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for command in (generate, sql, ask, mcp, serve, airflow, demo, openapi):
    app.command()(command)
for name, group in (
    ("db", db_app),
    ("ingest", ingest_app),
    ("sources", sources_app),
    ("run", run_app),
    ("eval", eval_app),
    ("anomalies", anomalies_app),
    ("budgets", budgets_app),
    ("detect", detect_app),
    ("export", export_app),
    ("users", users_app),
    ("tokens", tokens_app),
    ("actions", actions_app),
    ("audit", audit_app),
    ("policies", policies_app),
):
    app.add_typer(group, name=name)


@app.callback()
def _global_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="show the full traceback of any failure")
    ] = False,
) -> None:
    common.debug["on"] = debug
    # every command logs to stderr from its first line: stdout is for its output alone
    common.setup_logging()


def main() -> None:
    try:
        app()
    except FinOpsError as exc:  # bad input or settings met outside a command's own handling
        raise SystemExit(common.fail(exc).exit_code) from None
    except Exception as exc:  # a defect, not bad input: short unless --debug
        if common.debug["on"]:
            raise
        common.err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)",
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(2) from None
