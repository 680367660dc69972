"""``finops demo``: the platform end to end on embedded defaults.

Migrate the warehouse, generate the demo estate (once), ingest it through a real Airflow run of
``billing_ingest`` (visible in the Airflow UI), then serve the dashboard and keep Airflow up.
Before the triggered run it unpauses the scheduled DAGs (billing_ingest and the analytics
chained on its Assets), so later bills refresh everything with no manual step. A second run
reuses the database, the estate and Airflow's metadata; unchanged billing periods are skipped
by the ingest and analytics jobs whose inputs have not changed by the job-run ledger
(``force`` recomputes them), so it is quick.
"""

from __future__ import annotations

import importlib
import os
import socket
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from finops.auth.demo_admin import ensure_demo_admin
from finops.config import Settings
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from finops.errors import FinOpsError
from finops.jobs.ledger import JobSkipped, skipped_line
from finops.orchestration.airflow_api import AirflowApi
from finops.orchestration.airflow_runtime import SCHEDULED_DAGS, start_airflow, wait_for_run
from finops.orchestration.demo_aws import DemoAws
from finops.orchestration.demo_savings import (
    LOOP_JOBS,
    close_savings_loop,
    next_period_path,
    report_savings,
)
from finops.orchestration.processes import ProcessGroup, tail, wait_http

DEMO_DAG = "billing_ingest"
DEMO_ANOMALY_DAYS = 400  # the demo estate's 13 months


def run_demo(
    settings: Settings, *, console: Console, regenerate: bool, serve: bool, force: bool = False
) -> None:
    for port, what in ((settings.airflow_port, "Airflow"), (settings.api_port, "the API")):
        _require_free_port(port, what)
    revision = upgrade(get_engine(settings))
    console.print(f"[green]✓[/] warehouse migrated (revision {revision})")
    login = ensure_demo_admin(settings)
    estate = _ensure_estate(settings, console=console, regenerate=regenerate)
    # the estate's export, and the months the savings loop billed after it on an earlier run
    sources = [str(estate / "cur2")]
    if (next_period_path(settings) / "cur2").is_dir():
        sources.append(str(next_period_path(settings) / "cur2"))
    settings = settings.model_copy(update={"billing_sources": sources})

    # the demo's AWS (moto, in this process): Airflow's tasks and the API inherit its endpoint
    aws = DemoAws()
    endpoint = aws.start()
    os.environ.update(aws.env())
    settings = settings.model_copy(update={"aws_endpoint_url": endpoint})
    group = ProcessGroup(settings.log_path)
    try:
        console.print("starting Airflow (api-server, scheduler, dag-processor, triggerer) …")
        access = start_airflow(settings, group)
        api = AirflowApi.login(url=access.url, username=access.username, password=access.password)
        # the chain runs on its own from here: billing_ingest daily, the analytics on its Assets
        api.set_paused(SCHEDULED_DAGS, paused=False)
        console.print(f"[green]✓[/] unpaused {', '.join(SCHEDULED_DAGS)}")
        _ingest_in_airflow(settings, api, group, sources, url=access.url, console=console)
        _ingest_usage_and_inventory(settings, estate, console=console, regenerate=regenerate)
        _run_analytics(settings, console=console, force=force)
        _remediate(settings, aws, console=console)
        if close_savings_loop(settings, estate, console=console):
            loop_source = str(next_period_path(settings) / "cur2")
            _ingest_in_airflow(settings, api, group, [loop_source], url=access.url, console=console)
            # findings and savings as of the new bill's end; anomalies, forecasts and budgets
            # follow in Airflow (their DAGs run on the billing Asset)
            _run_analytics(settings, console=console, force=False, only=LOOP_JOBS)
            report_savings(settings, console=console)
        _wait_in_airflow(api, access.url, console=console)
        if not serve:
            return
        server = group.start(
            "api",
            [sys.executable, "-m", "finops", "serve", "--port", str(settings.api_port)],
            env=_child_env(settings),
        )
        dashboard = f"http://{settings.api_host}:{settings.api_port}"
        wait_http(f"{dashboard}/readyz", group, name=server.name)
        console.print(f"\n[bold]Dashboard[/]   {dashboard}/   (API docs {dashboard}/docs)")
        console.print(
            f"            log in as [bold]{login.username}[/] password [bold]{login.password}[/] "
            f"(kept in {login.password_file})"
        )
        console.print(
            f"[bold]Airflow UI[/]  {access.url}/dags/{DEMO_DAG}   user "
            f"[bold]{access.username}[/] password [bold]{access.password}[/]"
        )
        console.print("Ctrl-C stops everything.")
        dead = group.wait_forever()
        if dead is not None:
            raise FinOpsError(
                f"{dead.name} exited (status {dead.popen.returncode}); its log "
                f"{dead.log_path} ends:\n{tail(dead.log_path)}"
            )
    finally:
        console.print("stopping …")
        group.stop()
        aws.stop()


def _ingest_in_airflow(
    settings: Settings,
    api: AirflowApi,
    group: ProcessGroup,
    sources: list[str],
    *,
    url: str,
    console: Console,
) -> None:
    """A ``billing_ingest`` run over ``sources``, triggered through Airflow's API (so it shows
    in the Airflow UI), waited for."""
    run_id = f"demo__{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    api.trigger(DEMO_DAG, run_id=run_id, conf={"sources": sources})
    console.print(f"triggered {DEMO_DAG} run {run_id} over {', '.join(sources)}; waiting for it …")
    state = wait_for_run(settings, DEMO_DAG, run_id, group=group)
    if state != "success":
        raise FinOpsError(
            f"{DEMO_DAG} run {run_id} ended {state}; open {url}/dags/{DEMO_DAG} "
            f"to see the failed task's log"
        )
    console.print(f"[green]✓[/] {DEMO_DAG} run {run_id} succeeded")


def _ingest_usage_and_inventory(
    settings: Settings, estate: Path, *, console: Console, regenerate: bool
) -> None:
    """The estate's AWS Config snapshots and Metric Streams files (reused when already loaded)."""
    from sqlalchemy import text

    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest

    with get_engine(settings).connect() as conn:
        loaded = conn.execute(text("SELECT count(*) FROM utilization_daily")).scalar_one()
    if loaded and not regenerate:
        console.print("[green]✓[/] reusing the loaded inventory and utilization")
        return
    console.print("loading the estate's inventory (AWS Config) and utilization (CloudWatch) …")
    inventory = run_inventory_ingest(str(estate / "config"), settings=settings)
    usage = run_usage_ingest(str(estate / "cloudwatch"), settings=settings)
    console.print(
        f"[green]✓[/] {inventory.resources:,} resource listings, {usage.points:,} metric points"
    )


def _run_analytics(
    settings: Settings, *, console: Console, force: bool, only: tuple[str, ...] | None = None
) -> None:
    """The analytics jobs (or ``only`` these), all as of one run date, the last day of the
    bill, resolved once (each rewrites its own output; one whose inputs have not changed since
    its last run for that day is skipped, unless ``force``). The DAG runs the billing load
    triggered wait on the same ledger, so a job is computed once whichever starts first."""
    from finops.jobs.run_date import resolve_run_date
    from finops.jobs.scheduled import ANALYTICS_JOBS

    run_date = resolve_run_date(settings=settings)
    created = None
    for name, job in ANALYTICS_JOBS.items():
        if only is not None and name not in only:
            continue
        if name in ("insights", "budgets") and created is None:  # summaries state the budget
            created = _demo_budget(settings) or ""
        started = time.monotonic()
        # anomalies: the whole history on the dashboard, not only the two weeks a daily run
        # rewrites
        options = {"report_days": DEMO_ANOMALY_DAYS} if name == "anomalies" else {}
        result = job.run(run_date=run_date, settings=settings, force=force, options=options)
        made = f"; created {created}" if created and name == "budgets" else ""
        line = _demo_line(name, result) + made
        console.print(f"[green]✓[/] {name} ({time.monotonic() - started:.0f} s): {line}")


DEMO_POLICIES = Path(__file__).with_name("demo_policies.yaml")


def _remediate(settings: Settings, aws: DemoAws, *, console: Console) -> None:
    """Remediation on the demo estate: its open findings' resources in the demo's moto server,
    the demo policies (unless the policy folder has files already), proposals for every finding
    they act on, and the proposals an ``auto`` policy approved carried out (DryRun, execute,
    verify) — the rest wait for a person in the dashboard and the Airflow UI."""
    from finops.jobs.remediation import run_execute, run_propose
    from finops.remediation.store import status_counts

    folder = settings.remediation_policy_path
    if not any(folder.glob("*.y*ml")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "demo.yaml").write_text(DEMO_POLICIES.read_text())
        console.print(f"[green]✓[/] wrote the demo remediation policies to {folder}/demo.yaml")
    mirrored = aws.mirror(get_engine(settings))
    console.print(
        f"[green]✓[/] demo AWS (moto) at {aws.endpoint}: "
        f"{sum(mirrored.created.values())} resources of open findings created"
    )
    now = datetime.now(UTC)
    run_id = f"demo__{now:%Y%m%dT%H%M%S}"
    report = run_propose(settings=settings, now=now, run_id=run_id)
    ended = run_execute(
        settings=settings,
        now=now,
        actor="finops.demo",
        run_id=run_id,
        proposal_ids=report.auto_approved,
    )
    done = ", ".join(f"#{p.id} {p.action} {p.resource_id}: {p.status}" for p in ended)
    with get_engine(settings).connect() as conn:
        counts = status_counts(conn)
    console.print(
        f"[green]✓[/] remediation: {len(report.proposed)} proposed, "
        f"{len(report.auto_approved)} approved by an auto policy and carried out"
        + (f" ({done})" if done else "")
        + f"; {counts['proposed']} waiting for a person (dashboard: Actions); queue: "
        + ", ".join(f"{status} {n}" for status, n in counts.items() if n)
    )


REMEDIATION_DAG = "remediation"


def _wait_in_airflow(api: AirflowApi, url: str, *, console: Console) -> None:
    """Unpause the ``remediation`` DAG and start a run that waits for every proposal waiting
    for a person (``wait_for=all``): an operator approves there (the Airflow UI's Required
    actions), an approver on the dashboard's Actions page; the first answer wins."""
    run_id = f"demo__{datetime.now(UTC):%Y%m%dT%H%M%S}"
    deadline = time.monotonic() + 120
    while True:  # the dag-processor may not have parsed the DAG yet on a first start
        try:
            api.set_paused((REMEDIATION_DAG,), paused=False)
            api.trigger(REMEDIATION_DAG, run_id=run_id, conf={"wait_for": "all"})
            break
        except FinOpsError:
            if time.monotonic() > deadline:
                raise
            time.sleep(5)
    console.print(
        f"[green]✓[/] {REMEDIATION_DAG} run {run_id} waits for approvals in the Airflow UI "
        f"({url}/dags/{REMEDIATION_DAG}) as well as on the dashboard's Actions page"
    )


def _demo_line(name: str, result: Any) -> str:
    """What the demo says of a job's outcome."""
    if isinstance(result, JobSkipped):
        return result.reason if name in ("anomalies", "forecasts") else skipped_line(result)
    if name == "anomalies":
        alerts = sum(1 for i in result.incidents if i.cause == "usage_change")
        return (
            f"{len(result.incidents)} incidents over {DEMO_ANOMALY_DAYS} days, {alerts} "
            "alerting (usage changes)"
        )
    if name == "forecasts":
        return f"{len(result.forecasts)} scopes forecast"
    if name == "budgets":
        return f"{len(result.statuses)} checked"
    module = importlib.import_module(f"finops.jobs.{name}")
    return str(module.lines(result)[0])


def _demo_budget(settings: Settings) -> str | None:
    """A monthly budget on the whole bill at 110% of the last full month, when there is no
    budget yet, so the budgets page has something to show (named as a demo budget)."""
    from sqlalchemy import text

    from finops.analytics.manage import create_budget

    with get_engine(settings).connect() as conn:
        if conn.execute(text("SELECT count(*) FROM finops.budget_definitions")).scalar_one():
            return None
        last_month = conn.execute(
            text(
                "SELECT sum(billed_cost) FROM costs WHERE charge_period_start >= "
                "date_trunc('month', (SELECT max(charge_period_start) FROM costs)) "
                "- interval '1 month' AND charge_period_start < "
                "date_trunc('month', (SELECT max(charge_period_start) FROM costs))"
            )
        ).scalar_one()
    if not last_month:
        return None
    amount = (last_month * Decimal("1.1")).quantize(Decimal("1"))
    name = "demo: whole bill (110% of last month)"
    create_budget(name=name, amount=str(amount), period="monthly", settings=settings)
    return f"{name!r} at {amount:,}"


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["FINOPS_HOME"] = str(settings.home)
    return env


def _ensure_estate(settings: Settings, *, console: Console, regenerate: bool) -> Path:
    from finops.generator import GenerateOptions
    from finops.generator import generate as run_generator

    target = settings.demo_estate_path
    complete = all(
        (target / part).exists() for part in ("ground_truth.json", "cur2", "cloudwatch", "config")
    )
    if complete and not regenerate:
        console.print(f"[green]✓[/] reusing the demo estate in {target}")
        return target
    console.print(f"generating the demo estate in {target} …")
    started = time.monotonic()
    result = run_generator(GenerateOptions(out_dir=target))  # 13 months, 8 accounts
    console.print(
        f"[green]✓[/] {result.line_items:,} line items in {time.monotonic() - started:.0f} s"
    )
    return target


def _require_free_port(port: int, what: str) -> None:
    """Refuse a port something listens on. Connections of a previous run still in TIME_WAIT
    do not count: the servers bind with SO_REUSEADDR, and so does this check."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise FinOpsError(
                f"port {port} for {what} is in use (another finops demo or airflow still "
                f"running?); stop it or set FINOPS_{'AIRFLOW' if 'Airflow' in what else 'API'}"
                "_PORT"
            ) from exc
