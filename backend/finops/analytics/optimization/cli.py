"""Plain functions behind ``finops run rightsizing|waste|commitments|allocation|kpis`` and
``finops eval optimization``. Each takes the run date (``as_of``, default: the latest charge day
in the bill — never the clock), rewrites its own output for that date and returns a result the
CLI prints with ``result_lines``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from finops.analytics.allocation.chargeback import ChargebackReport, load_rules, run_allocation_job
from finops.analytics.allocation.tagging import TagCompliance, load_tag_policy, tag_compliance
from finops.analytics.commitments.jobs import CommitmentsResult, run_commitments_job
from finops.analytics.kpis.report import KpiReport, kpi_report, refresh_rollup
from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.evaluation import Evaluation, evaluate, load_ground_truth
from finops.analytics.optimization.jobs import (
    JobResult,
    run_rightsizing_job,
    run_tagging_job,
    run_waste_job,
)
from finops.analytics.optimization.policy import RightsizingPolicy
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.jobs.ledger import JobSkipped, run_unless_unchanged, skipped_line


def _as_of(as_of: date | None, settings: Settings) -> date:
    if as_of is not None:
        return as_of
    with get_engine(settings).connect() as conn:
        return wh.latest_charge_day(conn)


def run_rightsizing(
    *,
    as_of: date | None = None,
    lookback_days: int = 14,
    cpu_percentile: float = 99.5,
    cpu_headroom: float = 0.20,
    settings: Settings | None = None,
    force: bool = False,
) -> JobResult | JobSkipped:
    """``finops run rightsizing [--date D] [--lookback 14|32|93] [--percentile 90|95|99.5]``;
    skipped (and recorded so) when its inputs are those of its last run for D, unless
    ``force``."""
    settings = settings or get_settings()
    day = _as_of(as_of, settings)
    policy = RightsizingPolicy(
        lookback_days=lookback_days, cpu_percentile=cpu_percentile, cpu_headroom=cpu_headroom
    )
    return run_unless_unchanged(
        "rightsizing",
        as_of=day,
        parameters={
            "lookback_days": lookback_days,
            "cpu_percentile": cpu_percentile,
            "cpu_headroom": cpu_headroom,
        },
        compute=lambda run_id: run_rightsizing_job(
            as_of=day, settings=settings, policy=policy, run_id=run_id
        ),
        force=force,
        settings=settings,
    )


def run_waste(
    *, as_of: date | None = None, settings: Settings | None = None, force: bool = False
) -> JobResult | JobSkipped:
    """``finops run waste [--date D]``: idle, orphaned and outdated resources."""
    settings = settings or get_settings()
    day = _as_of(as_of, settings)
    return run_unless_unchanged(
        "waste",
        as_of=day,
        compute=lambda run_id: run_waste_job(as_of=day, settings=settings, run_id=run_id),
        force=force,
        settings=settings,
    )


def run_commitments(
    *, as_of: date | None = None, settings: Settings | None = None, force: bool = False
) -> CommitmentsResult | JobSkipped:
    """``finops run commitments [--date D]``: utilization, coverage, under-use, SP purchase."""
    settings = settings or get_settings()
    day = _as_of(as_of, settings)
    return run_unless_unchanged(
        "commitments",
        as_of=day,
        compute=lambda run_id: run_commitments_job(as_of=day, settings=settings, run_id=run_id),
        force=force,
        settings=settings,
    )


@dataclass(frozen=True, slots=True)
class AllocationResult:
    tagging: JobResult
    compliance: TagCompliance
    chargeback: ChargebackReport


def run_allocation(
    *,
    as_of: date | None = None,
    tag_policy: Path | None = None,
    rules: Path | None = None,
    settings: Settings | None = None,
    force: bool = False,
) -> AllocationResult | JobSkipped:
    """``finops run allocation [--date D] [--tag-policy FILE] [--rules FILE]``: tag findings and
    compliance, and the chargeback reports of every billing period up to the one containing D
    (cost tagged with a cost center the tag policy forbids in the ``invalid-tag`` bucket unless
    ``FINOPS_ALLOCATION_INVALID_TAG_BUCKET=false``)."""
    settings = settings or get_settings()
    day = _as_of(as_of, settings)
    tag_policy = tag_policy or settings.allocation_tag_policy
    return run_unless_unchanged(
        "allocation",
        as_of=day,
        parameters={
            "tag_policy": _file_digest(tag_policy, "default_tag_policy.json"),
            "rules": _file_digest(rules, "default_allocation_rules.json"),
            "invalid_tag_bucket": settings.allocation_invalid_tag_bucket,
        },
        compute=lambda run_id: _allocate(
            day, tag_policy=tag_policy, rules=rules, settings=settings, run_id=run_id
        ),
        force=force,
        settings=settings,
    )


def _file_digest(path: Path | None, default: str) -> str:
    """SHA-256 of a policy file or of the packaged default, so a changed policy reruns (a
    missing file is left to the loader, whose error names it)."""
    if path is None:
        raw = resources.files("finops.analytics.allocation").joinpath(default).read_bytes()
    else:
        raw = path.read_bytes() if path.is_file() else str(path).encode()
    return hashlib.sha256(raw).hexdigest()


def _allocate(
    day: date, *, tag_policy: Path | None, rules: Path | None, settings: Settings, run_id: str
) -> AllocationResult:
    policy = load_tag_policy(tag_policy)
    tagging = run_tagging_job(as_of=day, settings=settings, policy=policy, run_id=run_id)
    with get_engine(settings).connect() as conn:
        compliance = tag_compliance(
            conn, start=day.replace(day=1), end=day + timedelta(days=1), policy=policy
        )
    allocation_rules = load_rules(rules)
    if settings.allocation_invalid_tag_bucket:
        allocation_rules = allocation_rules.with_tag_policy(policy.allowed)
    report = run_allocation_job(
        billing_period=day.replace(day=1), settings=settings, rules=allocation_rules, run_id=run_id
    )
    return AllocationResult(tagging, compliance, report)


def run_kpis(
    *, as_of: date | None = None, settings: Settings | None = None, force: bool = False
) -> KpiReport | JobSkipped:
    """``finops run kpis [--date D]``: refresh the daily rollup for the 13 months up to D and
    return the KPI summary as of D."""
    settings = settings or get_settings()
    day = _as_of(as_of, settings)
    return run_unless_unchanged(
        "kpis",
        as_of=day,
        compute=lambda _run_id: _refresh_kpis(day, settings=settings),
        force=force,
        settings=settings,
    )


def _refresh_kpis(day: date, *, settings: Settings) -> KpiReport:
    start = date(day.year - 1, day.month, 1)
    with get_engine(settings).begin() as conn:
        refresh_rollup(conn, start=start, end=day + timedelta(days=1))
        return kpi_report(conn, as_of=day)


def eval_optimization(
    ground_truth: Path,
    *,
    as_of: date | None = None,
    run_jobs: bool = True,
    settings: Settings | None = None,
) -> Evaluation:
    """``finops eval optimization GROUND_TRUTH [--date D] [--no-run]``: run the jobs (unless
    ``run_jobs`` is False), then score the open findings against the ground truth."""
    settings = settings or get_settings()
    truth = load_ground_truth(ground_truth)
    if run_jobs:
        day = _as_of(as_of, settings)
        run_rightsizing_job(as_of=day, settings=settings)
        run_waste_job(as_of=day, settings=settings)
        run_tagging_job(as_of=day, settings=settings, policy=load_tag_policy())
        run_commitments_job(as_of=day, settings=settings)
    with get_engine(settings).connect() as conn:
        return evaluate(conn, truth)


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def result_lines(
    result: JobResult | CommitmentsResult | AllocationResult | KpiReport | Evaluation | JobSkipped,
) -> list[str]:
    """Human-readable summary of any result above."""
    if isinstance(result, JobSkipped):
        return [skipped_line(result)]
    if isinstance(result, JobResult):
        kinds = ", ".join(f"{k} {v}" for k, v in result.by_type.items()) or "none"
        return [
            f"{result.job} as of {result.as_of}: {result.findings} findings ({kinds}), "
            f"${_money(result.estimated_monthly_savings)}/month"
        ]
    if isinstance(result, CommitmentsResult):
        lines = [
            f"commitments as of {result.as_of}: {result.commitments} commitments, "
            f"{result.findings} under-used"
        ]
        lines += [
            f"  SP {r.term_years}yr {r.payment_option}: ${r.hourly_commitment}/h → "
            f"${_money(r.estimated_monthly_savings)}/month"
            for r in result.recommendations
        ]
        return lines
    if isinstance(result, AllocationResult):
        c, report = result.compliance, result.chargeback
        lines = [
            f"tag compliance: {c.compliant_resources}/{c.resources} resources, "
            f"{_money(c.compliant_cost)} of {_money(c.total_cost)} usage cost",
            f"chargeback {report.billing_period:%Y-%m} ({report.metric}, {report.currency}): "
            f"total {_money(report.total)}, unallocated {_money(report.unallocated)}",
        ]
        lines += [f"  {cc}: {_money(v)}" for cc, v in report.by_cost_center().items()]
        return lines
    if isinstance(result, KpiReport):
        return [
            f"KPIs as of {result.as_of} ({result.metric}): MTD {_money(result.month_to_date)}, "
            f"previous month {_money(result.previous_month)}, projected month end "
            f"{_money(result.projected_month_end)}, open savings "
            f"{_money(result.open_savings_opportunities)}/month in {result.open_findings} findings"
        ]
    lines = [f"optimization eval: {'PASS' if result.passed else 'FAIL'}"]
    for s in result.scores:
        err = "-" if s.max_savings_error is None else f"{s.max_savings_error:.2%}"
        lines.append(
            f"  {s.finding_type:30} expected {s.expected:2} found {s.found:2} "
            f"precision {s.precision:.2f} recall {s.recall:.2f} max savings error {err}"
        )
    lines += [f"  finding on a healthy resource: {h}" for h in result.healthy_flagged]
    return lines
