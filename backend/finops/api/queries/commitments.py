"""Commitment discounts (Reserved Instances, Savings Plans): utilization and coverage over
time from the tables the commitments job writes, and its purchase recommendations."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Date, Numeric, Select, cast, func, literal, select

from finops.warehouse.tables import (
    commitment_coverage_daily,
    commitment_utilization_daily,
    savings_plan_recommendations,
)


class Granularity(StrEnum):
    daily = "daily"
    monthly = "monthly"


def _period(day: ColumnElement[Any], granularity: Granularity) -> ColumnElement[Any]:
    if granularity is Granularity.daily:
        return day.label("period")
    return cast(func.date_trunc("month", day), Date).label("period")


def _pct(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[Any]:
    """``part`` as a percentage of ``whole`` to two decimals; null when ``whole`` is zero."""
    return func.round(cast(part * 100, Numeric) / func.nullif(whole, 0), 2)


def utilization_query(
    *,
    granularity: Granularity,
    start: date | None,
    end: date | None,
    commitment_type: list[str] | None,
) -> Select[Any]:
    """Per period and commitment type: committed, used and unused cost, utilization %."""
    u = commitment_utilization_daily.c
    period = _period(u.day, granularity)
    committed, used = func.sum(u.committed_cost), func.sum(u.used_cost)
    query = select(
        period,
        u.commitment_type,
        u.billing_currency.label("currency"),
        func.count(func.distinct(u.commitment_id)).label("commitments"),
        committed.label("committed_cost"),
        used.label("used_cost"),
        func.sum(u.unused_cost).label("unused_cost"),
        _pct(used, committed).label("utilization_pct"),
    ).group_by(period, u.commitment_type, u.billing_currency)
    if start is not None:
        query = query.where(u.day >= start)
    if end is not None:
        query = query.where(u.day <= end)
    if commitment_type:
        query = query.where(u.commitment_type.in_(commitment_type))
    return query


def coverage_query(
    *,
    granularity: Granularity,
    start: date | None,
    end: date | None,
    account_id: list[str] | None,
    service_name: list[str] | None,
) -> Select[Any]:
    """Per period and service: eligible and covered on-demand-equivalent cost, coverage %."""
    c = commitment_coverage_daily.c
    period = _period(c.day, granularity)
    eligible, covered = func.sum(c.eligible_list_cost), func.sum(c.covered_list_cost)
    query = select(
        period,
        c.service_name,
        c.billing_currency.label("currency"),
        eligible.label("eligible_list_cost"),
        covered.label("covered_list_cost"),
        func.sum(c.on_demand_cost).label("on_demand_cost"),
        _pct(covered, eligible).label("coverage_pct"),
    ).group_by(period, c.service_name, c.billing_currency)
    if start is not None:
        query = query.where(c.day >= start)
    if end is not None:
        query = query.where(c.day <= end)
    if account_id:
        query = query.where(c.account_id.in_(account_id))
    if service_name:
        query = query.where(c.service_name.in_(service_name))
    return query


def recommendations_query(*, latest_only: bool) -> Select[Any]:
    """Savings Plan purchase recommendations (each term and payment option), by default of the
    latest run only."""
    s = savings_plan_recommendations.c
    query = select(
        s.as_of, s.term_years, s.payment_option, s.lookback_days, s.hourly_commitment,
        s.estimated_monthly_savings, s.details,
        (s.hourly_commitment * literal(730)).label("monthly_commitment"),
    )  # fmt: skip
    if latest_only:
        latest = select(func.max(s.as_of)).scalar_subquery()
        query = query.where(s.as_of == latest)
    return query
