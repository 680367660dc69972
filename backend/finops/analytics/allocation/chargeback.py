"""Allocation rules and the monthly showback/chargeback report per cost center.

Order of allocation for each cost row of a billing period:
1. a *shared* rule matches (by service, account, charge category or line item type): the cost
   is pooled and split over the cost centers — ``even``, ``proportional`` to their direct cost,
   or by ``fixed`` ratios;
2. the cost center tag on the row (``cost_center_tag``, billing prefixes ignored);
   — unless the tag policy does not allow that value (``allowed`` values of the cost center
   key, e.g. ``CC-9999``): such cost goes to the explicit **invalid tag** bucket, never to a
   cost center that does not exist;
3. the first allocation *rule* matching the row's account, service or a tag value;
4. otherwise it is **unallocated**, and reported as such.

Neither the invalid tag bucket nor the unallocated line receives shared cost (they are not cost
centers).

The report sums to the bill's total for the period to the cent: shares are computed exactly and
rounded by largest remainder, so the rounded lines add up to the rounded total.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Connection, text

from finops.analytics.allocation.tagging import canonical_key
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ConfigurationError
from finops.warehouse.metrics import ALLOCATION_METRICS, EFFECTIVE_COST
from finops.warehouse.money import CENT

log = structlog.get_logger(__name__)

UNALLOCATED = "unallocated"
INVALID_TAG = "invalid-tag"
NOT_COST_CENTERS = (UNALLOCATED, INVALID_TAG)


@dataclass(frozen=True, slots=True)
class Match:
    account: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    charge_category: tuple[str, ...] = ()
    line_item_type: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)

    def matches(self, row: CostRow) -> bool:
        checks = (
            (self.account, row.account_id),
            (self.service, row.service_name),
            (self.charge_category, row.charge_category),
            (self.line_item_type, row.line_item_type),
        )
        if any(wanted and value not in wanted for wanted, value in checks):
            return False
        return all(row.tags.get(canonical_key(k)) == v for k, v in self.tags.items())


@dataclass(frozen=True, slots=True)
class SharedRule:
    name: str
    match: Match
    split: str  # even | proportional | fixed
    ratios: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AllocationRule:
    match: Match
    cost_center: str


@dataclass(frozen=True, slots=True)
class AllocationRules:
    cost_center_tag: str = "cost-center"
    metric: str = EFFECTIVE_COST
    shared: tuple[SharedRule, ...] = ()
    rules: tuple[AllocationRule, ...] = ()
    # the cost center values the tag policy allows (None: any value is a cost center)
    allowed_cost_centers: frozenset[str] | None = None

    def with_tag_policy(self, allowed: dict[str, tuple[str, ...]]) -> AllocationRules:
        """These rules with the tag policy's allowed values of the cost center key."""
        key = canonical_key(self.cost_center_tag)
        values = next((v for k, v in allowed.items() if canonical_key(k) == key), None)
        return replace(self, allowed_cost_centers=None if values is None else frozenset(values))


def account_cost_centers(rules: AllocationRules) -> dict[str, str]:
    """Account id -> the cost center of the first rule matching on the account alone (no
    service, charge category, line item type or tag condition): what such an account's
    untagged cost is allocated to."""
    centers: dict[str, str] = {}
    for rule in rules.rules:
        m = rule.match
        if m.service or m.charge_category or m.line_item_type or m.tags:
            continue
        for account in m.account:
            centers.setdefault(account, rule.cost_center)
    return centers


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _match(data: dict[str, Any], where: str) -> Match:
    known = {"account", "service", "charge_category", "line_item_type", "tags"}
    unknown = set(data) - known
    if unknown:
        raise ConfigurationError(f"allocation rules {where}: unknown match keys {sorted(unknown)}")
    return Match(
        account=_tuple(data.get("account")),
        service=_tuple(data.get("service")),
        charge_category=_tuple(data.get("charge_category")),
        line_item_type=_tuple(data.get("line_item_type")),
        tags={str(k): str(v) for k, v in (data.get("tags") or {}).items()},
    )


def parse_rules(data: dict[str, Any]) -> AllocationRules:
    metric = str(data.get("metric", EFFECTIVE_COST))
    if metric not in ALLOCATION_METRICS:
        raise ConfigurationError(
            f"allocation rules: metric must be one of {ALLOCATION_METRICS}, got {metric!r}"
        )
    shared = []
    for i, s in enumerate(data.get("shared", [])):
        split = s.get("split", "proportional")
        ratios: dict[str, Decimal] = {}
        if isinstance(split, dict):
            ratios = {str(k): Decimal(str(v)) for k, v in split.get("fixed", {}).items()}
            if not ratios or sum(ratios.values()) != 1:
                raise ConfigurationError(
                    f"allocation rules shared[{i}]: fixed ratios must sum to 1"
                )
            split = "fixed"
        if split not in ("even", "proportional", "fixed"):
            raise ConfigurationError(f"allocation rules shared[{i}]: unknown split {split!r}")
        shared.append(
            SharedRule(
                str(s.get("name", f"shared-{i}")),
                _match(s.get("match", {}), f"shared[{i}]"),
                split,
                ratios,
            )
        )
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        if "cost_center" not in r:
            raise ConfigurationError(f"allocation rules rules[{i}]: cost_center missing")
        rules.append(
            AllocationRule(_match(r.get("match", {}), f"rules[{i}]"), str(r["cost_center"]))
        )
    return AllocationRules(
        cost_center_tag=str(data.get("cost_center_tag", "cost-center")),
        metric=metric,
        shared=tuple(shared),
        rules=tuple(rules),
    )


def load_rules(path: Path | None = None) -> AllocationRules:
    try:
        raw = (
            resources.files(__package__).joinpath("default_allocation_rules.json").read_text()
            if path is None
            else path.read_text()
        )
        return parse_rules(json.loads(raw))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"allocation rules {path or 'default'}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class CostRow:
    account_id: str
    service_name: str
    charge_category: str
    line_item_type: str
    tags: dict[str, str]
    cost: Decimal


_ROWS = text(
    """
    SELECT coalesce(sub_account_id, '') AS account_id, coalesce(service_name, '') AS service_name,
           coalesce(charge_category, '') AS charge_category,
           coalesce(x_line_item_type, '') AS line_item_type, coalesce(tags, '{}'::jsonb) AS tags,
           billing_currency AS currency, sum(effective_cost) AS effective_cost,
           sum(billed_cost) AS billed_cost
    FROM finops.costs
    WHERE billing_period_start >= :start AND billing_period_start < :end
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5::text
    """
)


@dataclass(frozen=True, slots=True)
class ChargebackLine:
    cost_center: str
    allocation: str  # direct | shared:<name> | unallocated
    cost: Decimal


@dataclass(frozen=True, slots=True)
class ChargebackReport:
    billing_period: date
    currency: str
    metric: str
    total: Decimal  # the bill's total for the period, to the cent
    lines: list[ChargebackLine]

    def by_cost_center(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            out[line.cost_center] += line.cost
        return dict(sorted(out.items()))

    @property
    def unallocated(self) -> Decimal:
        return sum((x.cost for x in self.lines if x.cost_center == UNALLOCATED), Decimal(0))

    @property
    def invalid_tag(self) -> Decimal:
        return sum((x.cost for x in self.lines if x.cost_center == INVALID_TAG), Decimal(0))


def _cost_center(row: CostRow, rules: AllocationRules) -> tuple[str, str]:
    """(cost center, allocation): ``direct``, ``unallocated`` or ``invalid-tag:<value>``."""
    value = row.tags.get(canonical_key(rules.cost_center_tag))
    if value:
        allowed = rules.allowed_cost_centers
        if allowed is None or value in allowed:
            return value, "direct"
        return INVALID_TAG, f"{INVALID_TAG}:{value}"
    for rule in rules.rules:
        if rule.match.matches(row):
            return rule.cost_center, "direct"
    return UNALLOCATED, UNALLOCATED


def cost_center_of(row: CostRow, rules: AllocationRules) -> str:
    """The cost center the rules give ``row``'s direct cost (``unallocated`` or
    ``invalid-tag`` when none): what the savings rollups attribute a resource's savings to."""
    return _cost_center(row, rules)[0]


def _split(amount: Decimal, rule: SharedRule, direct: dict[str, Decimal]) -> dict[str, Decimal]:
    centers = sorted(c for c in direct if c not in NOT_COST_CENTERS)
    if rule.split == "fixed":
        return {c: amount * r for c, r in sorted(rule.ratios.items())}
    if not centers:
        return {UNALLOCATED: amount}
    if rule.split == "even":
        return {c: amount / len(centers) for c in centers}
    base = sum((direct[c] for c in centers), Decimal(0))
    if base == 0:
        return {c: amount / len(centers) for c in centers}
    return {c: amount * direct[c] / base for c in centers}


def _round_to_total(
    exact: dict[tuple[str, str], Decimal], total: Decimal
) -> dict[tuple[str, str], Decimal]:
    """Largest-remainder rounding: cents that add up to ``total`` exactly."""
    floored = {
        k: v.quantize(CENT, ROUND_DOWN) if v >= 0 else -((-v).quantize(CENT))
        for k, v in exact.items()
    }
    remainder = int(((total - sum(floored.values(), Decimal(0))) / CENT).to_integral_value())
    order = sorted(exact, key=lambda k: (-(exact[k] - floored[k]), k))
    step = CENT if remainder >= 0 else -CENT
    for k in order[: abs(remainder)] if order else []:
        floored[k] += step
    return floored


def build_report(
    rows: list[CostRow], *, rules: AllocationRules, billing_period: date, currency: str
) -> ChargebackReport:
    direct: dict[str, Decimal] = defaultdict(Decimal)
    pools: dict[str, Decimal] = defaultdict(Decimal)
    exact: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        shared = next((s for s in rules.shared if s.match.matches(row)), None)
        if shared is not None:
            pools[shared.name] += row.cost
        else:
            center, allocation = _cost_center(row, rules)
            direct[center] += row.cost
            exact[(center, allocation)] += row.cost
    for rule in rules.shared:
        if pools.get(rule.name):
            for center, share in _split(pools[rule.name], rule, direct).items():
                key = (center, f"shared:{rule.name}")
                exact[key] = exact.get(key, Decimal(0)) + share
    total = sum((r.cost for r in rows), Decimal(0)).quantize(CENT)
    rounded = _round_to_total(exact, total)
    lines = [ChargebackLine(c, a, v) for (c, a), v in sorted(rounded.items())]
    return ChargebackReport(billing_period, currency, rules.metric, total, lines)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def chargeback_report(
    conn: Connection, *, billing_period: date, rules: AllocationRules
) -> ChargebackReport:
    start = billing_period.replace(day=1)
    result = conn.execute(_ROWS, {"start": start, "end": _next_month(start)}).mappings().all()
    currencies = sorted({r["currency"] for r in result})
    if len(currencies) > 1:
        raise ConfigurationError(
            f"billing period {start:%Y-%m} has several currencies {currencies}"
        )
    rows = [
        CostRow(
            account_id=r["account_id"],
            service_name=r["service_name"],
            charge_category=r["charge_category"],
            line_item_type=r["line_item_type"],
            tags={canonical_key(k): str(v) for k, v in (r["tags"] or {}).items()},
            cost=Decimal(r[rules.metric]),
        )
        for r in result
    ]
    return build_report(
        rows, rules=rules, billing_period=start, currency=currencies[0] if currencies else "USD"
    )


def _write_report(conn: Connection, report: ChargebackReport) -> None:
    conn.execute(
        text("DELETE FROM finops.chargeback_monthly WHERE billing_period = :p"),
        {"p": report.billing_period},
    )
    total = report.total
    if report.lines:
        conn.execute(
            text(
                "INSERT INTO finops.chargeback_monthly "
                "VALUES (:p, :cc, :alloc, :cur, :cost, :share)"
            ),
            [
                {
                    "p": report.billing_period,
                    "cc": line.cost_center,
                    "alloc": line.allocation,
                    "cur": report.currency,
                    "cost": line.cost,
                    "share": (line.cost / total).quantize(Decimal("0.00000001")) if total else 0,
                }
                for line in report.lines
            ],
        )


def run_allocation_job(
    *,
    billing_period: date | None = None,
    settings: Settings | None = None,
    rules: AllocationRules | None = None,
    run_id: str | None = None,
) -> ChargebackReport:
    """Rewrite ``chargeback_monthly`` for every billing period in the bill up to
    ``billing_period`` (default: the latest), so a chargeback exists for any month, not only
    the latest; returns the report of ``billing_period``."""
    rules = rules or load_rules()
    engine = get_engine(settings or get_settings())
    with engine.begin() as conn:
        periods = list(
            conn.execute(
                text("SELECT DISTINCT billing_period_start::date FROM finops.costs ORDER BY 1")
            ).scalars()
        )
        if not periods:
            raise ConfigurationError("no billing data: run `finops ingest billing` first")
        target = (billing_period or periods[-1]).replace(day=1)
        reports = [
            chargeback_report(conn, billing_period=p, rules=rules)
            for p in [*(p for p in periods if p < target), target]
        ]
        for report in reports:
            _write_report(conn, report)
    report = reports[-1]
    log.info(
        "allocation.job",
        billing_period=report.billing_period.isoformat(),
        periods=len(reports),
        total=str(report.total),
        unallocated=str(report.unallocated),
        invalid_tag=str(report.invalid_tag),
        run_id=run_id or uuid.uuid4().hex,
    )
    return report
