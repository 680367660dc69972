"""Cost anomalies at several scopes (resource, account and service), and the legitimate
capacity step the detectors must tell apart from them; ``plant_extra_anomalies`` adds more for
evaluation estates."""

from __future__ import annotations

from typing import Any

import numpy as np

from finops.generator import catalog
from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.factory import HOURS_MONTH
from finops.generator.estate.model import Anomaly, Profile, Resource, UsagePin
from finops.generator.timeline import DAY_H


def plant(b: EstateBuilder, anomaly: Anomaly, r: Resource | None, **situation: Any) -> None:
    """Plant ``anomaly`` and its situation (on ``r``, or as ``situation`` says) from the
    anomaly's kind, start and end."""
    b.anomalies.append(anomaly)
    end = None if anomaly.end_hour is None else b.date_of(anomaly.end_hour)
    s = b.situation(anomaly.kind, r, anomaly.start_hour, None, end=end, **situation)
    s.anomaly_id = anomaly.anomaly_id


def plant_resource_spike(b: EstateBuilder) -> None:
    """A spike on one Lambda function: requests and duration eight times usual for 30 hours."""
    fn = next(
        r
        for r in b.resources
        if r.kind == "lambda_function" and r.account_id == b.acct(0).account_id
    )
    spike_start = b.day_hour(0.7) + 9
    spike = Anomaly(
        1,
        "cost_spike",
        (fn.resource_id,),
        ("requests", "duration"),
        spike_start,
        spike_start + 30,
        8.0,
    )
    plant(b, spike, fn, scope="resource", multiplier=8.0, usage="requests and duration")


def plant_account_spike(b: EstateBuilder) -> None:
    """A spike in one account's NAT gateway traffic: six times usual for 20 hours."""
    a = b.acct(1)
    egress = [r for r in b.resources if r.account_id == a.account_id and r.kind == "nat_gateway"]
    spike2 = b.day_hour(0.45) + 2
    spike = Anomaly(
        2, "cost_spike", tuple(r.resource_id for r in egress), ("bytes",), spike2, spike2 + 20, 6.0
    )
    plant(
        b,
        spike,
        None,
        account=a,
        service="AmazonEC2",
        scope="account_service",
        usage_type="NatGateway-Bytes",
        multiplier=6.0,
        resource_ids=[r.resource_id for r in egress],
    )


def plant_level_shift(b: EstateBuilder) -> None:
    """A lasting level shift (x1.7) in one account's Lambda usage from 60% of the range on."""
    a = b.acct(2)
    fns = [r for r in b.resources if r.account_id == a.account_id and r.kind == "lambda_function"]
    shift = b.day_hour(0.6)
    ids = tuple(r.resource_id for r in fns)
    level_shift = Anomaly(3, "level_shift", ids, ("requests", "duration"), shift, None, 1.7)
    plant(
        b,
        level_shift,
        None,
        account=a,
        service="AWSLambda",
        scope="account_service",
        multiplier=1.7,
        resource_ids=[r.resource_id for r in fns],
    )


def plant_cost_drift(b: EstateBuilder) -> None:
    """A drift on one bucket's storage and requests, reaching x2.5 over up to 90 days."""
    tl = b.timeline
    a = b.acct(4)
    bucket = next(r for r in b.resources if r.account_id == a.account_id and r.kind == "s3_bucket")
    drift = b.day_hour(0.5)
    ramp = max(DAY_H * 7, min(DAY_H * 90, tl.hours - drift))
    cost_drift = Anomaly(
        4, "cost_drift", (bucket.resource_id,), ("storage", "requests"), drift, None, 2.5, ramp
    )
    plant(b, cost_drift, bucket, scope="resource", multiplier=2.5, ramp_days=ramp // DAY_H)


def plant_capacity_step(b: EstateBuilder) -> None:
    """A step change of legitimate capacity (new service launched) — a level shift in EC2."""
    a = b.acct(0)
    launch = b.day_hour(0.8) + 14
    new = [
        b.instance(
            a,
            a.regions[0],
            "c6i.2xlarge",
            profile=Profile(level=45.0),
            launch=launch,
            terminate=None,
            tags=b.tags_for(a, "search"),
        )
        for _ in range(4)
    ]
    rate = catalog.ec2_rate("c6i.2xlarge", a.regions[0])
    b.situation(
        "level_shift",
        None,
        launch,
        rate * 4 * HOURS_MONTH,
        account=a,
        service="AmazonEC2",
        scope="account_service",
        cause="capacity_added",
        resource_ids=[r.resource_id for r in new],
    )


# resource kind -> (usage streams a spike multiplies, streams a shift or drift multiplies)
EXTRA_TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lambda_function": (("requests", "duration"), ("requests", "duration")),
    "s3_bucket": (("requests",), ("storage", "requests")),
    "nat_gateway": (("bytes",), ("bytes",)),
    "ec2_instance": (("egress",), ("egress",)),
}


def plant_extra_anomalies(b: EstateBuilder, count: int, rng: np.random.Generator) -> None:
    """``count`` more anomalies on resources that live through the whole range and carry no
    other planted situation, spread over the range after ten weeks of history."""
    taken: set[str] = set()
    for s in b.situations:
        if s.resource_id:
            taken.add(s.resource_id)
        taken.update(str(r) for r in s.details.get("resource_ids") or [])
    for a in b.anomalies:
        taken.update(a.resource_ids)
    pool = [
        r
        for r in b.resources
        if r.kind in EXTRA_TARGETS
        and r.resource_id not in taken
        and r.launch_hour <= 0
        and r.terminate_hour is None
        and (r.kind != "ec2_instance" or r.attrs.get("egress_gb_hour"))
    ]
    days = b.timeline.days
    first_day, last_day = 70, days - 45
    if not pool or last_day <= first_day:
        return
    order = rng.permutation(len(pool))
    kinds = ("cost_spike", "level_shift", "cost_drift")
    for n in range(min(count, len(pool))):
        r = pool[int(order[n])]
        kind = kinds[n % 3]
        spike_streams, lasting_streams = EXTRA_TARGETS[r.kind]
        start = int(rng.integers(first_day, last_day)) * DAY_H + int(rng.integers(0, 12))
        anomaly_id = len(b.anomalies) + 1
        end_hour: int | None = None
        ramp = 0
        if kind == "cost_spike":
            multiplier = round(float(rng.uniform(5.0, 9.0)), 2)
            end_hour = start + int(rng.integers(20, 49))
            streams = spike_streams
        elif kind == "level_shift":
            multiplier = round(float(rng.uniform(1.8, 2.6)), 2)
            streams = lasting_streams
        else:
            multiplier = round(float(rng.uniform(2.5, 3.5)), 2)
            ramp = int(rng.integers(28, 57)) * DAY_H
            streams = lasting_streams
        anomaly = Anomaly(
            anomaly_id, kind, (r.resource_id,), streams, start, end_hour, multiplier, ramp
        )
        details: dict[str, Any] = {
            "scope": "resource",
            "multiplier": multiplier,
            "usage": " and ".join(streams),
            "planted": "extra",
        }
        if ramp:
            details["ramp_days"] = ramp // DAY_H
        plant(b, anomaly, r, **details)
        taken.add(r.resource_id)


def _steady_instances(b: EstateBuilder) -> list[Resource]:
    """Instances running through the whole range around the clock with outbound traffic and
    no other planted situation, largest egress first."""
    taken = {s.resource_id for s in b.situations if s.resource_id}
    for s in b.situations:
        taken.update(str(r) for r in s.details.get("resource_ids") or [])
    for a in b.anomalies:
        taken.update(a.resource_ids)
    pool = [
        r
        for r in b.resources
        if r.kind == "ec2_instance"
        and r.resource_id not in taken
        and r.launch_hour <= 0
        and r.terminate_hour is None
        and r.attrs.get("egress_gb_hour")
        and r.attrs.get("schedule") != "office_hours"
        and r.profile is not None
        and r.profile.idle_band is None
    ]
    return sorted(pool, key=lambda r: (-float(r.attrs["egress_gb_hour"]), r.resource_id))


def plant_usage_anomalies(b: EstateBuilder) -> None:
    """A runaway process: one instance's CPU pinned at 100% for 30 hours from 09:00 three days
    before the end while its outbound traffic (and cost) runs at eight times usual; and, two
    days earlier, another account's instance pinned for 4 hours from 02:00 without any cost
    change."""
    pool = _steady_instances(b)
    if not pool:
        return
    pinned = pool[0]
    others = [r for r in pool if r.account_id != pinned.account_id]
    hours = b.timeline.hours
    start = hours - 3 * DAY_H + 9
    anomaly = Anomaly(len(b.anomalies) + 1, "cost_spike", (pinned.resource_id,), ("egress",),
                      start, start + 30, 8.0)  # fmt: skip
    plant(b, anomaly, pinned, scope="resource", multiplier=8.0, usage="egress",
          planted="usage", cpu_percent=100.0)  # fmt: skip
    b.usage_pins.append(UsagePin(pinned.resource_id, start, start + 30, 100.0, anomaly.anomaly_id))
    if others:
        blip = hours - 5 * DAY_H + 2
        b.usage_pins.append(UsagePin(others[0].resource_id, blip, blip + 4, 100.0))
