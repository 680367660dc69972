"""Read helpers for the cost intelligence routes: the warehouse's billing currency, a scope's daily
cost as the jobs measure it (``finops.warehouse.cost_rows``), and an anomaly's daily actual cost
against the detector's baseline.

The baseline is recomputed, not stored: the anomaly job keeps one expected value per incident
(the sum over its days), so the daily line comes from running the same detector, with the same
parameters, look-back and false-positive feedback as the job, on the incident's scope. The
detector is causal (a day's expected value uses only the days before it), so the days after the
job's run do not change it; the history starts ``LOOKBACK_DAYS`` before the incident rather than
before the job's reporting interval, which gives the job's values whenever the scope's cost
starts inside that history (tested to the cent) and may move them slightly otherwise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import ColumnElement, Connection, Subquery, func, select

from finops.analytics.anomalies.analysis import AnalysisParams, special_days
from finops.analytics.anomalies.detector import detect
from finops.analytics.anomalies.job import LOOKBACK_DAYS
from finops.analytics.anomalies.store import false_positive_days
from finops.analytics.cube import normalise_tag_key
from finops.errors import FinOpsError
from finops.warehouse.cost_rows import BASE_DIMENSIONS, cost_rows, last_charge_day_between
from finops.warehouse.money import money
from finops.warehouse.tables import ingest_log

DEFAULT_CURRENCY = "USD"
TAG_PREFIX = "tag:"


def warehouse_currency(conn: Connection) -> str:
    """The billing currency of every loaded slice (the ingest log records it per billing period
    and source); several currencies cannot be summed, so that is an error naming them."""
    found: set[str] = set()
    for value in conn.execute(
        select(ingest_log.c.billing_currency)
        .where(ingest_log.c.status == "succeeded", ingest_log.c.billing_currency.is_not(None))
        .distinct()
    ).scalars():
        found.update(c for c in str(value).split(",") if c)
    if len(found) > 1:
        raise FinOpsError(
            f"the warehouse holds costs in several currencies {sorted(found)}: anomaly and "
            "forecast amounts add them up and cannot be shown in one currency"
        )
    return found.pop() if found else DEFAULT_CURRENCY


def _dimension(rows: Subquery, name: str) -> ColumnElement[str]:
    if name not in BASE_DIMENSIONS:
        raise FinOpsError(
            f"scope dimension {name!r} is not one of {', '.join(BASE_DIMENSIONS)} or tag:<key>"
        )
    column: ColumnElement[str] = rows.c[name]
    return column


def _tag_value(tags: object, key: str) -> str | None:
    """The value of a normalised tag key in a tag set, as the cost cube reads it (the last of
    several spellings in key order wins)."""
    if not isinstance(tags, dict):
        return None
    value = None
    for k, v in sorted(tags.items()):
        if v is not None and normalise_tag_key(str(k)) == key:
            value = str(v)
    return value


def scope_daily_cost(
    conn: Connection, *, scope: Mapping[str, str], start: date, end: date, metric: str
) -> dict[date, Decimal]:
    """Exact daily cost of a scope ({dimension: value}, tags as ``tag:<key>``) on [start, end);
    days without cost are absent."""
    rows = cost_rows(start=start, end=end, metric=metric)
    tag_scope = {
        normalise_tag_key(k[len(TAG_PREFIX) :]): v
        for k, v in scope.items()
        if k.startswith(TAG_PREFIX)
    }
    where = [_dimension(rows, k) == v for k, v in scope.items() if not k.startswith(TAG_PREFIX)]
    out: dict[date, Decimal] = defaultdict(Decimal)
    if not tag_scope:
        for day, cost in conn.execute(
            select(rows.c.day, func.sum(rows.c.cost)).where(*where).group_by(rows.c.day)
        ):
            out[day] += Decimal(cost)
        return dict(out)
    for day, tags, cost in conn.execute(
        select(rows.c.day, rows.c.tags, func.sum(rows.c.cost))
        .where(*where)
        .group_by(rows.c.day, rows.c.tags)
    ):
        if all(_tag_value(tags, k) == v for k, v in tag_scope.items()):
            out[day] += Decimal(cost)
    return dict(out)


def daily_cost_by(
    conn: Connection, *, dimension: str | None, start: date, end: date, metric: str
) -> dict[str, dict[date, Decimal]]:
    """Exact daily cost on [start, end) per value of one dimension (``None``: the whole bill,
    under the key ``""``); one query for every scope of a kind."""
    rows = cost_rows(start=start, end=end, metric=metric)
    out: dict[str, dict[date, Decimal]] = defaultdict(dict)
    if dimension is None:
        query = select(rows.c.day, func.sum(rows.c.cost)).group_by(rows.c.day)
        for day, cost in conn.execute(query):
            out[""][day] = Decimal(cost)
        return dict(out)
    key = _dimension(rows, dimension)
    for value, day, cost in conn.execute(
        select(key, rows.c.day, func.sum(rows.c.cost)).group_by(key, rows.c.day)
    ):
        out[str(value or "")][day] = Decimal(cost)
    return dict(out)


@dataclass(frozen=True, slots=True)
class BaselineDay:
    day: date
    actual: Decimal
    expected: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    anomalous: bool


def _cents(value: float) -> Decimal | None:
    return None if np.isnan(value) else money(value)


def anomaly_baseline(
    conn: Connection,
    *,
    scope_kind: str,
    scope: Mapping[str, str],
    first_day: date,
    last_day: date,
    metric: str,
    days_before: int,
    days_after: int,
) -> list[BaselineDay]:
    """Daily actual cost of the incident's scope from ``days_before`` days before it to
    ``days_after`` days after it (as far as the warehouse has data), with the detector's
    expected value and bounds for every day it could judge.

    As in the anomaly job, the detector sees ``LOOKBACK_DAYS`` of history before the incident,
    the series starts at its first cost, the first of each month is a special day and days that
    false-positive feedback marked normal are accepted."""
    history_start = first_day - timedelta(days=LOOKBACK_DAYS)
    shown_start = first_day - timedelta(days=days_before)
    end = last_charge_day_between(
        conn, start=last_day, end=last_day + timedelta(days=days_after + 1)
    )
    if end is None:
        return []
    days = [history_start + timedelta(days=k) for k in range((end - history_start).days + 1)]
    daily = scope_daily_cost(
        conn, scope=scope, start=history_start, end=end + timedelta(days=1), metric=metric
    )
    values = np.asarray([float(daily.get(d, 0)) for d in days], dtype=np.float64)
    present = np.nonzero(values != 0)[0]
    if not present.size:
        return []
    values[: present[0]] = np.nan  # history starts at the scope's first cost
    accepted = np.zeros(len(days), dtype=bool)
    key = (scope_kind, tuple(sorted((str(k), str(v)) for k, v in scope.items())))
    marked = false_positive_days(conn, start=history_start, days=days, metric=metric)
    accepted[sorted(marked.get(key, set()))] = True
    detection = detect(
        values,
        params=AnalysisParams().detector,
        special=special_days(days),
        accepted=accepted,
    )
    first_shown = max(int(present[0]), (shown_start - history_start).days)
    return [
        BaselineDay(
            day=days[i],
            actual=daily.get(days[i], Decimal(0)),
            expected=_cents(float(detection.expected[i])),
            lower=_cents(float(detection.lower[i])),
            upper=_cents(float(detection.upper[i])),
            anomalous=bool(detection.anomalous[i]),
        )
        for i in range(first_shown, len(days))
    ]
