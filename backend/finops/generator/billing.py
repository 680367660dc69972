"""Billing engine: turns streams into CUR line items, one day at a time, in integer money.

Every cost is an integer number of 1e-8 dollars (``COST_SCALE``); the writers turn them into
exact decimals. Reserved Instances and Savings Plans are applied hour by hour the way AWS does
(RIs first, by instance type and region across the organisation; then Savings Plans in purchase
order, greedily, up to each plan's hourly commitment). A daily export aggregates the hourly lines
of a day per (stream, line item type, commitment).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from finops.generator import catalog
from finops.generator.estate.model import Estate
from finops.generator.streams import COST_SCALE, LineType, Model, Streams
from finops.generator.timeline import DAY_H, HOUR_S, Period, normal

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
YEAR_H = 8760.0


@dataclass(slots=True)
class LineBatch:
    """Columnar line items. Money columns are int64 in 1e-8 dollars."""

    stream: npt.NDArray[np.int64]
    line_type: npt.NDArray[np.int8]
    start_s: I64
    end_s: I64
    amount: F64
    unblended: I64
    public_od: I64
    rate_units: F64  # unblended rate × COST_SCALE
    public_rate_units: F64
    ri: npt.NDArray[np.int16]
    ri_effective: I64
    sp: npt.NDArray[np.int16]
    sp_effective: I64
    sp_rate_units: F64
    sp_commitment: I64
    sp_used: I64
    ri_unused_quantity: F64
    ri_unused_fee: I64
    ri_count: npt.NDArray[np.int32]
    effective: I64

    def __len__(self) -> int:
        return int(self.stream.shape[0])

    @staticmethod
    def concat(batches: list[LineBatch]) -> LineBatch:
        names = LineBatch.__slots__
        return LineBatch(**{n: np.concatenate([getattr(b, n) for b in batches]) for n in names})

    def take(self, index: npt.NDArray[np.int64]) -> LineBatch:
        return LineBatch(**{n: getattr(self, n)[index] for n in LineBatch.__slots__})


def _new_batch(n: int) -> dict[str, npt.NDArray[np.generic]]:
    return {
        "ri": np.full(n, -1, np.int16),
        "ri_effective": np.zeros(n, np.int64),
        "sp": np.full(n, -1, np.int16),
        "sp_effective": np.zeros(n, np.int64),
        "sp_rate_units": np.zeros(n, np.float64),
        "sp_commitment": np.zeros(n, np.int64),
        "sp_used": np.zeros(n, np.int64),
        "ri_unused_quantity": np.zeros(n, np.float64),
        "ri_unused_fee": np.zeros(n, np.int64),
        "ri_count": np.zeros(n, np.int32),
    }


def _units(value: Decimal) -> int:
    return int((value * COST_SCALE).to_integral_value())


def _cents(units: int) -> int:
    """Round an amount of 1e-8 dollars to whole cents (half away from zero), in 1e-8 dollars."""
    step = COST_SCALE // 100
    q = (abs(units) + step // 2) // step * step
    return q if units >= 0 else -q


@dataclass(slots=True)
class PeriodTotals:
    unblended: int = 0
    net_unblended: int = 0
    line_items: int = 0


@dataclass(slots=True)
class Accumulators:
    period: dict[str, PeriodTotals] = field(default_factory=dict)
    original: dict[str, PeriodTotals] = field(default_factory=dict)  # before restatement
    account_day: I64 = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    anomaly_extra: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    anomaly_hours: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ri_used_hours: dict[str, int] = field(default_factory=dict)
    ri_hours: dict[str, int] = field(default_factory=dict)
    sp_used: dict[str, int] = field(default_factory=dict)
    sp_commitment: dict[str, int] = field(default_factory=dict)
    sp_after_start_used: dict[str, int] = field(default_factory=dict)
    sp_used_by_day: dict[str, dict[int, int]] = field(default_factory=dict)  # arn -> day -> units
    sp_commitment_by_day: dict[str, dict[int, int]] = field(default_factory=dict)
    restatement: dict[str, object] = field(default_factory=dict)
    # per stream, over the last RECENT_DAYS days of the range: effective and public on-demand
    # cost and the first day billed (ground truth of savings at the effective price)
    recent_effective: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    recent_public_od: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    recent_first_day: I64 = field(default_factory=lambda: np.zeros(0, np.int64))


RECENT_DAYS = 30


class BillingEngine:
    def __init__(
        self, *, estate: Estate, streams: Streams, hourly: bool, restated: str | None
    ) -> None:
        self.estate = estate
        self.s = streams
        self.tl = estate.timeline
        self.hourly = hourly
        self.restated = restated
        self.epoch = self.tl.epoch_s
        n_acc = len(streams.account_ids)
        self.acc = Accumulators(
            account_day=np.zeros((self.tl.days, n_acc), np.int64),
            anomaly_extra=np.zeros(len(estate.anomalies), np.int64),
            anomaly_hours=np.zeros(len(estate.anomalies), np.int64),
            recent_effective=np.zeros(len(streams), np.int64),
            recent_public_od=np.zeros(len(streams), np.int64),
            recent_first_day=np.full(len(streams), self.tl.days, np.int64),
        )
        self.first_recent_day = self.tl.days - RECENT_DAYS
        an = estate.anomalies
        self.an_start = np.array([a.start_hour for a in an] or [0], np.int64)
        self.an_end = np.array(
            [a.end_hour if a.end_hour is not None else 2**40 for a in an] or [0], np.int64
        )
        self.an_mult = np.array([a.multiplier for a in an] or [1.0], np.float64)
        self.an_ramp = np.array([a.ramp_hours for a in an] or [0], np.int64)
        self.ri = estate.reservations
        self.ri_code = np.array(
            [streams.type_codes.get((r.region, r.instance_type), -2) for r in self.ri], np.int64
        )
        self.ri_rate_units = [float(r.hourly_rate * COST_SCALE) for r in self.ri]
        self.sp = estate.savings_plans
        self.sp_share = float(catalog.SP_RATE_SHARE)
        usage = streams.usage_streams
        self.n_usage = int(usage.shape[0])
        self._period_stream_unblended = np.zeros(len(streams), np.int64)
        self._period_ri_used: dict[str, int] = {}
        self._period_sp_hours: list[tuple[int, int, int]] = []
        self.seed = estate.seed

    # ---- public ------------------------------------------------------------------------------

    def period_batches(self, period: Period) -> Iterator[LineBatch]:
        """Day batches of the period, then its monthly charges; restatement lines last."""
        self._period_stream_unblended[:] = 0
        self._period_ri_used = {r.arn: 0 for r in self.ri}
        totals = self.acc.period.setdefault(period.label, PeriodTotals())
        for day in period.days:
            batch = self._day(day)
            self._account(batch, totals)
            yield batch
        charges = self._period_charges(period)
        self._account(charges, totals)
        yield charges
        if period.label == self.restated:
            self.acc.original[period.label] = PeriodTotals(
                totals.unblended, totals.net_unblended, totals.line_items
            )
            extra = self._restatement(period)
            self._account(extra, totals)
            yield extra

    # ---- one day of hourly lines ---------------------------------------------------------------

    def _day(self, day: int) -> LineBatch:
        s = self.s
        h0 = day * DAY_H
        usage = np.arange(self.n_usage)
        live = usage[(s.launch[: self.n_usage] < h0 + DAY_H) & (s.terminate[: self.n_usage] > h0)]
        hours = np.arange(h0, h0 + DAY_H, dtype=np.int64)
        alive = (s.launch[live, None] <= hours[None, :]) & (
            hours[None, :] < s.terminate[live, None]
        )
        weekday = self.tl.weekday_of(hours)
        hod = hours % DAY_H
        office = (weekday < 5) & (hod >= 7) & (hod < 19)
        alive &= (s.schedule[live, None] == 0) | office[None, :]
        rows, cols = np.nonzero(alive)
        sid = live[rows].astype(np.int64)
        h = hours[cols]
        amount = self._amount(sid, h)
        od = np.rint(amount * s.rate_units[sid]).astype(np.int64)
        self._anomaly_extra(sid, h, od)
        ri_of = self._apply_reservations(sid, h)
        sp_of, sp_eff = self._apply_savings_plans(sid, h, amount, od, ri_of)
        batch = self._usage_lines(sid, h, amount, od, ri_of, sp_of, sp_eff)
        fees = self._sp_fee_lines(h0, sid, h, sp_of, sp_eff)
        full = LineBatch.concat([batch, fees])
        if not self.hourly:
            full = self._aggregate_day(full, h0)
        return full

    def _amount(self, sid: I64, h: I64) -> F64:
        s = self.s
        model = s.model[sid]
        amount = np.ones(sid.shape[0], np.float64)
        him = self.tl.hours_in_month_of(h).astype(np.float64)
        gb = model == Model.GB_MONTH
        amount[gb] = s.base[sid[gb]] / him[gb]
        var = model == Model.VARIABLE
        if var.any():
            vs, vh = sid[var], h[var]
            hod = (vh % DAY_H).astype(np.float64)
            cycle = 1.0 + s.diurnal[vs] * np.cos(2.0 * np.pi * (hod - 14.0) / 24.0)
            weekend = np.where(self.tl.weekday_of(vh) >= 5, s.weekend[vs], 1.0)
            trend = 1.0 + s.growth[vs] * (vh / YEAR_H)
            sigma = s.noise[vs]
            noise = np.exp(sigma * normal(self.seed, s.key[vs], vh) - 0.5 * sigma * sigma)
            amount[var] = s.base[vs] * cycle * weekend * trend * noise.astype(np.float64)
        sto = model == Model.STORAGE
        if sto.any():
            ss, sh = sid[sto], h[sto]
            amount[sto] = s.base[ss] * (1.0 + s.growth[ss] * (sh / YEAR_H)) / him[sto]
        amount *= self._anomaly_factor(sid, h)
        return np.asarray(np.round(np.maximum(amount, 0.0), 8), dtype=np.float64)

    def _anomaly_factor(self, sid: I64, h: I64) -> F64:
        factor = np.ones(sid.shape[0], np.float64)
        a = self.s.anomaly[sid]
        hit = a >= 0
        if not hit.any():
            return factor
        ai, ah = a[hit], h[hit]
        start, end, mult, ramp = (
            self.an_start[ai],
            self.an_end[ai],
            self.an_mult[ai],
            self.an_ramp[ai],
        )
        inside = (ah >= start) & (ah < end)
        progress = np.where(ramp > 0, np.clip((ah - start) / np.maximum(ramp, 1), 0.0, 1.0), 1.0)
        f = np.where(inside, 1.0 + (mult - 1.0) * progress, 1.0)
        factor[hit] = f
        return factor

    def _anomaly_extra(self, sid: I64, h: I64, od: I64) -> None:
        a = self.s.anomaly[sid]
        hit = a >= 0
        if not hit.any():
            return
        factor = self._anomaly_factor(sid[hit], h[hit])
        extra = od[hit] - np.rint(od[hit] / factor).astype(np.int64)
        np.add.at(self.acc.anomaly_extra, a[hit], extra)
        np.add.at(self.acc.anomaly_hours, a[hit], (factor > 1.0).astype(np.int64))

    def _apply_reservations(self, sid: I64, h: I64) -> npt.NDArray[np.int16]:
        ri_of = np.full(sid.shape[0], -1, np.int16)
        if not self.ri:
            return ri_of
        codes = self.s.type_code[sid]
        for index, ri in enumerate(self.ri):
            match = np.nonzero(
                (codes == self.ri_code[index]) & (h >= ri.start_hour) & (h < ri.end_hour)
            )[0]
            if match.size == 0:
                continue
            order = match[np.lexsort((sid[match], h[match]))]
            rank = _rank_within(h[order])
            chosen = order[rank < ri.count]
            ri_of[chosen] = index
            self._period_ri_used[ri.arn] += int(chosen.size)
        return ri_of

    def _apply_savings_plans(
        self, sid: I64, h: I64, amount: F64, od: I64, ri_of: npt.NDArray[np.int16]
    ) -> tuple[npt.NDArray[np.int16], I64]:
        sp_of = np.full(sid.shape[0], -1, np.int16)
        sp_eff = np.zeros(sid.shape[0], np.int64)
        if not self.sp:
            return sp_of, sp_eff
        cost = np.rint(od * self.sp_share).astype(np.int64)
        for index, sp in enumerate(self.sp):
            free = np.nonzero(
                self.s.sp_eligible[sid]
                & (ri_of < 0)
                & (sp_of < 0)
                & (h >= sp.start_hour)
                & (h < sp.end_hour)
            )[0]
            if free.size == 0:
                continue
            order = free[np.lexsort((sid[free], h[free]))]
            running = _cumsum_within(h[order], cost[order])
            chosen = order[running <= _units(sp.commitment)]
            sp_of[chosen] = index
            sp_eff[chosen] = cost[chosen]
        return sp_of, sp_eff

    def _usage_lines(
        self,
        sid: I64,
        h: I64,
        amount: F64,
        od: I64,
        ri_of: npt.NDArray[np.int16],
        sp_of: npt.NDArray[np.int16],
        sp_eff: I64,
    ) -> LineBatch:
        s = self.s
        n = sid.shape[0]
        ltype = np.zeros(n, np.int8)
        ri_cov = ri_of >= 0
        sp_cov = sp_of >= 0
        ltype[ri_cov] = LineType.DISCOUNTED_USAGE
        ltype[sp_cov] = LineType.SP_COVERED_USAGE
        ri_rates = np.array([*self.ri_rate_units, 0.0], np.float64)
        ri_eff = np.where(ri_cov, np.rint(amount * ri_rates[ri_of]).astype(np.int64), 0)
        unblended = np.where(ri_cov, 0, od)
        effective = np.where(ri_cov, ri_eff, np.where(sp_cov, sp_eff, od))
        rate = np.where(ri_cov, 0.0, s.rate_units[sid])
        extra = _new_batch(n)
        extra["ri"] = ri_of
        extra["ri_effective"] = ri_eff
        extra["sp"] = sp_of
        extra["sp_effective"] = sp_eff
        extra["sp_rate_units"] = np.where(sp_cov, s.rate_units[sid] * self.sp_share, 0.0)
        start = self.epoch + h * HOUR_S
        usage = LineBatch(
            stream=sid,
            line_type=ltype,
            start_s=start,
            end_s=start + HOUR_S,
            amount=amount,
            unblended=unblended,
            public_od=od,
            rate_units=rate,
            public_rate_units=s.rate_units[sid],
            effective=effective,
            **extra,  # type: ignore[arg-type]
        )
        if not sp_cov.any():
            return usage
        neg = usage.take(np.nonzero(sp_cov)[0].astype(np.int64))
        neg.line_type = np.full(len(neg), LineType.SP_NEGATION, np.int8)
        neg.unblended = -neg.unblended
        neg.public_od = np.zeros(len(neg), np.int64)
        neg.effective = np.zeros(len(neg), np.int64)
        neg.sp_effective = np.zeros(len(neg), np.int64)
        neg.rate_units = -neg.rate_units
        merged = LineBatch.concat([usage, neg])
        order = np.lexsort((merged.line_type, merged.start_s, merged.stream))
        return merged.take(order.astype(np.int64))

    def _sp_fee_lines(
        self, h0: int, sid: I64, h: I64, sp_of: npt.NDArray[np.int16], sp_eff: I64
    ) -> LineBatch:
        rows: list[tuple[int, int, int, int, int]] = []
        for index, sp in enumerate(self.sp):
            commitment = _units(sp.commitment)
            hit = sp_of == index
            used = np.bincount((h[hit] - h0).astype(np.int64), weights=None, minlength=DAY_H)
            used_units = np.zeros(DAY_H, np.int64)
            np.add.at(used_units, (h[hit] - h0).astype(np.int64), sp_eff[hit])
            del used
            for k in range(DAY_H):
                hour = h0 + k
                if sp.start_hour <= hour < sp.end_hour:
                    rows.append(
                        (self.s.sp_fee[sp.arn], index, hour, commitment, int(used_units[k]))
                    )
        n = len(rows)
        arr = np.array(rows, np.int64).reshape(n, 5)
        extra = _new_batch(n)
        extra["sp"] = arr[:, 1].astype(np.int16)
        extra["sp_commitment"] = arr[:, 3]
        extra["sp_used"] = arr[:, 4]
        start = self.epoch + arr[:, 2] * HOUR_S
        for sp_index, _, _, commit, used_u in ((r[1], 0, 0, r[3], r[4]) for r in rows):
            arn = self.sp[sp_index].arn
            self.acc.sp_used[arn] = self.acc.sp_used.get(arn, 0) + used_u
            self.acc.sp_commitment[arn] = self.acc.sp_commitment.get(arn, 0) + commit
            used_day = self.acc.sp_used_by_day.setdefault(arn, {})
            commit_day = self.acc.sp_commitment_by_day.setdefault(arn, {})
            day = h0 // DAY_H
            used_day[day] = used_day.get(day, 0) + used_u
            commit_day[day] = commit_day.get(day, 0) + commit
        return LineBatch(
            stream=arr[:, 0].copy(),
            line_type=np.full(n, LineType.SP_RECURRING_FEE, np.int8),
            start_s=start,
            end_s=start + HOUR_S,
            amount=np.ones(n, np.float64),
            unblended=arr[:, 3].copy(),
            public_od=np.zeros(n, np.int64),
            rate_units=arr[:, 3].astype(np.float64),
            public_rate_units=np.zeros(n, np.float64),
            effective=arr[:, 3] - arr[:, 4],
            **extra,  # type: ignore[arg-type]
        )

    def _aggregate_day(self, batch: LineBatch, h0: int) -> LineBatch:
        """Daily granularity: one line per (stream, type, reservation, savings plan) per day."""
        if len(batch) == 0:
            return batch
        key = (
            (batch.stream.astype(np.int64) << 24)
            | (batch.line_type.astype(np.int64) << 16)
            | ((batch.ri.astype(np.int64) + 1) << 8)
            | (batch.sp.astype(np.int64) + 1)
        )
        order = np.argsort(key, kind="stable")
        k = key[order]
        first = np.concatenate(([0], np.nonzero(np.diff(k))[0] + 1)).astype(np.int64)
        head = batch.take(order[first].astype(np.int64))

        def total(values: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
            return np.add.reduceat(values[order], first)

        for name in (
            "amount",
            "unblended",
            "public_od",
            "ri_effective",
            "sp_effective",
            "sp_commitment",
            "sp_used",
            "effective",
        ):
            setattr(head, name, total(getattr(batch, name)))
        head.amount = np.round(head.amount, 8)
        start = self.epoch + h0 * HOUR_S
        head.start_s = np.full(len(head), start, np.int64)
        head.end_s = np.full(len(head), start + DAY_H * HOUR_S, np.int64)
        fee = head.line_type == LineType.SP_RECURRING_FEE
        head.rate_units = np.where(
            fee, head.sp_commitment / np.maximum(head.amount, 1), head.rate_units
        )
        return head

    # ---- monthly charges -------------------------------------------------------------------

    def _period_charges(self, period: Period) -> LineBatch:
        tl = self.tl
        start_h = period.first_day * DAY_H
        end_h = period.last_day * DAY_H
        start_s = self.epoch + start_h * HOUR_S
        end_s = self.epoch + end_h * HOUR_S
        rows: list[dict[str, float | int]] = []
        for index, ri in enumerate(self.ri):
            lo, hi = max(start_h, ri.start_hour), min(end_h, ri.end_hour)
            if hi <= lo:
                continue
            hours = (hi - lo) * ri.count
            used = self._period_ri_used[ri.arn]
            unused = hours - used
            rate = self.ri_rate_units[index]
            fee = int(np.rint(hours * rate))
            unused_fee = int(np.rint(unused * rate))
            self.acc.ri_used_hours[ri.arn] = self.acc.ri_used_hours.get(ri.arn, 0) + used
            self.acc.ri_hours[ri.arn] = self.acc.ri_hours.get(ri.arn, 0) + hours
            rows.append(
                {
                    "stream": self.s.ri_fee[ri.arn],
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
        usage_total = int(self._period_stream_unblended[: self.n_usage].sum()) + sum(
            int(r["unblended"]) for r in rows
        )
        support = max(_units(catalog.SUPPORT_MINIMUM), _cents(usage_total // 10))
        rows.append(
            {
                "stream": self.s.support,
                "type": LineType.FEE,
                "amount": support / COST_SCALE,
                "unblended": support,
                "rate": 1.0 * COST_SCALE,
                "effective": support,
            }
        )
        if period.start.month == 3:
            fee = _units(Decimal("13"))
            rows.append(
                {
                    "stream": self.s.domain_fee,
                    "type": LineType.FEE,
                    "amount": 1,
                    "unblended": fee,
                    "rate": fee,
                    "effective": fee,
                }
            )
        periods = tl.periods()
        position = next(i for i, p in enumerate(periods) if p.label == period.label)
        if 1 <= position <= 6:
            credit = -_units(Decimal("250"))
            rows.append(
                {
                    "stream": self.s.credit,
                    "type": LineType.CREDIT,
                    "amount": 0,
                    "unblended": credit,
                    "rate": 0.0,
                    "effective": credit,
                }
            )
        for row in rows:
            self._period_stream_unblended[int(row["stream"])] += int(row["unblended"])
        # tax on every (account, product) with a positive month so far
        pair_totals = self._pair_totals(self._period_stream_unblended)
        for pair, stream in self.s.tax.items():
            base = pair_totals.get(pair, 0)
            if base <= 0:
                continue
            tax = _cents(int(np.rint(base * float(catalog.SALES_TAX_RATE))))
            if tax:
                rows.append(
                    {
                        "stream": stream,
                        "type": LineType.TAX,
                        "amount": 0,
                        "unblended": tax,
                        "rate": 0.0,
                        "effective": tax,
                    }
                )
        return self._rows_to_batch(rows, start_s, end_s)

    def _pair_totals(self, per_stream: I64) -> dict[tuple[str, str], int]:
        s = self.s
        taxed = np.zeros(len(s), np.bool_)
        taxed[list(s.tax.values())] = True
        acc = s.account_code.astype(np.int64)
        prod = s.product_code_index.astype(np.int64)
        key = acc * len(s.product_codes) + prod
        sums = np.zeros(len(s.account_ids) * len(s.product_codes), np.int64)
        np.add.at(sums, key[~taxed], per_stream[~taxed])
        out: dict[tuple[str, str], int] = {}
        for account_id, product in s.tax:
            k = s.account_ids.index(account_id) * len(s.product_codes) + s.product_codes.index(
                product
            )
            out[(account_id, product)] = int(sums[k])
        return out

    def _restatement(self, period: Period) -> LineBatch:
        """Lines added when AWS re-issues a closed month: a refund and a late credit."""
        start_s = self.epoch + period.first_day * DAY_H * HOUR_S
        end_s = self.epoch + period.last_day * DAY_H * HOUR_S
        refund = -_units(Decimal("180.00"))
        credit = -_units(Decimal("75.50"))
        rows: list[dict[str, float | int]] = [
            {
                "stream": self.s.refund,
                "type": LineType.REFUND,
                "amount": 0,
                "unblended": refund,
                "rate": 0.0,
                "effective": refund,
            },
            {
                "stream": self.s.credit,
                "type": LineType.CREDIT,
                "amount": 0,
                "unblended": credit,
                "rate": 0.0,
                "effective": credit,
            },
        ]
        self.acc.restatement = {
            "billing_period": period.label,
            "added_lines": [
                {
                    "line_item_type": "Refund",
                    "account_id": self.s.specs[self.s.refund].account_id,
                    "product_code": "AWSLambda",
                    "unblended_cost": str(Decimal(refund) / COST_SCALE),
                },
                {
                    "line_item_type": "Credit",
                    "account_id": self.s.specs[self.s.credit].account_id,
                    "product_code": "AmazonEC2",
                    "unblended_cost": str(Decimal(credit) / COST_SCALE),
                },
            ],
        }
        return self._rows_to_batch(rows, start_s, end_s)

    def _rows_to_batch(
        self, rows: list[dict[str, float | int]], start_s: int, end_s: int
    ) -> LineBatch:
        n = len(rows)
        extra = _new_batch(n)
        for i, row in enumerate(rows):
            for name in ("ri", "ri_unused_quantity", "ri_unused_fee", "ri_count"):
                if name in row:
                    extra[name][i] = row[name]

        def col(name: str, dtype: type[np.generic]) -> npt.NDArray[np.generic]:
            return np.array([row[name] for row in rows], dtype)

        return LineBatch(
            stream=col("stream", np.int64).astype(np.int64),  # type: ignore[arg-type]
            line_type=col("type", np.int8).astype(np.int8),  # type: ignore[arg-type]
            start_s=np.full(n, start_s, np.int64),
            end_s=np.full(n, end_s, np.int64),
            amount=col("amount", np.float64).astype(np.float64),  # type: ignore[arg-type]
            unblended=col("unblended", np.int64).astype(np.int64),  # type: ignore[arg-type]
            public_od=np.zeros(n, np.int64),
            rate_units=col("rate", np.float64).astype(np.float64),  # type: ignore[arg-type]
            public_rate_units=np.zeros(n, np.float64),
            effective=col("effective", np.int64).astype(np.int64),  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )

    # ---- bookkeeping -------------------------------------------------------------------------

    def _account(self, batch: LineBatch, totals: PeriodTotals) -> None:
        if len(batch) == 0:
            return
        total = int(batch.unblended.sum())
        totals.unblended += total
        totals.net_unblended += total
        totals.line_items += len(batch)
        np.add.at(self._period_stream_unblended, batch.stream, batch.unblended)
        day = (batch.start_s - self.epoch) // (DAY_H * HOUR_S)
        acc = self.s.account_code[batch.stream]
        np.add.at(self.acc.account_day, (day, acc), batch.unblended)
        recent = day >= self.first_recent_day
        if recent.any():
            stream = batch.stream[recent]
            np.add.at(self.acc.recent_effective, stream, batch.effective[recent])
            np.add.at(self.acc.recent_public_od, stream, batch.public_od[recent])
            np.minimum.at(self.acc.recent_first_day, stream, day[recent])


def _rank_within(groups: I64) -> I64:
    """0, 1, 2 … within runs of equal values of a sorted array."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.concatenate(([True], groups[1:] != groups[:-1]))
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return np.asarray(np.arange(n) - start_pos, dtype=np.int64)


def _cumsum_within(groups: I64, values: I64) -> I64:
    """Running sum of ``values`` restarting at each new value of the sorted ``groups``."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    cs = np.cumsum(values)
    starts = np.concatenate(([True], groups[1:] != groups[:-1]))
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    base = cs[start_pos] - values[start_pos]
    return np.asarray(cs - base, dtype=np.int64)
