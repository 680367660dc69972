"""An estate with changes in effect from given hours: every executed action (and its rollback),
the owner changes beside them, and — for the ground truth — the same estate without one of the
actions. A changed resource is split into segments under the same id (the first keeps its place
in the estate, so every other resource bills as before); a deleted volume's snapshot and a
Savings Plan bought for a resource are added."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from finops.generator import catalog
from finops.generator.estate.model import Estate, Resource, SavingsPlan
from finops.generator.loop.actions import ExecutedAction, OwnerChange
from finops.generator.options import GeneratorError
from finops.generator.timeline import DAY_H, HOUR_S, Timeline, to_datetime

Attrs = dict[str, Any] | None  # None: the resource is gone (stopped, deleted, released)
Change = Callable[[Attrs], Attrs]

GONE_AFTER = frozenset(
    {
        "stop_instance",
        "delete_unattached_volume",
        "delete_old_snapshot",
        "release_address",
        "delete_load_balancer",
    }
)
SIMULATED = GONE_AFTER | {"stop_rds_instance", "resize_instance", "migrate_gp2_to_gp3"}
FAR = 2**40


def change_hour(timeline: Timeline, at: datetime) -> int:
    """The first whole hour after ``at`` (hour indices of ``timeline``): the hour the change
    is billed from."""
    seconds = (at.astimezone(UTC) - to_datetime(timeline.start)).total_seconds()
    return -int(-seconds // HOUR_S)


@dataclass
class _Plan:
    changes: dict[str, list[tuple[int, int, Change]]] = field(default_factory=dict)
    added: list[Resource] = field(default_factory=list)
    plans: list[SavingsPlan] = field(default_factory=list)

    def at(self, resource_id: str, hour: int, change: Change) -> None:
        entries = self.changes.setdefault(resource_id, [])
        entries.append((hour, len(entries), change))


def world(
    estate: Estate,
    *,
    timeline: Timeline,
    actions: Iterable[ExecutedAction],
    owner_changes: Iterable[OwnerChange] = (),
    without: int | None = None,
) -> Estate:
    """``estate`` on ``timeline`` with ``actions`` (but the proposal ``without``) and the
    ``owner_changes`` in effect."""
    by_id = estate.by_id()
    owners: dict[int, list[OwnerChange]] = {}
    for change in owner_changes:
        owners.setdefault(change.proposal_id, []).append(change)
    plan = _Plan()
    for action in actions:
        resource = by_id.get(action.resource_id)
        if resource is None:
            raise GeneratorError(
                f"proposal {action.proposal_id}: resource {action.resource_id} is not in the "
                "estate (was the action executed against another estate?)"
            )
        hour = change_hour(timeline, action.executed_at)
        if action.proposal_id != without:
            _apply_action(plan, timeline, action, resource, hour)
        for owner in owners.pop(action.proposal_id, []):
            _apply_owner(
                plan, estate, owner, action, resource, hour, acted=action.proposal_id != without
            )
    if owners:
        raise GeneratorError(f"--owner-change names proposals not executed: {sorted(owners)}")
    resources: list[Resource] = []
    later: list[Resource] = []
    for resource in estate.resources:
        segments = _segments(resource, plan.changes.get(resource.resource_id, []))
        resources.extend(segments[:1])
        later.extend(segments[1:])
    return replace(
        estate,
        timeline=timeline,
        resources=[*resources, *later, *plan.added],
        savings_plans=[*estate.savings_plans, *plan.plans],
    )


def _apply_action(
    plan: _Plan, timeline: Timeline, action: ExecutedAction, resource: Resource, hour: int
) -> None:
    if action.action not in SIMULATED:
        raise GeneratorError(
            f"proposal {action.proposal_id}: action {action.action} is not simulated by the "
            f"generator (simulated: {', '.join(sorted(SIMULATED))})"
        )
    original = dict(resource.attrs)
    if action.action == "stop_rds_instance":  # its storage stays billed
        plan.at(resource.resource_id, hour, lambda a: None if a is None else {**a, "stopped": True})
    elif action.action in GONE_AFTER:
        plan.at(resource.resource_id, hour, lambda _: None)
    elif action.action == "resize_instance":
        if not action.target_type:
            raise GeneratorError(
                f"proposal {action.proposal_id}: its finding has no recommended_instance_type"
            )
        target = action.target_type
        plan.at(
            resource.resource_id,
            hour,
            lambda a: None if a is None else {**a, "instance_type": target},
        )
    else:  # migrate_gp2_to_gp3
        plan.at(
            resource.resource_id, hour, lambda a: None if a is None else {**a, "volume_type": "gp3"}
        )
    if action.action == "delete_unattached_volume" and action.snapshot_id:
        plan.added.append(
            Resource(
                kind="ebs_snapshot",
                resource_id=action.snapshot_id,
                account_id=resource.account_id,
                region=resource.region,
                az=resource.az,
                launch_hour=hour,
                terminate_hour=None,
                tags=dict(resource.tags),
                attrs={"size_gb": original["size_gb"], "volume_id": resource.resource_id},
            )
        )
    if action.rolled_back_at is not None:
        back = change_hour(timeline, action.rolled_back_at)
        plan.at(resource.resource_id, back, lambda _: dict(original))


def _apply_owner(
    plan: _Plan,
    estate: Estate,
    owner: OwnerChange,
    action: ExecutedAction,
    resource: Resource,
    hour: int,
    *,
    acted: bool,
) -> None:
    original = dict(resource.attrs)
    rid = resource.resource_id
    if owner.kind == "restart":
        if action.action not in ("stop_instance", "stop_rds_instance"):
            raise GeneratorError(f"proposal {action.proposal_id}: only a stop can be restarted")
        if acted:  # without the stop there is nothing to restart
            plan.at(rid, hour + owner.days * DAY_H, lambda _: dict(original))
    elif owner.kind == "usage_growth":
        plan.at(rid, hour, _growth(action, resource, owner.factor))
    else:  # savings_plan
        plan.plans.append(_plan_for(estate, action, resource, hour))


def _growth(action: ExecutedAction, resource: Resource, factor: Decimal) -> Change:
    if resource.kind == "ec2_instance":
        if resource.attrs.get("schedule") != "office_hours":
            raise GeneratorError(
                f"proposal {action.proposal_id}: usage_growth of an instance needs an "
                f"office-hours instance ({resource.resource_id} runs "
                f"{resource.attrs.get('schedule')})"
            )
        return lambda a: None if a is None else {**a, "schedule": "always"}
    if resource.kind == "ebs_volume":
        return lambda a: (
            None if a is None else {**a, "size_gb": float(a["size_gb"]) * float(factor)}
        )
    raise GeneratorError(f"proposal {action.proposal_id}: usage_growth of a {resource.kind}")


def _plan_for(estate: Estate, action: ExecutedAction, resource: Resource, hour: int) -> SavingsPlan:
    """A Savings Plan covering ``resource`` only, committed to its hourly on-demand cost before
    the action at the Savings Plan rate."""
    if resource.kind != "ec2_instance":
        raise GeneratorError(f"proposal {action.proposal_id}: a Savings Plan covers instances only")
    rate = catalog.ec2_rate(resource.attrs["instance_type"], resource.region)
    commitment = (rate * catalog.SP_RATE_SHARE).quantize(Decimal("0.00000001"))
    start = estate.timeline.start + timedelta(hours=hour)
    payer = estate.payer.account_id
    return SavingsPlan(
        savings_plan_id=f"sp-loop-{action.proposal_id}",
        arn=f"arn:aws:savingsplans::{payer}:savingsplan/sp-loop-{action.proposal_id}",
        account_id=payer,
        commitment=commitment,
        start_hour=hour,
        end_hour=FAR,
        start=start,
        end=start.replace(year=start.year + 1),
        scope=(resource.resource_id,),
    )


def _segments(resource: Resource, changes: list[tuple[int, int, Change]]) -> list[Resource]:
    """``resource`` cut at each change hour into the segments it exists in."""
    if not changes:
        return [resource]
    end = FAR if resource.terminate_hour is None else resource.terminate_hour
    segments: list[Resource] = []
    start, attrs = resource.launch_hour, dict(resource.attrs)
    current: Attrs = attrs
    for hour, _, change in sorted(changes, key=lambda c: (c[0], c[1])):
        hour = max(hour, resource.launch_hour)
        following = change(current)
        if following == current:
            continue
        if current is not None and start < min(hour, end):
            segments.append(
                replace(resource, launch_hour=start, terminate_hour=min(hour, end), attrs=current)
            )
        start, current = hour, following
    if current is not None and start < end:
        segments.append(
            replace(
                resource, launch_hour=start, terminate_hour=resource.terminate_hour, attrs=current
            )
        )
    return segments
