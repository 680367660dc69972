"""``finops ask``: a cost question answered by the assistant, with the SQL behind it."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from finops.cli.common import console, fail
from finops.config import get_settings
from finops.db.values import plain_value
from finops.errors import FinOpsError


def ask(
    question: Annotated[str, typer.Argument(help="a cost question in plain English")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="YYYY-MM-DD taken as today (default: the bill's last day)"),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="the answer as JSON")] = False,
    scope_account: Annotated[
        list[str] | None,
        typer.Option("--scope-account", help="answer as a user scoped to this account"),
    ] = None,
) -> None:
    """Answer a cost question from the warehouse (offline parser; the LLM if configured), showing
    the SQL it ran; "I can't answer that" rather than a guess."""
    import getpass

    from finops.assistant import ask as ask_question
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.warehouse.scope import ALL, Scope

    settings = get_settings()
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise fail(FinOpsError(f"--as-of {as_of!r} is not a YYYY-MM-DD date")) from exc
    try:
        upgrade(get_engine(settings))
        answer = ask_question(
            question,
            asker=f"cli:{getpass.getuser()}",
            scope=Scope(accounts=frozenset(scope_account)) if scope_account else ALL,
            settings=settings,
            as_of=day,
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
    if json_:
        document = {
            "question": answer.question,
            "refused": answer.refused,
            "value": None if answer.value is None else str(answer.value),
            "columns": answer.columns,
            "rows": [[plain_value(v) for v in row] for row in answer.rows],
            "sql": answer.sql,
            "explanation": answer.explanation,
            "provider": answer.provider,
        }
        sys.stdout.write(json.dumps(document, default=str) + "\n")
    else:
        console.print(answer.explanation, highlight=False)
        if answer.rows:
            table = Table(*answer.columns)
            for row in answer.rows:
                table.add_row(*[str(plain_value(v)) for v in row])
            console.print(table)
        for statement in answer.sql:
            console.print(f"[dim]{statement}[/]", highlight=False)
    if answer.refused:
        raise typer.Exit(code=1)
