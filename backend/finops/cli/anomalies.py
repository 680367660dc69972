"""``finops anomalies``: review cost anomaly incidents and give feedback (audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from finops.cli.common import markdown_job

anomalies_app = typer.Typer(help="Review cost anomaly incidents.", no_args_is_help=True)


@anomalies_app.command("list")
def anomalies_list(
    status: Annotated[
        str | None, typer.Option(help="open | acknowledged | resolved | false_positive")
    ] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """The latest incidents with their scope, impact, status and top root cause."""
    from finops.analytics import manage

    markdown_job(lambda: manage.list_anomalies(status=status, limit=limit))


def _anomaly_status(status: str) -> Callable[[str, str | None], None]:
    def command(
        fingerprint: Annotated[str, typer.Argument(help="from `finops anomalies list`")],
        note: Annotated[str | None, typer.Option(help="why (kept with the incident)")] = None,
    ) -> None:
        from finops.analytics import manage

        markdown_job(lambda: manage.change_anomaly_status(fingerprint, status, note=note))

    return command


anomalies_app.command("ack", help="Acknowledge an incident (someone is on it).")(
    _anomaly_status("acknowledged")
)
anomalies_app.command("resolve", help="Mark an incident resolved.")(_anomaly_status("resolved"))
anomalies_app.command(
    "false-positive", help="Mark an incident a false positive: its days are never flagged again."
)(_anomaly_status("false_positive"))
anomalies_app.command("reopen", help="Set an incident back to open.")(_anomaly_status("open"))
