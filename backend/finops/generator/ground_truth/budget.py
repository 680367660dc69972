"""The budget-overrun situation: a monthly budget on the first linked account, set under what
the generated bill says it spends in the last month."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np

from finops.generator.billing.engine import BillingEngine
from finops.generator.estate.model import Estate, Situation
from finops.generator.ground_truth.impacts import dollars
from finops.generator.streams.model import COST_SCALE


def budget_situation(estate: Estate, engine: BillingEngine) -> Situation | None:
    """A monthly budget on the first linked account, set under its last month's spend."""
    tl = estate.timeline
    periods = tl.periods()
    if not periods:
        return None
    period = periods[-1]
    account = estate.accounts[0]
    column = engine.s.account_ids.index(account.account_id)
    daily = engine.acc.account_day[period.first_day : period.last_day, column]
    actual = int(daily.sum())
    days_generated = period.last_day - period.first_day
    days_in_month = (period.end - period.start).days
    forecast = actual * days_in_month // max(1, days_generated)
    limit = dollars(forecast * 0.85).quantize(Decimal("1"))
    limit_units = int(limit * COST_SCALE)
    cumulative = np.cumsum(daily)
    crossed = np.nonzero(cumulative > limit_units)[0]
    overrun_day = tl.day(period.first_day + int(crossed[0])) if crossed.size else None
    return Situation(
        kind="budget_overrun",
        resource_id=None,
        account_id=account.account_id,
        region=None,
        service=None,
        start=period.start,
        end=period.end - timedelta(days=1),
        monthly_cost_impact=dollars(forecast) - limit,
        details={
            "budget_name": f"{account.name}-monthly",
            "scope": "account",
            "cost_type": "net_unblended",
            "limit": float(limit),
            "billing_period": period.label,
            "actual_to_date": float(dollars(actual)),
            "forecast": float(dollars(forecast)),
            "days_generated": days_generated,
            "overrun_date": overrun_day.isoformat() if overrun_day else None,
        },
    )
