"""One billing period: its days of usage, then the lines billed once a month (reserved-instance
fees, support, fees, credits and tax), then the lines a restatement adds when a closed month is
re-issued."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np

from finops.generator import catalog
from finops.generator.billing.batch import (
    I64,
    LineBatch,
    PeriodTotals,
    round_to_cents,
    rows_to_batch,
    to_units,
)
from finops.generator.billing.engine import BillingEngine
from finops.generator.streams.model import COST_SCALE, LineType
from finops.generator.timeline import DAY_H, HOUR_S, Period


def period_batches(engine: BillingEngine, period: Period) -> Iterator[LineBatch]:
    """Day batches of the period, then its monthly charges; restatement lines last."""
    engine.period_stream_unblended[:] = 0
    engine.period_ri_used = {r.arn: 0 for r in engine.ri}
    totals = engine.acc.period.setdefault(period.label, PeriodTotals())
    for day in period.days:
        batch = engine.day_batch(day)
        engine.book(batch, totals)
        yield batch
    charges = period_charges(engine, period)
    engine.book(charges, totals)
    yield charges
    if period.label == engine.restated:
        engine.acc.original[period.label] = PeriodTotals(
            totals.unblended, totals.net_unblended, totals.line_items
        )
        extra = restatement(engine, period)
        engine.book(extra, totals)
        yield extra


Row = dict[str, float | int]


def charge_row(
    stream: int, line_type: LineType, unblended: int, *, amount: float = 0, rate: float = 0.0
) -> Row:
    """One charge line whose effective cost is what it bills."""
    return {
        "stream": stream,
        "type": line_type,
        "amount": amount,
        "unblended": unblended,
        "rate": rate,
        "effective": unblended,
    }


def period_charges(engine: BillingEngine, period: Period) -> LineBatch:
    """The month's reserved-instance fees, support, fees and credits, then the tax on them and on
    the month's usage."""
    start_h = period.first_day * DAY_H
    end_h = period.last_day * DAY_H
    rows = reservation_fee_rows(engine, start_h, end_h)
    rows += flat_charge_rows(engine, period, rows)
    for row in rows:
        engine.period_stream_unblended[int(row["stream"])] += int(row["unblended"])
    rows += tax_rows(engine)
    return rows_to_batch(rows, engine.epoch + start_h * HOUR_S, engine.epoch + end_h * HOUR_S)


def reservation_fee_rows(engine: BillingEngine, start_h: int, end_h: int) -> list[Row]:
    """One fee line per reserved instance active in the hours ``start_h`` … ``end_h``, with its
    unused hours (and their fee) counted in the engine's accumulators."""
    rows: list[Row] = []
    for index, ri in enumerate(engine.ri):
        lo, hi = max(start_h, ri.start_hour), min(end_h, ri.end_hour)
        if hi <= lo:
            continue
        hours = (hi - lo) * ri.count
        used = engine.period_ri_used[ri.arn]
        unused = hours - used
        rate = engine.ri_rate_units[index]
        fee = int(np.rint(hours * rate))
        unused_fee = int(np.rint(unused * rate))
        engine.acc.ri_used_hours[ri.arn] = engine.acc.ri_used_hours.get(ri.arn, 0) + used
        engine.acc.ri_hours[ri.arn] = engine.acc.ri_hours.get(ri.arn, 0) + hours
        rows.append(
            {
                "stream": engine.s.charges.ri_fee[ri.arn],
                "type": LineType.RI_FEE,
                "amount": hours,
                "unblended": fee,
                "rate": rate,
                "ri": index,
                "ri_unused_quantity": unused,
                "ri_unused_fee": unused_fee,
                "ri_count": ri.count,
                "effective": unused_fee,
            }
        )
    return rows


def flat_charge_rows(engine: BillingEngine, period: Period, fee_rows: list[Row]) -> list[Row]:
    """Support (10% of the month's usage and ``fee_rows``, at least the minimum), the yearly
    domain fee in March and a promotional credit in the second to seventh period."""
    rows: list[Row] = []
    usage_total = int(engine.period_stream_unblended[: engine.n_usage].sum()) + sum(
        int(r["unblended"]) for r in fee_rows
    )
    support = max(to_units(catalog.SUPPORT_MINIMUM), round_to_cents(usage_total // 10))
    rows.append(
        charge_row(
            engine.s.charges.support,
            LineType.FEE,
            support,
            amount=support / COST_SCALE,
            rate=1.0 * COST_SCALE,
        )
    )
    if period.start.month == 3:
        fee = to_units(Decimal("13"))
        rows.append(charge_row(engine.s.charges.domain_fee, LineType.FEE, fee, amount=1, rate=fee))
    periods = engine.tl.periods()
    position = next(i for i, p in enumerate(periods) if p.label == period.label)
    if 1 <= position <= 6:
        credit = -to_units(Decimal("250"))
        rows.append(charge_row(engine.s.charges.credit, LineType.CREDIT, credit))
    return rows


def tax_rows(engine: BillingEngine) -> list[Row]:
    """Sales tax on every (account, product) with a positive month so far."""
    rows: list[Row] = []
    totals = pair_totals(engine, engine.period_stream_unblended)
    for pair, stream in engine.s.charges.tax.items():
        base = totals.get(pair, 0)
        if base <= 0:
            continue
        tax = round_to_cents(int(np.rint(base * float(catalog.SALES_TAX_RATE))))
        if tax:
            rows.append(charge_row(stream, LineType.TAX, tax))
    return rows


def pair_totals(engine: BillingEngine, per_stream: I64) -> dict[tuple[str, str], int]:
    s = engine.s
    taxed = np.zeros(len(s), np.bool_)
    taxed[list(s.charges.tax.values())] = True
    acc = s.account_code.astype(np.int64)
    prod = s.product_code_index.astype(np.int64)
    key = acc * len(s.product_codes) + prod
    sums = np.zeros(len(s.account_ids) * len(s.product_codes), np.int64)
    np.add.at(sums, key[~taxed], per_stream[~taxed])
    out: dict[tuple[str, str], int] = {}
    for account_id, product in s.charges.tax:
        k = s.account_ids.index(account_id) * len(s.product_codes) + s.product_codes.index(product)
        out[(account_id, product)] = int(sums[k])
    return out


def restatement(engine: BillingEngine, period: Period) -> LineBatch:
    """Lines added when AWS re-issues a closed month: a refund and a late credit."""
    start_s = engine.epoch + period.first_day * DAY_H * HOUR_S
    end_s = engine.epoch + period.last_day * DAY_H * HOUR_S
    refund = -to_units(Decimal("180.00"))
    credit = -to_units(Decimal("75.50"))
    rows = [
        charge_row(engine.s.charges.refund, LineType.REFUND, refund),
        charge_row(engine.s.charges.credit, LineType.CREDIT, credit),
    ]
    engine.acc.restatement = {
        "billing_period": period.label,
        "added_lines": [
            {
                "line_item_type": "Refund",
                "account_id": engine.s.specs[engine.s.charges.refund].account_id,
                "product_code": "AWSLambda",
                "unblended_cost": str(Decimal(refund) / COST_SCALE),
            },
            {
                "line_item_type": "Credit",
                "account_id": engine.s.specs[engine.s.charges.credit].account_id,
                "product_code": "AmazonEC2",
                "unblended_cost": str(Decimal(credit) / COST_SCALE),
            },
        ],
    }
    return rows_to_batch(rows, start_s, end_s)
