"""``finops budgets``: create, list and delete the budgets ``finops run budgets`` checks."""

from __future__ import annotations

from typing import Annotated

import typer

from finops.cli.common import markdown_job

budgets_app = typer.Typer(help="Create, list and delete budgets.", no_args_is_help=True)


@budgets_app.command("create")
def budgets_create(
    name: Annotated[str, typer.Argument(help="unique name; an existing budget is replaced")],
    amount: Annotated[str, typer.Option(help="budget per period, in the billing currency")],
    period: Annotated[str, typer.Option(help="monthly | quarterly | annual")] = "monthly",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="DIMENSION=VALUE, repeatable: account, service, region, usage_type, "
            "tag:<key>; none = the whole bill"
        ),
    ] = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            help="actual:PERCENT or forecast:PERCENT, repeatable "
            "(default actual:80 actual:100 forecast:100)"
        ),
    ] = None,
    webhook: Annotated[list[str] | None, typer.Option(help="Slack-compatible URL")] = None,
    email: Annotated[list[str] | None, typer.Option(help="recipient address")] = None,
    currency: str = "USD",
) -> None:
    """Create or replace a budget; `finops run budgets` (and the budget_check DAG) checks it."""
    from finops.analytics import manage

    markdown_job(
        lambda: manage.create_budget(
            name=name,
            amount=amount,
            period=period,
            scope=scope or [],
            thresholds=threshold or [],
            webhooks=webhook or [],
            emails=email or [],
            currency=currency,
        )
    )


@budgets_app.command("list")
def budgets_list() -> None:
    """Budgets with their latest actual and forecast against the amount."""
    from finops.analytics import manage

    markdown_job(lambda: manage.list_budgets())


@budgets_app.command("delete")
def budgets_delete(name: str) -> None:
    """Delete a budget with its evaluations and alerts."""
    from finops.analytics import manage

    markdown_job(lambda: manage.delete_budget(name))
