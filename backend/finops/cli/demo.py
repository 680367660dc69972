"""``finops airflow`` (the four Airflow components; Ctrl-C stops them all) and ``finops demo``
(the platform end to end on embedded defaults)."""

from __future__ import annotations

from typing import Annotated

import typer

from finops.cli.common import console, err_console, fail, setup_logging
from finops.config import get_settings
from finops.errors import FinOpsError


def airflow() -> None:
    """Start Airflow (api-server, scheduler, dag-processor, triggerer); Ctrl-C stops them all."""
    from finops.orchestration.airflow_runtime import start_airflow
    from finops.orchestration.processes import ProcessGroup

    setup_logging()
    settings = get_settings()
    group = ProcessGroup(settings.log_path)
    try:
        access = start_airflow(settings, group)
        _print_airflow(access.url, access.username, access.password)
        dead = group.wait_forever()
        if dead is not None:
            raise FinOpsError(
                f"{dead.name} exited (status {dead.popen.returncode}); see {dead.log_path}"
            )
    except FinOpsError as exc:
        raise fail(exc) from exc
    finally:
        err_console.print("stopping Airflow …")
        group.stop()


def _print_airflow(url: str, username: str, password: str) -> None:
    console.print(
        f"Airflow UI: [bold]{url}[/]  user [bold]{username}[/]  password [bold]{password}[/]"
    )


def demo(
    regenerate: Annotated[bool, typer.Option(help="rewrite the demo estate")] = False,
    exit_after_ingest: Annotated[
        bool, typer.Option(help="stop after the ingest run instead of serving")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="recompute the analytics even where their inputs are unchanged")
    ] = False,
) -> None:
    """The main job: migrate, generate a demo estate, ingest it through Airflow, serve it all."""
    from finops.orchestration.demo import run_demo

    setup_logging()
    try:
        run_demo(
            get_settings(),
            console=console,
            regenerate=regenerate,
            serve=not exit_after_ingest,
            force=force,
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
