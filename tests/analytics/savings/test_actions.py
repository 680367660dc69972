"""Each action type carried out through the remediation core against moto, then measured from
a hand-built bill around its change day: exact numbers in both cost views, the windows, the
status as bills arrive (awaiting → measured → confirmed) and a re-run changing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from finops.config import Settings
from tests.factories.savings import (
    DailyBill,
    carry_out,
    change_day,
    measure_all,
    measurements,
    month_days,
)
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients
from tests.remediation.scenarios import (
    address,
    gp2_volume,
    idle_instance,
    oversized_instance,
    unattached_volume,
)


def test_each_action_type_is_measured_from_the_bill(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "policies"
    stop = carry_out(
        engine,
        clients,
        folder,
        resource=idle_instance(aws).resource_id,
        finding_type="idle_instance",
        action="stop_instance",
        savings="70.00",
    )
    big = oversized_instance(aws)
    resize = carry_out(
        engine,
        clients,
        folder,
        resource=big.resource_id,
        finding_type="oversized_instance",
        action="resize_instance",
        savings="75.00",
        details=dict(big.details),
    )
    volume = carry_out(
        engine,
        clients,
        folder,
        resource=unattached_volume(aws).resource_id,
        finding_type="unattached_volume",
        action="delete_unattached_volume",
        savings="60.00",
    )
    gp2 = carry_out(
        engine,
        clients,
        folder,
        resource=gp2_volume(aws).resource_id,
        finding_type="gp2_volume",
        action="migrate_gp2_to_gp3",
        savings="12.00",
    )
    eip = carry_out(
        engine,
        clients,
        folder,
        resource=address(aws).resource_id,
        finding_type="unassociated_eip",
        action="release_address",
        savings="3.60",
    )
    day = change_day(engine, stop)
    assert {change_day(engine, p) for p in (resize, volume, gp2, eip)} == {day}
    snapshot = str((volume.undo or {})["snapshot_id"])
    before, after = day - timedelta(days=14), day + timedelta(days=30)
    bill = DailyBill(first=before - timedelta(days=6), last=after)
    bill.put(stop.resource_id, bill.first, day, cost="2.40", usage=24)
    bill.put(
        resize.resource_id, bill.first, day, cost="4.80", usage=24, usage_type="BoxUsage:m5.2xlarge"
    )
    bill.put(
        resize.resource_id,
        day + timedelta(days=1),
        after,
        cost="1.20",
        usage=24,
        usage_type="BoxUsage:m5.large",
    )
    for vol, cost in ((volume.resource_id, "2.00"), (gp2.resource_id, "2.00")):
        bill.put(
            vol,
            bill.first,
            day,
            cost=cost,
            usage=Decimal("0.6666"),
            usage_type="EBS:VolumeUsage.gp2",
            unit="GB-Mo",
        )
    bill.put(
        snapshot,
        day,
        after,
        cost="0.50",
        usage=Decimal("0.6666"),
        usage_type="EBS:SnapshotUsage",
        unit="GB-Mo",
    )
    bill.put(
        gp2.resource_id,
        day + timedelta(days=1),
        after,
        cost="1.60",
        usage=Decimal("0.6666"),
        usage_type="EBS:VolumeUsage.gp3",
        unit="GB-Mo",
    )
    bill.put(
        eip.resource_id, bill.first, day, cost="0.12", usage=24, usage_type="ElasticIP:IdleAddress"
    )

    # six full days after the change: every action waits for its bill
    bill.load(fresh_settings, tmp_path, until=day + timedelta(days=6))
    assert measure_all(engine, after) == 5
    waiting = measurements(engine)
    assert {r["status"] for r in waiting.values()} == {"awaiting_bills"}
    assert waiting[stop.resource_id]["realized_monthly_effective"] is None
    assert waiting[stop.resource_id]["baseline_start"] == before
    assert waiting[stop.resource_id]["baseline_end"] == day - timedelta(days=1)

    # seven full days: measured
    bill.load(fresh_settings, tmp_path, until=day + timedelta(days=7))
    assert measure_all(engine, after) == 5
    measured = measurements(engine)
    dim = month_days(day + timedelta(days=1))
    expected = {
        # resource: (baseline daily, after daily, estimate)
        stop.resource_id: (Decimal("2.40"), Decimal(0), Decimal("70.00")),
        resize.resource_id: (Decimal("4.80"), Decimal("1.20"), Decimal("75.00")),
        volume.resource_id: (Decimal("2.00"), Decimal("0.50"), Decimal("60.00")),
        gp2.resource_id: (Decimal("2.00"), Decimal("1.60"), Decimal("12.00")),
        eip.resource_id: (Decimal("0.12"), Decimal(0), Decimal("3.60")),
    }
    # a charge priced per month (GB-Mo) counts each day at the after month's length
    measured_of = {volume.resource_id: (volume.resource_id, snapshot)}
    expected = {
        resource: (
            prorated(
                bill,
                measured_of.get(resource, (resource,)),
                before,
                day - timedelta(days=1),
                base,
                dim,
            ),
            prorated(
                bill,
                measured_of.get(resource, (resource,)),
                day + timedelta(days=1),
                day + timedelta(days=7),
                later,
                dim,
            ),
            estimate,
        )
        for resource, (base, later, estimate) in expected.items()
    }
    for resource, (base, later, estimate) in expected.items():
        r = measured[resource]
        assert r["status"] == "measured", resource
        assert (r["after_start"], r["after_end"], r["after_days"], r["baseline_days"]) == (
            day + timedelta(days=1),
            day + timedelta(days=7),
            7,
            14,
        )
        assert r["baseline_daily_effective"] == base == r["baseline_daily_list"]
        assert r["after_daily_effective"] == later == r["after_daily_list"]
        assert r["realized_monthly_effective"] == (base - later) * dim, resource
        assert r["realized_monthly_list"] == (base - later) * dim
        assert r["days_in_month"] == dim
        assert r["estimated_monthly_savings"] == estimate
        assert (r["confidence"], r["reasons"]) == ("high", []), resource
    assert measured[stop.resource_id]["baseline_daily_usage"] == 24
    assert measured[stop.resource_id]["after_daily_usage"] == 0
    assert measured[volume.resource_id]["measured_resources"] == [volume.resource_id, snapshot]
    assert measured[volume.resource_id]["method"].startswith("deleted volume before")
    assert measured[resize.resource_id]["action"] == "resize_instance"
    assert measured[resize.resource_id]["policy"] == "resize-instance-" + big.resource_id[-6:]
    assert measured[eip.resource_id]["subject_kind"] == "action"

    # the same bill again: nothing is rewritten
    assert measure_all(engine, after, run_id="s2") == 0

    # thirty full days: confirmed, and the after window grows no more
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, after + timedelta(days=5), run_id="s3") == 5
    confirmed = measurements(engine)
    for resource, (base, _, _) in expected.items():
        r = confirmed[resource]
        later = prorated(
            bill, measured_of.get(resource, (resource,)), day + timedelta(days=1), after, None, dim
        )
        assert (r["status"], r["after_days"], r["after_end"]) == ("confirmed", 30, after)
        assert r["realized_monthly_effective"] == (base - later) * dim
        assert r["first_measured_at"] == measured[resource]["first_measured_at"]


def prorated(
    bill: DailyBill,
    measured: tuple[str, ...],
    first: date,
    last: date,
    flat: Decimal | None,
    dim: int,
) -> Decimal:
    """The daily cost the tracker compares over [first, last] (its resource and, after a
    volume's deletion, its snapshot): a GB-Mo line counts at ``dim`` days a month; ``flat``
    (the day's cost where no line is priced per month) when given and nothing is GB-Mo."""
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    lines = [
        (d, line)
        for d in days
        for (rid, when), line in bill.lines.items()
        if when == d and rid in measured
    ]
    if flat is not None and not any(line.get("unit") == "GB-Mo" for _, line in lines):
        return flat
    total = Decimal(0)
    for d, line in lines:
        cost = Decimal(line["cost"])
        if line.get("unit") == "GB-Mo":
            cost = cost * month_days(d) / dim
        total += cost
    return total / len(days)
