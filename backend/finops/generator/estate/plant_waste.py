"""Waste: resources that cost money and do nothing (idle, detached, orphaned, unassociated)."""

from __future__ import annotations

from datetime import timedelta

from finops.generator import catalog
from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.factory import BEFORE_RANGE, HOURS_MONTH
from finops.generator.estate.model import Profile
from finops.generator.timeline import DAY_H


def plant_idle_instances(b: EstateBuilder) -> None:
    """Idle instances: CPU stays inside a low band for the whole time they exist."""
    for i, itype in enumerate(("m5.xlarge", "m6i.2xlarge")):
        a = b.acct(i * 3)
        region = a.regions[0]
        inst = b.standing_instance(
            a,
            itype,
            profile=Profile(
                level=1.0,
                diurnal=0.1,
                weekend=1.0,
                noise=0.25,
                growth=0.0,
                idle_band=(0.2, 2.5),
                peak_cap=4.0,
            ),
            agent=i == 0,
        )
        rate = catalog.ec2_rate(itype, region)
        b.situation(
            "idle_instance",
            inst,
            0,
            rate * HOURS_MONTH,
            cpu_band=[0.2, 2.5],
            instance_type=itype,
            hourly_rate=str(rate),
            lookback_days=14,
        )


def plant_unattached_volumes(b: EstateBuilder) -> None:
    """Unattached volumes: detached from their instance part-way through and never deleted."""
    tl = b.timeline
    for i, (vtype, size) in enumerate((("gp3", 500), ("gp2", 200))):
        a = b.acct(i * 3 + 1)
        region = a.regions[0]
        detach = min(b.day_hour(0.55 + 0.2 * i), max(0, tl.hours - DAY_H * 20))
        tags = b.tags_for(a)
        old = b.instance(
            a,
            region,
            "m6i.large",
            profile=Profile(level=30.0),
            launch=BEFORE_RANGE,
            terminate=detach,
            tags=tags,
        )
        vol = b.volume(a, region, vtype, size, launch=BEFORE_RANGE, terminate=None, tags=tags)
        vol.az = old.az
        vol.attrs["detach_hour"] = detach
        vol.attrs["was_attached_to"] = old.resource_id
        vol.attrs["device"] = "/dev/sdf"
        price = catalog.regional_price(catalog.EBS_GB_MONTH[vtype], region)
        b.situation("unattached_volume", vol, detach, price * size, volume_type=vtype, size_gb=size)


def plant_old_snapshots(b: EstateBuilder) -> None:
    """Old snapshots whose source volume is gone."""
    tl = b.timeline
    rng = b.rng
    for i in range(3):
        a = b.acct(i + 2)
        region = a.regions[0]
        size = int(rng.choice([50, 100, 250]))
        age_days = int(rng.integers(400, 900))
        created = tl.end - timedelta(days=age_days)
        snap = b.snapshot(a, region, size_gb=size, created=created)
        price = catalog.regional_price(catalog.SNAPSHOT_GB_MONTH, region)
        s = b.situation(
            "old_snapshot",
            snap,
            0,
            price * size,
            size_gb=size,
            created=created.isoformat(),
            age_days_at_end=age_days,
        )
        s.start = max(tl.start, created)


def plant_unassociated_eips(b: EstateBuilder) -> None:
    """Unassociated elastic IPs."""
    for i in range(2):
        a = b.acct(i * 4 + 3)
        eip = b.address(a, a.regions[0], instance=None)
        b.situation(
            "unassociated_eip",
            eip,
            0,
            catalog.PUBLIC_IPV4_PER_HOUR * HOURS_MONTH,
            public_ip=eip.attrs["public_ip"],
        )


def plant_idle_load_balancer(b: EstateBuilder) -> None:
    """Idle load balancer (no targets, no requests) and idle database (no connections)."""
    a = b.acct(0)
    lb = b.load_balancer(a, a.regions[-1], tags=b.tags_for(a, "catalog"), idle=True)
    b.situation(
        "idle_load_balancer",
        lb,
        0,
        catalog.regional_price(catalog.ALB_PER_HOUR, lb.region) * HOURS_MONTH,
        requests_per_day=0,
        healthy_targets=0,
    )


def plant_idle_database(b: EstateBuilder) -> None:
    a = b.acct(1)
    db = b.database(a, a.regions[0], "db.r5.large", tags=b.tags_for(a, "reports"), idle=True)
    db_rate = catalog.regional_price(catalog.RDS_FAMILIES["db.r5"], db.region)
    b.situation(
        "idle_rds",
        db,
        0,
        db_rate * HOURS_MONTH,
        instance_class="db.r5.large",
        max_connections=0,
        cpu_band=[0.5, 3.0],
    )
