"""The allocation job: tag findings and compliance, and the chargeback report of the billing
period holding the run date (cost tagged with a cost center the tag policy forbids goes to the
``invalid-tag`` bucket unless ``FINOPS_ALLOCATION_INVALID_TAG_BUCKET=false``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from finops.analytics.allocation.chargeback import ChargebackReport, load_rules, run_allocation_job
from finops.analytics.allocation.tagging import TagCompliance, load_tag_policy, tag_compliance
from finops.analytics.optimization.jobs import JobResult, run_tagging_job
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped, money

JOB = "allocation"


@dataclass(frozen=True, slots=True)
class AllocationResult:
    tagging: JobResult
    compliance: TagCompliance
    chargeback: ChargebackReport


def run_allocation(
    *,
    run_date: date,
    tag_policy: Path | None = None,
    rules: Path | None = None,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> AllocationResult | JobSkipped:
    """Tag findings and compliance as of ``run_date`` and the chargeback report of its month;
    a changed tag policy or rules file reruns it."""
    settings = settings or get_settings()
    tag_policy = tag_policy or settings.allocation_tag_policy
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        parameters={
            "tag_policy": _file_digest(tag_policy, "default_tag_policy.json"),
            "rules": _file_digest(rules, "default_allocation_rules.json"),
            "invalid_tag_bucket": settings.allocation_invalid_tag_bucket,
        },
        compute=lambda job_run_id: _allocate(
            run_date, tag_policy=tag_policy, rules=rules, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
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


@lines_unless_skipped
def lines(result: AllocationResult) -> list[str]:
    c, report = result.compliance, result.chargeback
    out = [
        f"tag compliance: {c.compliant_resources}/{c.resources} resources, "
        f"{money(c.compliant_cost)} of {money(c.total_cost)} usage cost",
        f"chargeback {report.billing_period:%Y-%m} ({report.metric}, {report.currency}): "
        f"total {money(report.total)}, unallocated {money(report.unallocated)}",
    ]
    out += [f"  {cc}: {money(v)}" for cc, v in report.by_cost_center().items()]
    return out


def summary(result: AllocationResult) -> dict[str, object]:
    return {
        "tag_findings": result.tagging.findings,
        "compliant_resources": result.compliance.compliant_resources,
        "resources": result.compliance.resources,
        "chargeback_total": str(result.chargeback.total),
        "unallocated": str(result.chargeback.unallocated),
    }
