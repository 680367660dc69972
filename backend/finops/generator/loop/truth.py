"""Ground truth of realized savings: for each executed action, what the bill went down by —
the estate's daily usage bill (usage lines and Savings Plan fees, every account) with all the
actions in effect, against the same estate without that one action — over the days the
savings tracker measures (from the day after the change day, at most 30 days, to the last day
billed; a rolled-back action's end the day before its rollback), in both cost views, as
monthly savings (daily mean × the days of the month of the window's first day).

``exact`` when nothing but the action changed the resource's cost; otherwise what confounds it
is named (the tracker should flag it rather than count it in full): the owner changes, a
rollback, and ``commitment`` when a reservation or Savings Plan covered the resource on a day
of the baseline (the 14 days before the change day) or the after window — its saving then
depends on what else the commitment covers."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from finops.generator.billing.engine import BillingEngine
from finops.generator.estate.model import Estate
from finops.generator.loop.actions import ExecutedAction, OwnerChange
from finops.generator.loop.worlds import world
from finops.generator.streams.build import build_streams
from finops.generator.streams.model import COST_SCALE, Model
from finops.generator.timeline import Timeline

AFTER_DAYS = 30
BASELINE_DAYS = 14


@dataclass(frozen=True, slots=True)
class ActionTruth:
    action: ExecutedAction
    after_start: date
    after_end: date
    monthly_effective: Decimal
    monthly_list: Decimal
    confounders: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return not self.confounders

    def to_json(self) -> dict[str, Any]:
        return {
            **self.action.to_json(),
            "after_window": [self.after_start.isoformat(), self.after_end.isoformat()],
            "realized_monthly_effective": str(self.monthly_effective),
            "realized_monthly_list": str(self.monthly_list),
            "exact": self.exact,
            "confounders": list(self.confounders),
        }


class DailyBill:
    """The usage bill of an estate, day by day (integer 1e-8 dollars), computed on demand."""

    def __init__(self, estate: Estate) -> None:
        self.engine = BillingEngine(
            estate=estate, streams=build_streams(estate), hourly=False, restated=None
        )
        self.engine.period_ri_used = {r.arn: 0 for r in self.engine.ri}
        self.resource_of = [spec.resource_id for spec in self.engine.s.specs]
        model = self.engine.s.model
        self.prorated = (model == Model.GB_MONTH) | (model == Model.STORAGE)
        self.days: dict[int, tuple[int, int, int, int]] = {}
        self.covered: dict[int, set[str]] = {}

    def day(self, index: int) -> tuple[int, int, int, int]:
        """(effective, list) cost of day ``index``, then the part of each priced per month
        (prorated over the days of the month)."""
        if index not in self.days:
            batch = self.engine.day_batch(index)
            monthly = self.prorated[batch.stream]
            self.days[index] = (
                int(batch.effective.sum()),
                int(batch.public_od.sum()),
                int(batch.effective[monthly].sum()),
                int(batch.public_od[monthly].sum()),
            )
            hit = (batch.ri >= 0) | (batch.sp >= 0)
            streams = {int(sid) for sid in batch.stream[hit] if sid < self.engine.n_usage}
            self.covered[index] = {self.resource_of[sid] for sid in streams}
        return self.days[index]

    def commitment_covered(self, resource_id: str, days: range) -> bool:
        """Whether a reservation or Savings Plan covered the resource on any of ``days``."""
        for index in days:
            self.day(index)
            if resource_id in self.covered[index]:
                return True
        return False


def after_window(action: ExecutedAction, *, last_day: date) -> tuple[date, date] | None:
    """The savings tracker's after window of ``action`` on a bill ending ``last_day``."""
    change = _utc_day(action.executed_at)
    start = change + timedelta(days=1)
    end = min(last_day, change + timedelta(days=AFTER_DAYS))
    if action.rolled_back_at is not None:
        end = min(end, _utc_day(action.rolled_back_at) - timedelta(days=1))
    return (start, end) if start <= end else None


def _utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def savings_truth(
    estate: Estate,
    *,
    timeline: Timeline,
    actions: list[ExecutedAction],
    owner_changes: list[OwnerChange],
) -> list[ActionTruth]:
    """Each action's realized monthly savings in both views, on ``timeline``'s bill."""
    last_day = timeline.end - timedelta(days=1)
    actual = DailyBill(
        world(estate, timeline=timeline, actions=actions, owner_changes=owner_changes)
    )
    truths = []
    for action in actions:
        window = after_window(action, last_day=last_day)
        if window is None:
            continue
        without = DailyBill(
            world(
                estate,
                timeline=timeline,
                actions=actions,
                owner_changes=owner_changes,
                without=action.proposal_id,
            )
        )
        truths.append(
            _truth(
                action,
                window,
                timeline=timeline,
                without=without,
                actual=actual,
                owners=owner_changes,
            )
        )
    return truths


def _truth(
    action: ExecutedAction,
    window: tuple[date, date],
    *,
    timeline: Timeline,
    without: DailyBill,
    actual: DailyBill,
    owners: list[OwnerChange],
) -> ActionTruth:
    days = range(timeline.day_index(window[0]), timeline.day_index(window[1]) + 1)
    change = timeline.day_index(window[0]) - 1
    history = range(max(0, change - BASELINE_DAYS), change)
    covered = any(
        bill.commitment_covered(action.resource_id, span)
        for bill in (actual, without)
        for span in (history, days)
    )
    month_days = calendar.monthrange(window[0].year, window[0].month)[1]

    def saved(view: int) -> Decimal:
        total = Decimal(0)
        for d in days:
            when = timeline.day(d)
            stretch = Decimal(calendar.monthrange(when.year, when.month)[1]) / month_days
            a, b = without.day(d), actual.day(d)
            total += (a[view] - b[view]) + (a[view + 2] - b[view + 2]) * (stretch - 1)
        return total

    per = Decimal(month_days) / (Decimal(len(days)) * COST_SCALE)
    confounders = {o.kind for o in owners if o.proposal_id == action.proposal_id}
    if action.rolled_back_at is not None:
        confounders.add("rolled_back")
    if covered:
        confounders.add("commitment")
    return ActionTruth(
        action=action,
        after_start=window[0],
        after_end=window[1],
        monthly_effective=saved(0) * per,
        monthly_list=saved(1) * per,
        confounders=tuple(sorted(confounders)),
    )
