"""Savings tracker factories: a daily bill around a change day (one line per resource and day,
usage beside the cost), loaded like a delivered export, and remediations carried out through
the real core (propose → decide → execute) against a moto server."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from finops.analytics.savings.engine import measure_savings
from finops.config import Settings
from finops.ingest.billing import ingest_billing
from finops.remediation.approvals import decide
from finops.remediation.executor import execute
from finops.remediation.policies import load_policies
from finops.remediation.proposer import propose
from finops.remediation.store import Proposal, get_proposal, steps_of
from finops.warehouse.tables import savings_measurements
from tests.factories.cur2 import Cur2Export
from tests.factories.policies import variant, write_policies
from tests.factories.remediation import ACCOUNT, plant_findings
from tests.factories.usage import MotoAws
from tests.remediation.scenarios import idle_instance, oversized_instance

KEEP = "i-background"  # billed every day, so the account's bill is complete


@dataclass
class DailyBill:
    """One line per (resource, day): ``put`` sets a day's cost and usage; ``load`` writes
    the export to a new folder and ingests it (a re-delivery replaces its periods)."""

    first: date
    last: date
    lines: dict[tuple[str, date], dict[str, Any]] = field(default_factory=dict)
    loads: int = 0

    def __post_init__(self) -> None:
        self.put(KEEP, self.first, self.last, cost="1.00", usage=24)

    def put(
        self,
        resource: str,
        first: date,
        last: date,
        *,
        cost: str,
        usage: float | Decimal,
        **kw: Any,
    ) -> None:
        day = first
        while day <= last:
            self.lines[(resource, day)] = {"cost": cost, "usage": usage, **kw}
            day += timedelta(days=1)

    def drop(self, resource: str, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.lines.pop((resource, day), None)
            day += timedelta(days=1)

    def export(self, *, until: date | None = None) -> Cur2Export:
        export = Cur2Export()
        for (resource, day), line in sorted(self.lines.items(), key=lambda kv: kv[0][1]):
            if until is not None and day > until:
                continue
            kw = dict(line)
            cost, usage = kw.pop("cost"), kw.pop("usage")
            export.add_usage(
                day=datetime(day.year, day.month, day.day),
                account=ACCOUNT,
                service=kw.pop("service", "AmazonEC2"),
                cost=cost,
                resource_id=resource,
                usage_amount=float(usage),
                **kw,
            )
        return export

    def load(self, settings: Settings, root: Path, *, until: date | None = None) -> None:
        self.loads += 1
        folder = self.export(until=until).write(root / f"delivery-{self.loads}")
        ingest_billing(str(folder), settings=settings)


def carry_out(
    engine: Engine,
    clients: Any,
    folder: Path,
    *,
    resource: str,
    finding_type: str,
    action: str,
    savings: str = "42.00",
    details: dict[str, Any] | None = None,
) -> Proposal:
    """A finding of ``resource`` proposed under a policy for ``action``, approved by a person
    and executed through the executor (against the moto server behind ``clients``)."""
    name = f"{action.replace('_', '-')}-{resource[-6:].lower()}"
    write_policies(
        folder,
        f"{name}.yaml",
        variant(name, f"finding_types: [{finding_type}]\naction: {action}\n"),
    )
    policies = [p for p in load_policies(folder) if p.name == name]
    plant_findings(
        engine,
        resource,
        finding_type=finding_type,
        savings=savings,
        details=details,
        job=f"job-{name}",
    )
    at = datetime.now(UTC)
    report = propose(engine, policies=policies, clients=clients, now=at, run_id=f"p-{name}")
    (proposal_id,) = report.proposed
    with engine.begin() as conn:
        proposal = get_proposal(conn, proposal_id)
        decide(
            conn,
            proposal_id=proposal_id,
            approve=True,
            actor="user:ann",
            source="cli",
            reason="measured waste",
            digest=proposal.digest,
            now=at,
        )
    done = execute(engine, proposal_id=proposal_id, clients=clients, actor="user:ann", now=at)
    assert done.status == "verified", done.status_reason
    return done


def change_day(engine: Engine, proposal: Proposal) -> date:
    """The UTC day the proposal's ``execute`` step finished."""
    with engine.connect() as conn:
        (step,) = [s for s in steps_of(conn, proposal.id) if s.step == "execute"]
    return step.finished_at.astimezone(UTC).date()


def stopped_instance(
    engine: Engine, aws: MotoAws, clients: Any, folder: Path, *, savings: str = "70.00"
) -> tuple[Proposal, date]:
    """An idle instance (moto) stopped through the core: the proposal and its change day."""
    proposal = carry_out(
        engine,
        clients,
        folder,
        resource=idle_instance(aws).resource_id,
        finding_type="idle_instance",
        action="stop_instance",
        savings=savings,
    )
    return proposal, change_day(engine, proposal)


def resized_instance(
    engine: Engine, aws: MotoAws, clients: Any, folder: Path, *, savings: str = "75.00"
) -> tuple[Proposal, date]:
    """An oversized instance (moto) resized through the core: the proposal and its change
    day."""
    big = oversized_instance(aws)
    proposal = carry_out(
        engine,
        clients,
        folder,
        resource=big.resource_id,
        finding_type="oversized_instance",
        action="resize_instance",
        savings=savings,
        details=dict(big.details),
    )
    return proposal, change_day(engine, proposal)


def two_stopped_instances(
    engine: Engine, settings: Settings, aws: MotoAws, clients: Any, root: Path
) -> tuple[Proposal, Proposal, date, date]:
    """Two idle instances stopped through the core on one day (estimates 70.00 and 30.00 a
    month; billed 2.40 and 1.00 a day before), measured from a bill ending 9 days after:
    (the first, the second, the change day, the bill's last day)."""
    folder = root / "policies"
    stop, day = stopped_instance(engine, aws, clients, folder)
    second, _ = stopped_instance(engine, aws, clients, folder, savings="30.00")
    last = day + timedelta(days=9)
    bill = DailyBill(first=day - timedelta(days=14), last=last)
    bill.put(stop.resource_id, bill.first, day, cost="2.40", usage=24)
    bill.put(second.resource_id, bill.first, day, cost="1.00", usage=24)
    bill.load(settings, root)
    assert measure_all(engine, last) == 2
    return stop, second, day, last


def measure_all(engine: Engine, day: date, run_id: str = "s1") -> int:
    """Measure every subject as of ``day``; how many rows were written."""
    with engine.begin() as conn:
        return measure_savings(conn, run_date=day, run_id=run_id, now=datetime.now(UTC)).written


def measurements(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every measurement row by resource id."""
    with engine.connect() as conn:
        found = conn.execute(select(savings_measurements)).mappings().all()
    return {str(r["resource_id"]): dict(r) for r in found}


def month_days(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]
