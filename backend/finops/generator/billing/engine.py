"""Billing engine: turns streams into CUR line items, one day at a time, in integer money.

Every cost is an integer number of 1e-8 dollars (``COST_SCALE``); the writers turn them into
exact decimals. Reserved Instances and Savings Plans are applied hour by hour the way AWS does
(RIs first, by instance type and region across the organisation; then Savings Plans in purchase
order, greedily, up to each plan's hourly commitment). A daily export aggregates the hourly lines
of a day per (stream, line item type, commitment).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from finops.generator import catalog
from finops.generator.billing.batch import (
    F64,
    I64,
    RECENT_DAYS,
    Accumulators,
    LineBatch,
    PeriodTotals,
    aggregate_day,
    cumsum_within,
    new_batch_extras,
    rank_within,
    to_units,
)
from finops.generator.estate.model import Estate
from finops.generator.streams.model import COST_SCALE, LineType, Model, Streams
from finops.generator.timeline import DAY_H, HOUR_S, normal

YEAR_H = 8760.0


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
        self.sp_scope = [
            None
            if not sp.scope
            else np.array([spec.resource_id in sp.scope for spec in streams.specs], np.bool_)
            for sp in self.sp
        ]
        usage = streams.usage_streams
        self.n_usage = int(usage.shape[0])
        self.period_stream_unblended = np.zeros(len(streams), np.int64)
        self.period_ri_used: dict[str, int] = {}
        self.seed = estate.seed

    # ---- one day of hourly lines ---------------------------------------------------------------

    def day_batch(self, day: int) -> LineBatch:
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
            full = aggregate_day(full, self.epoch + h0 * HOUR_S)
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
            rank = rank_within(h[order])
            chosen = order[rank < ri.count]
            ri_of[chosen] = index
            self.period_ri_used[ri.arn] += int(chosen.size)
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
            eligible = self.s.sp_eligible[sid]
            scope = self.sp_scope[index]
            if scope is not None:
                eligible = eligible & scope[sid]
            free = np.nonzero(
                eligible & (ri_of < 0) & (sp_of < 0) & (h >= sp.start_hour) & (h < sp.end_hour)
            )[0]
            if free.size == 0:
                continue
            order = free[np.lexsort((sid[free], h[free]))]
            running = cumsum_within(h[order], cost[order])
            chosen = order[running <= to_units(sp.commitment)]
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
        extra = new_batch_extras(n)
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
            commitment = to_units(sp.commitment)
            hit = sp_of == index
            used = np.bincount((h[hit] - h0).astype(np.int64), weights=None, minlength=DAY_H)
            used_units = np.zeros(DAY_H, np.int64)
            np.add.at(used_units, (h[hit] - h0).astype(np.int64), sp_eff[hit])
            del used
            for k in range(DAY_H):
                hour = h0 + k
                if sp.start_hour <= hour < sp.end_hour:
                    rows.append(
                        (self.s.charges.sp_fee[sp.arn], index, hour, commitment, int(used_units[k]))
                    )
        n = len(rows)
        arr = np.array(rows, np.int64).reshape(n, 5)
        extra = new_batch_extras(n)
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

    # ---- bookkeeping -------------------------------------------------------------------------

    def book(self, batch: LineBatch, totals: PeriodTotals) -> None:
        if len(batch) == 0:
            return
        total = int(batch.unblended.sum())
        totals.unblended += total
        totals.net_unblended += total
        totals.line_items += len(batch)
        np.add.at(self.period_stream_unblended, batch.stream, batch.unblended)
        day = (batch.start_s - self.epoch) // (DAY_H * HOUR_S)
        acc = self.s.account_code[batch.stream]
        np.add.at(self.acc.account_day, (day, acc), batch.unblended)
        recent = day >= self.first_recent_day
        if recent.any():
            stream = batch.stream[recent]
            np.add.at(self.acc.recent_effective, stream, batch.effective[recent])
            np.add.at(self.acc.recent_public_od, stream, batch.public_od[recent])
            np.minimum.at(self.acc.recent_first_day, stream, day[recent])
