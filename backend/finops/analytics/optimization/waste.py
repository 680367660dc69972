"""What the storage and network waste rules read (``rules/storage.py``, ``rules/network.py``):
the inventory as of the run date, the resources' billed usage lines and the bill's public rates
over the idle lookback, how long each available volume has been available, and the load
balancers' daily request counts. Read once per run; each rule then prices its finding from the
bill's public on-demand rate for the resource's usage type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.instances import window
from finops.analytics.optimization.policy import WastePolicy

VOLUME = "AWS::EC2::Volume"
SNAPSHOT = "AWS::EC2::Snapshot"
EIP = "AWS::EC2::EIP"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
WASTE_TYPES = (VOLUME, SNAPSHOT, EIP, LOAD_BALANCER)


@dataclass(frozen=True, slots=True)
class WasteInputs:
    """The data the waste rules evaluate, as of ``as_of``."""

    as_of: date
    start: date
    end: date
    items: list[wh.InventoryItem]
    lines: dict[str, list[wh.UsageLine]]
    rates: dict[tuple[str, str], Decimal]
    available_since: dict[str, date]  # volume id -> first day of its current `available` run
    lb_stats: dict[wh.MetricKey, wh.DailyStats]
    volume_ids: frozenset[str]  # volumes in the inventory (a snapshot's source may be one)

    def of_type(self, resource_type: str) -> list[wh.InventoryItem]:
        return [i for i in self.items if i.resource_type == resource_type]

    def line(self, item: wh.InventoryItem, prefix: str) -> wh.UsageLine | None:
        """The item's latest billed usage line whose usage type starts with ``prefix``."""
        found = [
            line
            for bill_id in item.billing_ids
            for line in self.lines.get(bill_id, [])
            if line.usage_type.startswith(prefix)
        ]
        return max(found, key=lambda u: (u.last_day, u.usage_type)) if found else None


def gb(item: wh.InventoryItem, key: str) -> Decimal | None:
    value = item.configuration.get(key)
    return None if value is None else Decimal(str(value))


def day_of(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def read_waste_inputs(conn: Connection, *, as_of: date, policy: WastePolicy) -> WasteInputs:
    """Everything the storage/network waste rules read (instances are read elsewhere)."""
    start, end = window(as_of, max(policy.idle_lookback_days, 7))
    items = wh.inventory_as_of(conn, as_of=as_of, types=list(WASTE_TYPES))
    lines = wh.usage_lines(
        conn, start=start, end=end, ids=[i for r in items for i in r.billing_ids]
    )
    rates = wh.public_rates(conn, start=start, end=end)
    since = wh.in_state_since(
        conn,
        resource_type=VOLUME,
        ids=[v.resource_id for v in items if v.resource_type == VOLUME and v.state == "available"],
        states=["available"],
        as_of=as_of,
    )
    stats = wh.daily_stats(
        conn,
        start=start,
        end=end,
        namespaces=["AWS/ApplicationELB", "AWS/NetworkELB"],
        metrics=["RequestCount", "NewFlowCount"],
        stats=["Sum"],
    )
    volume_ids = frozenset(i.resource_id for i in items if i.resource_type == VOLUME)
    return WasteInputs(as_of, start, end, items, lines, rates, since, stats, volume_ids)
