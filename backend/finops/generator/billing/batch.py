"""Line items as columns (``LineBatch``), the integer money they carry, and the running totals
the engine keeps while it bills.

Every cost is an integer number of 1e-8 dollars (``COST_SCALE``); the writers turn them into
exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from finops.generator.streams.model import COST_SCALE, LineType
from finops.generator.timeline import DAY_H, HOUR_S

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
RECENT_DAYS = 30
"""The last days of the range whose per-stream costs the ground truth's savings are measured on."""


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


def new_batch_extras(n: int) -> dict[str, npt.NDArray[np.generic]]:
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


def to_units(value: Decimal) -> int:
    return int((value * COST_SCALE).to_integral_value())


def round_to_cents(units: int) -> int:
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


def rank_within(groups: I64) -> I64:
    """0, 1, 2 … within runs of equal values of a sorted array."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.concatenate(([True], groups[1:] != groups[:-1]))
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return np.asarray(np.arange(n) - start_pos, dtype=np.int64)


def cumsum_within(groups: I64, values: I64) -> I64:
    """Running sum of ``values`` restarting at each new value of the sorted ``groups``."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    cs = np.cumsum(values)
    starts = np.concatenate(([True], groups[1:] != groups[:-1]))
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    base = cs[start_pos] - values[start_pos]
    return np.asarray(cs - base, dtype=np.int64)


def aggregate_day(batch: LineBatch, start: int) -> LineBatch:
    """Daily granularity: one line per (stream, type, reservation, savings plan) for the day
    starting at ``start`` (Unix seconds)."""
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
    head.start_s = np.full(len(head), start, np.int64)
    head.end_s = np.full(len(head), start + DAY_H * HOUR_S, np.int64)
    fee = head.line_type == LineType.SP_RECURRING_FEE
    head.rate_units = np.where(
        fee, head.sp_commitment / np.maximum(head.amount, 1), head.rate_units
    )
    return head


def rows_to_batch(rows: list[dict[str, float | int]], start_s: int, end_s: int) -> LineBatch:
    n = len(rows)
    extra = new_batch_extras(n)
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
