"""The optimization jobs: each reads the warehouse as of one day and rewrites its own findings
for that day in one transaction (idempotent; the run date is a parameter, never the clock)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import Connection

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, money, write_run
from finops.analytics.optimization.instances import collect
from finops.analytics.optimization.policy import (
    RightsizingPolicy,
    TagPolicy,
    WastePolicy,
    policy_parameters,
)
from finops.analytics.optimization.rules.base import RIGHTSIZING_JOB
from finops.analytics.optimization.rules.compute import compute_rules
from finops.analytics.optimization.rules.inventory import inventory_findings
from finops.analytics.optimization.waste import read_waste_inputs
from finops.config import Settings, get_settings
from finops.db.engine import get_engine

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class JobResult:
    job: str
    as_of: date
    run_id: str
    findings: int
    by_type: dict[str, int]
    estimated_monthly_savings: Decimal


def compute_findings(
    conn: Connection,
    *,
    as_of: date,
    rightsizing: RightsizingPolicy,
    waste: WastePolicy,
) -> tuple[list[Finding], list[Finding]]:
    """(rightsizing findings, waste findings) for ``as_of``.

    Per instance the first rule in order of precedence that applies wins (idle > oversized >
    previous generation), so one instance never gets two contradictory recommendations.
    """
    evidence, rates = collect(conn, as_of=as_of, rightsizing=rightsizing, waste=waste)
    rules = compute_rules(rightsizing, waste)
    sizing: list[Finding] = []
    wasted: list[Finding] = []
    for e in evidence:
        for rule in rules:
            finding = rule.evaluate(e, rates)
            if finding is not None:
                (sizing if rule.job == RIGHTSIZING_JOB else wasted).append(finding)
                break
    inputs = read_waste_inputs(conn, as_of=as_of, policy=waste)
    wasted += inventory_findings(inputs, waste)
    return sizing, wasted


def _run(
    job: str,
    *,
    as_of: date | None,
    settings: Settings | None,
    run_id: str | None,
    parameters: dict[str, Any],
    compute: Callable[[Connection, date], list[Finding]],
) -> JobResult:
    engine = get_engine(settings or get_settings())
    run_id = run_id or uuid.uuid4().hex
    with engine.begin() as conn:
        day = as_of or wh.latest_charge_day(conn)
        findings = compute(conn, day)
        currency = wh.billing_currency(conn, as_of=day)
        count = write_run(
            conn,
            job=job,
            as_of=day,
            run_id=run_id,
            findings=findings,
            currency=currency,
            parameters=parameters,
        )
    by_type: dict[str, int] = {}
    for f in findings:
        by_type[f.finding_type] = by_type.get(f.finding_type, 0) + 1
    savings = money(sum((f.estimated_monthly_savings for f in findings), Decimal(0)))
    log.info("optimization.job", job=job, as_of=day.isoformat(), findings=count, run_id=run_id)
    return JobResult(job, day, run_id, count, dict(sorted(by_type.items())), savings)


def run_rightsizing_job(
    *,
    as_of: date | None = None,
    settings: Settings | None = None,
    policy: RightsizingPolicy | None = None,
    waste: WastePolicy | None = None,
    run_id: str | None = None,
) -> JobResult:
    rs, wp = policy or RightsizingPolicy(), waste or WastePolicy()
    return _run(
        "rightsizing",
        as_of=as_of,
        settings=settings,
        run_id=run_id,
        parameters={"rightsizing": policy_parameters(rs), "waste": policy_parameters(wp)},
        compute=lambda conn, day: compute_findings(conn, as_of=day, rightsizing=rs, waste=wp)[0],
    )


def run_waste_job(
    *,
    as_of: date | None = None,
    settings: Settings | None = None,
    policy: WastePolicy | None = None,
    rightsizing: RightsizingPolicy | None = None,
    run_id: str | None = None,
) -> JobResult:
    rs, wp = rightsizing or RightsizingPolicy(), policy or WastePolicy()
    return _run(
        "waste",
        as_of=as_of,
        settings=settings,
        run_id=run_id,
        parameters={"rightsizing": policy_parameters(rs), "waste": policy_parameters(wp)},
        compute=lambda conn, day: compute_findings(conn, as_of=day, rightsizing=rs, waste=wp)[1],
    )


def run_tagging_job(
    *,
    as_of: date | None = None,
    settings: Settings | None = None,
    policy: TagPolicy,
    run_id: str | None = None,
) -> JobResult:
    from finops.analytics.optimization.rules.tagging import tag_findings

    return _run(
        "tagging",
        as_of=as_of,
        settings=settings,
        run_id=run_id,
        parameters={"tag_policy": policy_parameters(policy)},
        compute=lambda conn, day: tag_findings(conn, as_of=day, policy=policy),
    )
