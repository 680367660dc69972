"""The savings loop behind ``finops generate next-period`` and ``finops eval savings``: read
the actions executed against a generated estate from the warehouse, bill the following
period(s) with them in effect (finops.generator.loop), load that bill, run the savings tracker
and score it against the generator's ground truth beside the naive baseline.

``finops eval savings`` runs on its own database by default: the evaluation scenario generates
a small estate, loads it, and records in the remediation log a fixed set of executions on the
estate's own resource ids (every simulated action type, and the cases that must not count in
full), as the executor would have after carrying them out; ``--warehouse`` scores instead the
actions really executed in the configured warehouse (the demo's loop)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from finops.analytics.evaluation.savings import (
    TOLERANCE,
    SavingsEvaluation,
    ViewScore,
    evaluate_savings,
    load_truth,
)
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.generator import catalog
from finops.generator.estate.model import Estate, Situation
from finops.generator.loop.actions import OwnerChange, executed_actions
from finops.generator.loop.run import NextPeriod, continue_estate
from finops.generator.options import GeneratorError
from finops.markdown import table
from finops.warehouse.tables import (
    remediation_decisions,
    remediation_proposals,
    remediation_steps,
)

SCENARIO_DATABASE = "finops_eval_savings"
SCENARIO_AT = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
"""When the scenario's actions are executed: four days after the estate's range ends."""
SCENARIO_DAYS = 30
SCENARIO_ACCOUNTS = 3  # the smallest estate with an office-hours instance to rightsize
OFFICE_HOURS = "office_hours_instance"
POLICY = "eval-savings-loop"


@dataclass(frozen=True, slots=True)
class Planned:
    """One execution of the evaluation scenario, and the owner change beside it."""

    situation: str
    index: int
    action: str
    owner_change: str | None = None


SCENARIO = (
    Planned("idle_instance", 0, "stop_instance"),
    Planned("idle_instance", 1, "stop_instance", "restart"),
    Planned("previous_generation_instance", 0, "resize_instance"),
    Planned("previous_generation_instance", 1, "resize_instance", "savings_plan"),
    Planned(OFFICE_HOURS, 0, "resize_instance", "usage_growth"),
    Planned("unattached_volume", 0, "delete_unattached_volume"),
    Planned("gp2_volume", 0, "migrate_gp2_to_gp3"),
    Planned("gp2_volume", 1, "migrate_gp2_to_gp3", "usage_growth"),
    Planned("unassociated_eip", 0, "release_address"),
    Planned("old_snapshot", 0, "delete_old_snapshot"),
    Planned("idle_load_balancer", 0, "delete_load_balancer"),
)


def snapshot_id(proposal_id: int) -> str:
    """The id of the snapshot a scenario volume deletion leaves (like EC2's: snap- + 17 hex)."""
    return "snap-" + hashlib.sha256(f"loop|{proposal_id}".encode()).hexdigest()[:17]


def record_execution(
    conn: Connection,
    *,
    situation: Situation,
    action: str,
    at: datetime,
    estimate: Decimal,
    details: dict[str, Any],
) -> int:
    """Record ``action`` on ``situation``'s resource as executed at ``at`` through the
    remediation lifecycle (proposed → approved under the scenario's policy → dry run →
    executing → succeeded, with its ``execute`` step); returns the proposal id."""
    p = remediation_proposals
    resource = str(situation.resource_id)
    proposal_id = int(
        conn.execute(
            insert(p)
            .values(
                fingerprint=hashlib.sha256(f"{situation.kind}|{resource}".encode()).hexdigest(),
                finding_type=situation.kind,
                policy=POLICY,
                action=action,
                account_id=situation.account_id,
                region=situation.region or "",
                resource_id=resource,
                parameters={},
                observed_state={},
                digest=hashlib.sha256(f"{action}|{resource}".encode()).hexdigest(),
                evidence={"finding": details},
                estimated_monthly_savings=estimate,
                currency="USD",
                risk="low",
                reversible=action != "delete_old_snapshot",
                approval_mode="auto",
                four_eyes=False,
                proposed_by=f"policy:{POLICY}",
                proposed_at=at - timedelta(minutes=5),
                expires_at=datetime(2999, 1, 1, tzinfo=UTC),
                approval_expiry_hours=24 * 365 * 900,
                updated_at=at,
            )
            .returning(p.c.id)
        ).scalar_one()
    )
    digest = hashlib.sha256(f"{action}|{resource}".encode()).hexdigest()
    conn.execute(
        insert(remediation_decisions).values(
            proposal_id=proposal_id,
            decision="approve",
            digest=digest,
            actor=f"policy:{POLICY}",
            source="policy",
            reason="evaluation scenario",
            decided_at=at - timedelta(minutes=4),
            expires_at=datetime(2999, 1, 1, tzinfo=UTC),
        )
    )
    undo = {"snapshot_id": snapshot_id(proposal_id)} if action == "delete_unattached_volume" else {}
    for status in ("approved", "dry_run", "executing", "succeeded"):
        values: dict[str, Any] = {"status": status, "updated_at": at}
        if status == "succeeded":
            values["undo"] = undo
        conn.execute(update(p).where(p.c.id == proposal_id).values(**values))
    conn.execute(
        insert(remediation_steps).values(
            proposal_id=proposal_id,
            step="execute",
            outcome="ok",
            actor=f"policy:{POLICY}",
            started_at=at - timedelta(minutes=1),
            finished_at=at,
            detail={"note": "evaluation scenario"},
        )
    )
    return proposal_id


def record_scenario(
    conn: Connection, estate: Estate, *, at: datetime = SCENARIO_AT
) -> list[OwnerChange]:
    """Record every execution of ``SCENARIO`` on ``estate`` (once: a database that has them
    keeps them, the log being append-only); the owner changes beside them."""
    p = remediation_proposals
    recorded = conn.execute(select(p.c.id).where(p.c.policy == POLICY).order_by(p.c.id)).scalars()
    ids = list(recorded)
    if ids:
        return [
            OwnerChange(proposal_id=pid, kind=planned.owner_change)
            for pid, planned in zip(ids, SCENARIO, strict=True)
            if planned.owner_change
        ]
    owners = []
    for planned in SCENARIO:
        if planned.situation == OFFICE_HOURS:
            situation = _office_hours_instance(estate)
        else:
            found = [s for s in estate.situations if s.kind == planned.situation and s.resource_id]
            situation = found[planned.index]
        details = {k: v for k, v in situation.details.items() if isinstance(v, str | int | float)}
        pid = record_execution(
            conn,
            situation=situation,
            action=planned.action,
            at=at,
            estimate=Decimal(situation.monthly_cost_impact or 0),
            details=details,
        )
        if planned.owner_change:
            owners.append(OwnerChange(proposal_id=pid, kind=planned.owner_change))
    return owners


def _office_hours_instance(estate: Estate) -> Situation:
    """The first office-hours instance of an xlarge size or more, as an oversized instance one
    size down (the scenario's rightsized instance whose usage then grows)."""
    for r in estate.resources:
        itype = str(r.attrs.get("instance_type", ""))
        family, _, size = itype.partition(".")
        if r.kind != "ec2_instance" or r.attrs.get("schedule") != "office_hours":
            continue
        if r.terminate_hour is not None or size not in catalog.SIZE_ORDER[1:]:
            continue
        smaller = catalog.SIZE_ORDER[catalog.SIZE_ORDER.index(size) - 1]
        rate = catalog.ec2_rate(itype, r.region) - catalog.ec2_rate(f"{family}.{smaller}", r.region)
        return Situation(
            kind="oversized_instance",
            resource_id=r.resource_id,
            account_id=r.account_id,
            region=r.region,
            service="AmazonEC2",
            start=estate.timeline.start,
            end=None,
            monthly_cost_impact=rate * 730,
            details={"instance_type": itype, "recommended_instance_type": f"{family}.{smaller}"},
        )
    raise GeneratorError("the scenario's estate has no office-hours instance to rightsize")


def next_period(
    *,
    estate_dir: Path,
    out_dir: Path,
    owner_changes: list[OwnerChange] = (),  # type: ignore[assignment]
    end: date | None = None,
    observations: bool = False,
    settings: Settings | None = None,
) -> NextPeriod:
    """``finops generate next-period``: the actions executed in the warehouse, billed (and with
    ``observations``, the new range's utilization and inventory)."""
    settings = settings or get_settings()
    with get_engine(settings).connect() as conn:
        actions = executed_actions(conn)
    return continue_estate(
        estate_dir=estate_dir,
        out_dir=out_dir,
        actions=actions,
        owner_changes=list(owner_changes),
        end=end,
        observations=observations,
    )


def score_loop(result: NextPeriod, *, settings: Settings) -> SavingsEvaluation:
    """Load the continued bill, run the savings job on its last day, score."""
    from finops.ingest.billing import ingest_billing
    from finops.jobs.savings import run_savings

    ingest_billing(str(result.out_dir / "cur2"), settings=settings)
    run_savings(run_date=result.end - timedelta(days=1), settings=settings, force=True)
    with get_engine(settings).connect() as conn:
        return evaluate_savings(conn, load_truth(result.truth_path))


def savings_table(evaluation: SavingsEvaluation) -> str:
    """Per action: truth, realized and naive in both views with their errors; then the
    summary lines."""

    def pct(view: ViewScore, *, naive: bool = False) -> str:
        """The relative error; against a truth of zero, the difference in dollars."""
        value = view.naive_error if naive else view.error
        if value is None:
            return "-"
        if view.truth == 0:
            return f"{value:+.2f} $"
        return f"{value.quantize(Decimal('0.0001')) + 0:+.2%}"

    def money(value: Decimal | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = []
    for s in evaluation.scores:
        e, li = s.views["effective"], s.views["list"]
        rows.append(
            [
                s.proposal_id,
                s.action,
                ", ".join(s.confounders) or "exact",
                money(e.truth),
                money(e.realized),
                pct(e),
                money(li.truth),
                money(li.realized),
                pct(li),
                money(e.naive),
                pct(e, naive=True),
                f"{s.status or '-'} / {s.confidence or '-'}",
                ", ".join(s.reasons) or "-",
            ]
        )
    headers = ["proposal", "action", "truth is", "truth eff.", "tracker eff.", "error eff."]
    headers += ["truth list", "tracker list", "error list", "naive", "naive error eff."]
    headers += ["status / confidence", "reasons"]
    lines = [table(headers, rows), ""]
    limit = f"{TOLERANCE:.0%}"
    for view in ("effective", "list"):
        hit, n = evaluation.within(view)
        naive, _ = evaluation.within(view, naive=True)
        lines.append(
            f"- {view} cost: tracker within {limit} of the truth for {hit}/{n} exact actions; "
            f"naive baseline {naive}/{n}"
        )
    flagged, confounded = evaluation.confounded_flagged()
    lines.append(f"- confounded actions flagged with lowered confidence: {flagged}/{confounded}")
    lines.append(f"- savings eval: {'PASS' if evaluation.passed else 'FAIL'}")
    return "\n".join(lines)


def eval_savings(
    *,
    work_dir: Path | None = None,
    warehouse: bool = False,
    estate_dir: Path | None = None,
    owner_changes: list[OwnerChange] = (),  # type: ignore[assignment]
    settings: Settings | None = None,
) -> tuple[SavingsEvaluation, str]:
    """``finops eval savings``: the scenario on its own database (default) or, with
    ``warehouse``, the actions executed in the configured warehouse on ``estate_dir``."""
    settings = settings or get_settings()
    work = work_dir or settings.home / "eval-savings"
    if warehouse:
        result = next_period(
            estate_dir=estate_dir or settings.demo_estate_path,
            out_dir=work / "next-period",
            owner_changes=list(owner_changes),
            settings=settings,
        )
        evaluation = score_loop(result, settings=settings)
        return evaluation, savings_table(evaluation)
    scenario_settings = scenario_warehouse(settings)
    estate = generate_scenario_estate(work / "estate", settings=scenario_settings)
    with get_engine(scenario_settings).begin() as conn:
        owners = record_scenario(conn, estate)
    result = next_period(
        estate_dir=work / "estate",
        out_dir=work / "next-period",
        owner_changes=owners,
        settings=scenario_settings,
    )
    evaluation = score_loop(result, settings=scenario_settings)
    return evaluation, savings_table(evaluation)


def scenario_warehouse(settings: Settings) -> Settings:
    """The scenario's own database (created and migrated on first use)."""
    from finops.db.engine import ensure_database
    from finops.db.migrate import upgrade

    url = ensure_database(settings, SCENARIO_DATABASE)
    fresh = Settings(home=settings.home, environment=settings.environment, database_url=url)
    upgrade(get_engine(fresh))
    return fresh


def generate_scenario_estate(out_dir: Path, *, settings: Settings) -> Estate:
    """The scenario's small estate (2 accounts, the 30 days before 2026-11-01), generated and
    loaded; the estate itself (its situations name the resources acted on)."""
    from finops.generator import GenerateOptions, generate
    from finops.generator.api import plan_estate
    from finops.generator.timeline import Timeline
    from finops.ingest.billing import ingest_billing

    options = GenerateOptions.for_days(
        out_dir=out_dir,
        days=SCENARIO_DAYS,
        accounts=SCENARIO_ACCOUNTS,
        restatement=False,
        inventory=False,
        utilization=False,
    )
    generate(options)
    ingest_billing(str(out_dir / "cur2"), settings=settings)
    return plan_estate(options, Timeline(options.start, options.end)).estate
