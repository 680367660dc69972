"""Usage incidents on hand-built series (a request rate collapsing, a pin after a blip) and the
join of an incident to the cost anomaly it explains."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from finops.analytics.anomalies.usage import CostAnomalyRef, explained_anomaly, find_usage_windows

STEP = timedelta(minutes=15)
PER_HOUR = 4


def _daily(days: int, level: float, seed: int) -> np.ndarray:
    hours = np.arange(days * 24 * PER_HOUR) / PER_HOUR
    noise = np.random.default_rng(seed).standard_normal(hours.size)
    cycle = 1 + 0.35 * np.cos(2 * np.pi * (hours % 24 - 14) / 24)
    return np.asarray(level * cycle * np.exp(0.08 * noise))


def test_a_blip_and_a_later_pin_are_two_incidents_with_their_extent() -> None:
    cpu = _daily(8, 40.0, seed=1)
    cpu[61 * PER_HOUR : 65 * PER_HOUR] = 100.0  # 4 hours from 13:00 on day 2
    cpu[129 * PER_HOUR : 159 * PER_HOUR] = 100.0  # 30 hours from 09:00 on day 5
    found = find_usage_windows(cpu, step=STEP, percent=True)
    assert [(w.start, w.end + 1, w.direction, w.pattern) for w in found] == [
        (61 * PER_HOUR, 65 * PER_HOUR, "up", "pinned"),
        (129 * PER_HOUR, 159 * PER_HOUR, "up", "pinned"),
    ]
    assert [w.peak_value for w in found] == [100.0, 100.0]
    assert all(30 < w.expected_value < 60 for w in found)


def test_a_request_rate_collapsing_is_a_collapse() -> None:
    requests = np.rint(_daily(8, 900.0, seed=2))
    requests[150 * PER_HOUR : 156 * PER_HOUR] = 3.0  # 6 hours of almost nothing
    (window,) = find_usage_windows(requests, step=STEP)
    assert (window.start, window.end + 1) == (150 * PER_HOUR, 156 * PER_HOUR)
    assert (window.direction, window.pattern, window.peak_value) == ("down", "collapse", 3.0)


def _anomaly(fp: str, scope: dict[str, str], first: date, last: date, impact: float,
             related: list[dict[str, object]] | None = None) -> CostAnomalyRef:  # fmt: skip
    return CostAnomalyRef(fp, "x", scope, first, last, impact, related or [])


def test_the_join_prefers_the_resource_then_account_and_service() -> None:
    day = date(2026, 9, 28)
    related = [
        {"scope_kind": "resource", "scope": {"resource": "i-1"}, "first_day": "2026-09-28",
         "last_day": "2026-09-29"},
    ]  # fmt: skip
    by_usage_type = _anomaly("usage-type", {"usage_type": "DataTransfer-Out"}, day, day, 80.0,
                             related)  # fmt: skip
    by_account = _anomaly("account-ec2", {"account": "111", "service": "EC2"}, day, day, 500.0)
    other_service = _anomaly("account-s3", {"account": "111", "service": "S3"}, day, day, 900.0)
    later = _anomaly("later", {"resource": "i-1"}, day + timedelta(days=3), day + timedelta(3), 9.0)

    def join(anomalies: list[CostAnomalyRef], ids: set[str]) -> str | None:
        return explained_anomaly(
            first_day=day, last_day=day + timedelta(days=1), resource_ids=ids,
            account_id="111", services={"EC2"}, anomalies=anomalies,
        )  # fmt: skip

    everything = [by_usage_type, by_account, other_service, later]
    assert join(everything, {"i-1", "arn:aws:ec2:us-east-1:111:instance/i-1"}) == "usage-type"
    assert join(everything, {"i-2"}) == "account-ec2"
    assert join([other_service, later], {"i-2"}) is None
