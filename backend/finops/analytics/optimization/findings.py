"""Findings: identity (fingerprint), storage per job run, and enrichment with the resource's
actual cost from the bill.

A job run for (job, as_of) replaces that run's observations in one transaction; the ``findings``
view derives the lifecycle (new, open, resolved) from the observations of every run, so the
result depends only on the data and the run dates, never on the order runs happened in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import structlog
from sqlalchemy import Connection, text

log = structlog.get_logger(__name__)

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up (what a report shows)."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix on one resource, with the dollars it would save per month."""

    finding_type: str
    account_id: str
    region: str | None
    resource_id: str | None
    resource_type: str | None
    service: str | None
    scope: str  # what the identity depends on besides the resource (e.g. its instance type)
    estimated_monthly_savings: Decimal
    details: dict[str, Any]
    billing_ids: tuple[str, ...] = field(default=(), compare=False)

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            self.finding_type, self.account_id, self.region, self.resource_id, self.scope
        )


def fingerprint(
    finding_type: str, account_id: str, region: str | None, resource_id: str | None, scope: str
) -> str:
    """Stable identity of a finding: the same issue on the same resource in the same scope."""
    key = "\x1f".join((finding_type, account_id, region or "", resource_id or "", scope))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CostWindows:
    cost_7d: Decimal
    cost_30d: Decimal
    cost_mtd: Decimal
    cost_prev_month: Decimal


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month_start(day: date) -> date:
    first = _month_start(day)
    return _month_start(first - timedelta(days=1))


_COSTS = text(
    """
    WITH ids AS (
      SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:bill_ids AS text[])) AS i(key, bill_id)
    )
    SELECT i.key,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :d7), 0) AS c7,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :d30), 0) AS c30,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :mtd), 0) AS mtd,
           coalesce(sum(c.effective_cost) FILTER (
             WHERE c.charge_period_start >= :prev AND c.charge_period_start < :mtd), 0) AS prev
    FROM ids i
    JOIN finops.costs c
      ON c.resource_id = i.bill_id OR c.commitment_discount_id = i.bill_id
    WHERE c.charge_period_start >= :lo AND c.charge_period_start < :hi
    GROUP BY i.key
    """
)


def actual_costs(
    conn: Connection, findings: Sequence[Finding], *, as_of: date
) -> dict[str, CostWindows]:
    """Effective (amortized) cost of each finding's resource (or commitment) over the last 7 and
    30 days, the month to date and the previous month, all ending with ``as_of`` inclusive."""
    keys: list[str] = []
    bill_ids: list[str] = []
    for f in findings:
        for bill_id in f.billing_ids:
            keys.append(f.fingerprint)
            bill_ids.append(bill_id)
    if not keys:
        return {}
    end = as_of + timedelta(days=1)
    d30 = end - timedelta(days=30)
    prev = _previous_month_start(as_of)
    params = {
        "keys": keys,
        "bill_ids": bill_ids,
        "d7": end - timedelta(days=7),
        "d30": d30,
        "mtd": _month_start(as_of),
        "prev": prev,
        "lo": min(d30, prev),
        "hi": end,
    }
    rows = conn.execute(_COSTS, params).all()
    return {
        r.key: CostWindows(Decimal(r.c7), Decimal(r.c30), Decimal(r.mtd), Decimal(r.prev))
        for r in rows
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def details_json(details: dict[str, Any]) -> str:
    return json.dumps(_plain(details), sort_keys=True, separators=(",", ":"))


_DELETE_RUN = text("DELETE FROM finops.finding_runs WHERE job = :job AND as_of = :as_of")
_INSERT_RUN = text(
    """
    INSERT INTO finops.finding_runs (job, as_of, run_id, parameters, findings)
    VALUES (:job, :as_of, :run_id, CAST(:parameters AS jsonb), :findings)
    """
)
_INSERT_OBSERVATION = text(
    """
    INSERT INTO finops.finding_observations (
      job, as_of, fingerprint, finding_type, resource_id, resource_type, account_id, region,
      service, scope, estimated_monthly_savings, currency, cost_7d, cost_30d, cost_mtd,
      cost_prev_month, details)
    VALUES (:job, :as_of, :fingerprint, :finding_type, :resource_id, :resource_type, :account_id,
      :region, :service, :scope, :savings, :currency, :cost_7d, :cost_30d, :cost_mtd,
      :cost_prev_month, CAST(:details AS jsonb))
    """
)


def write_run(
    conn: Connection,
    *,
    job: str,
    as_of: date,
    run_id: str,
    findings: Sequence[Finding],
    currency: str,
    parameters: dict[str, Any],
) -> int:
    """Replace the observations of (job, as_of) with ``findings`` (caller owns the transaction)."""
    unique: dict[str, Finding] = {}
    for f in findings:
        unique.setdefault(f.fingerprint, f)
    ordered = sorted(unique.values(), key=lambda f: f.fingerprint)
    costs = actual_costs(conn, ordered, as_of=as_of)
    conn.execute(_DELETE_RUN, {"job": job, "as_of": as_of})
    conn.execute(
        _INSERT_RUN,
        {
            "job": job,
            "as_of": as_of,
            "run_id": run_id,
            "parameters": details_json(parameters),
            "findings": len(ordered),
        },
    )
    zero = CostWindows(Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    rows = []
    for f in ordered:
        c = costs.get(f.fingerprint, zero)
        rows.append(
            {
                "job": job,
                "as_of": as_of,
                "fingerprint": f.fingerprint,
                "finding_type": f.finding_type,
                "resource_id": f.resource_id,
                "resource_type": f.resource_type,
                "account_id": f.account_id,
                "region": f.region,
                "service": f.service,
                "scope": f.scope,
                "savings": money(f.estimated_monthly_savings),
                "currency": currency,
                "cost_7d": c.cost_7d,
                "cost_30d": c.cost_30d,
                "cost_mtd": c.cost_mtd,
                "cost_prev_month": c.cost_prev_month,
                "details": details_json(f.details),
            }
        )
    if rows:
        conn.execute(_INSERT_OBSERVATION, rows)
    log.info(
        "findings.written", job=job, as_of=as_of.isoformat(), findings=len(rows), run_id=run_id
    )
    return len(rows)
