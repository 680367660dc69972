"""Utilization: 5-minute CloudWatch series per resource, written the way CloudWatch Metric Streams
deliver to S3 through Firehose — JSON lines (``metric_stream_name``, ``account_id``, ``region``,
``namespace``, ``metric_name``, ``dimensions``, ``timestamp`` in ms, ``value`` {min, max, sum,
count}, ``unit``), one gzip object per hour under ``YYYY/MM/DD/HH/``.

The values follow each resource's workload profile (daily and weekly cycles, growth, noise,
bursts); idle resources stay inside their idle band and oversized ones under their peak cap. An
instance reports metrics exactly in the hours it is billed for (running, including office-hours
schedules), so billing and utilization agree.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from finops.generator.estate.model import Estate, Profile, Resource
from finops.generator.timeline import DAY_H, HOUR_S, normal, uniform

STREAM_NAME = "finops-demo-metrics"
PERIODS_PER_HOUR = 12
PERIOD_S = 300
YEAR_H = 8760.0


@dataclass(frozen=True, slots=True)
class Series:
    resource: Resource
    namespace: str
    metric: str
    unit: str
    dimensions: dict[str, str]
    kind: str  # cpu | mem | net | ops | conn | requests
    scale: float  # multiplier from the profile's level to the metric's unit


def metric_series(estate: Estate) -> list[Series]:
    """Every (resource, metric) series the estate reports."""
    series: list[Series] = []
    by_id = estate.by_id()
    for r in estate.resources:
        if r.kind == "ec2_instance":
            dims = {"InstanceId": r.resource_id}
            series.append(Series(r, "AWS/EC2", "CPUUtilization", "Percent", dims, "cpu", 1.0))
            series.append(Series(r, "AWS/EC2", "NetworkIn", "Bytes", dims, "net", 4.0e6))
            series.append(Series(r, "AWS/EC2", "NetworkOut", "Bytes", dims, "net", 2.5e6))
            if r.attrs.get("agent"):
                agent_dims = {**dims, "InstanceType": r.attrs["instance_type"]}
                series.append(
                    Series(r, "CWAgent", "mem_used_percent", "Percent", agent_dims, "mem", 1.0)
                )
        elif r.kind == "ebs_volume" and r.attrs.get("attached_to") in by_id:
            dims = {"VolumeId": r.resource_id}
            series.append(Series(r, "AWS/EBS", "VolumeReadOps", "Count", dims, "ops", 900.0))
            series.append(Series(r, "AWS/EBS", "VolumeWriteOps", "Count", dims, "ops", 1500.0))
        elif r.kind == "rds_instance":
            dims = {"DBInstanceIdentifier": r.attrs["name"]}
            series.append(Series(r, "AWS/RDS", "CPUUtilization", "Percent", dims, "cpu", 1.0))
            series.append(
                Series(
                    r,
                    "AWS/RDS",
                    "DatabaseConnections",
                    "Count",
                    dims,
                    "conn",
                    float(r.attrs["connections"]),
                )
            )
        elif r.kind == "load_balancer":
            name = r.resource_id.split("loadbalancer/", 1)[1]
            dims = {"LoadBalancer": name}
            series.append(
                Series(
                    r,
                    "AWS/ApplicationELB",
                    "RequestCount",
                    "Count",
                    dims,
                    "requests",
                    float(r.attrs["requests_5min"]),
                )
            )
    return series


class MetricArrays:
    """Series parameters packed as arrays for vectorized evaluation."""

    def __init__(self, estate: Estate, series: list[Series]) -> None:
        by_id = estate.by_id()

        def owner(s: Series) -> Resource:
            attached = s.resource.attrs.get("attached_to")
            return by_id[attached] if s.kind == "ops" and attached else s.resource

        profiles: list[Profile] = [owner(s).profile or Profile(level=1.0) for s in series]
        self.level = np.array([p.level for p in profiles])
        self.diurnal = np.array([p.diurnal for p in profiles])
        self.weekend = np.array([p.weekend for p in profiles])
        self.noise = np.array([p.noise for p in profiles])
        self.growth = np.array([p.growth for p in profiles])
        self.burst = np.array([p.burst for p in profiles])
        self.cap = np.array([p.peak_cap for p in profiles])
        self.band_lo = np.array([p.idle_band[0] if p.idle_band else -1.0 for p in profiles])
        self.band_hi = np.array([p.idle_band[1] if p.idle_band else -1.0 for p in profiles])
        self.scale = np.array([s.scale for s in series])
        self.kind = np.array([s.kind for s in series])
        self.key = np.array(
            [
                int.from_bytes(
                    hashlib.blake2b(
                        f"{s.resource.resource_id}|{s.metric}".encode(), digest_size=8
                    ).digest(),
                    "little",
                )
                for s in series
            ],
            np.uint64,
        )
        owners = [owner(s) for s in series]
        self.launch = np.array([o.launch_hour for o in owners], np.int64)
        self.terminate = np.array(
            [o.terminate_hour if o.terminate_hour is not None else 2**40 for o in owners], np.int64
        )
        self.office = np.array(
            [o.kind == "ec2_instance" and o.attrs.get("schedule") == "office_hours" for o in owners]
        )
        cpu = {s.resource.resource_id: i for i, s in enumerate(series) if s.kind == "cpu"}
        self.pins = [
            (cpu[p.resource_id], p.start_hour, p.end_hour, p.value)
            for p in estate.usage_pins
            if p.resource_id in cpu
        ]
        """(series index, first hour, end hour, percent) of every planted CPU pin."""
        self.mem_level = np.array(
            [
                p.memory if p.memory is not None else 30.0 + (int(k) % 40)
                for p, k in zip(profiles, self.key, strict=True)
            ],
            np.float64,
        )


def evaluate_hour(
    a: MetricArrays, seed: int, hour: int, weekday: int
) -> tuple[npt.NDArray[np.float64], ...]:
    """avg, min, max per (series, 5-minute period) of one hour; NaN where there is no datapoint."""
    n = a.level.shape[0]
    steps = np.arange(PERIODS_PER_HOUR)
    t = hour * PERIODS_PER_HOUR + steps  # global 5-minute index
    hod = hour % DAY_H + steps / PERIODS_PER_HOUR
    cycle = 1.0 + a.diurnal[:, None] * np.cos(2.0 * np.pi * (hod[None, :] - 14.0) / 24.0)
    week = np.where(weekday >= 5, a.weekend, 1.0)[:, None]
    trend = (1.0 + a.growth * hour / YEAR_H)[:, None]
    keys = np.repeat(a.key[:, None], PERIODS_PER_HOUR, axis=1)
    counters = np.repeat(t[None, :], n, axis=0)
    z = normal(seed, keys, counters)
    shape = cycle * week * trend * np.exp(a.noise[:, None] * z)
    bursts = uniform(seed + 7, keys, counters) < a.burst[:, None]
    shape = np.where(bursts, shape * 1.8, shape)
    spread = uniform(seed + 11, keys, counters)
    is_pct = (a.kind == "cpu")[:, None]
    avg = np.where(is_pct, a.level[:, None] * shape, a.scale[:, None] * a.level[:, None] * shape)
    mem = (a.kind == "mem")[:, None]
    avg = np.where(mem, a.mem_level[:, None] * (1.0 + 0.05 * z), avg)
    avg = np.where(is_pct, np.minimum(avg, a.cap[:, None] * 0.8), avg)
    peak = avg * (1.15 + 0.6 * spread)
    low = avg * (0.45 + 0.4 * spread)
    peak = np.where(is_pct | mem, np.minimum(peak, np.where(is_pct, a.cap[:, None], 100.0)), peak)
    banded = (a.band_lo >= 0)[:, None] & is_pct
    lo, hi = a.band_lo[:, None], a.band_hi[:, None]
    avg = np.where(banded, np.clip(avg, lo, hi), avg)
    peak = np.where(banded, np.clip(peak, avg, hi), peak)
    low = np.where(banded, np.clip(low, lo, avg), low)
    for index, first, end, value in a.pins:
        if first <= hour < end:
            avg[index], low[index], peak[index] = value, value, value
    alive = (a.launch <= hour) & (hour < a.terminate)
    office = (weekday < 5) & (7 <= hour % DAY_H < 19)
    alive &= ~a.office | office
    dead = ~alive[:, None] | np.zeros((1, PERIODS_PER_HOUR), bool)
    integer = np.isin(a.kind, ["ops", "conn", "requests", "net"])[:, None]
    avg = np.where(integer, np.rint(avg), np.round(avg, 4))
    peak = np.where(integer, np.rint(peak), np.round(peak, 4))
    low = np.where(integer, np.rint(low), np.round(low, 4))
    nan = np.full_like(avg, np.nan)
    return np.where(dead, nan, avg), np.where(dead, nan, low), np.where(dead, nan, peak)


class UtilizationWriter:
    def __init__(self, *, root: Path, estate: Estate, days: int) -> None:
        self.root = root
        self.estate = estate
        self.series = metric_series(estate)
        self.arrays = MetricArrays(estate, self.series)
        tl = estate.timeline
        self.first_hour = max(0, tl.hours - days * DAY_H)
        self.last_hour = tl.hours
        self.files: list[Path] = []
        self.prefix = pa.array([self._prefix(s) for s in self.series], pa.string())
        self.suffix = pa.array([f',"unit":"{s.unit}"}}' for s in self.series], pa.string())

    def _prefix(self, s: Series) -> str:
        head = {
            "metric_stream_name": STREAM_NAME,
            "account_id": s.resource.account_id,
            "region": s.resource.region,
            "namespace": s.namespace,
            "metric_name": s.metric,
            "dimensions": s.dimensions,
        }
        return json.dumps(head, separators=(",", ":"))[:-1] + ',"timestamp":'

    def hours(self) -> Iterator[int]:
        return iter(range(self.first_hour, self.last_hour))

    def write_all(self) -> list[Path]:
        tl = self.estate.timeline
        for hour in self.hours():
            weekday = int(tl.weekday_of(np.array([hour]))[0])
            avg, low, peak = evaluate_hour(self.arrays, self.estate.seed, hour, weekday)
            lines = self._lines(hour, avg, low, peak)
            if lines is None:
                continue
            self._write_hour(hour, lines)
        return self.files

    def _lines(
        self,
        hour: int,
        avg: npt.NDArray[np.float64],
        low: npt.NDArray[np.float64],
        peak: npt.NDArray[np.float64],
    ) -> bytes | None:
        # order: by period then series, as a stream would deliver them
        valid = ~np.isnan(avg.T)
        if not valid.any():
            return None
        period, series_i = np.nonzero(valid)
        base_ms = (self.estate.timeline.epoch_s + hour * HOUR_S) * 1000
        ts = base_ms + period * PERIOD_S * 1000
        a, lo, hi = avg.T[valid], low.T[valid], peak.T[valid]
        count = 5.0
        total = np.round(a * count, 4)
        idx = pa.array(series_i.astype(np.int64))
        parts = [
            self.prefix.take(idx),
            pa.array(ts.astype(np.int64)).cast(pa.string()),
            pa.array(np.full(ts.shape[0], ',"value":{"max":'), pa.string()),
            _num(hi),
            _const(',"min":', ts.shape[0]),
            _num(lo),
            _const(',"sum":', ts.shape[0]),
            _num(total),
            _const(',"count":5.0}', ts.shape[0]),
            self.suffix.take(idx),
        ]
        parts.append(_const("\n", ts.shape[0]))
        joined = pc.binary_join_element_wise(*parts, "")
        if isinstance(joined, pa.ChunkedArray):
            joined = joined.combine_chunks()
        offsets = np.frombuffer(
            joined.buffers()[1], dtype=np.int32, count=len(joined) + 1, offset=joined.offset * 4
        )
        data = joined.buffers()[2]
        assert data is not None
        payload: bytes = data.to_pybytes()
        return payload[int(offsets[0]) : int(offsets[-1])]

    def _write_hour(self, hour: int, payload: bytes) -> None:
        moment = datetime.fromtimestamp(self.estate.timeline.epoch_s + hour * HOUR_S, UTC)
        folder = self.root / f"{moment:%Y/%m/%d/%H}"
        folder.mkdir(parents=True, exist_ok=True)
        token = hashlib.sha256(f"{self.estate.seed}|{hour}".encode()).hexdigest()
        uid = f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:32]}"
        path = folder / f"{STREAM_NAME}-1-{moment:%Y-%m-%d-%H-%M-%S}-{uid}.gz"
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1) as gz,
        ):
            gz.write(payload)
        self.files.append(path)


def _num(values: npt.NDArray[np.float64]) -> pa.Array:
    return pa.array(values.astype(np.float64)).cast(pa.string())


def _const(text: str, n: int) -> pa.Array:
    return pa.array(np.full(n, text), pa.string())


def write_utilization(*, root: Path, estate: Estate, days: int) -> list[Path]:
    return UtilizationWriter(root=root, estate=estate, days=days).write_all()
