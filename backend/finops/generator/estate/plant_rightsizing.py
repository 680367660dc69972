"""Rightsizing: instances and volumes that fit a smaller, newer or cheaper choice, and the
well-run resources next to them that must not be flagged."""

from __future__ import annotations

from finops.generator import catalog
from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.factory import HOURS_MONTH
from finops.generator.estate.model import Profile


def plant_oversized_instances(b: EstateBuilder) -> None:
    """Oversized instances: a light workload on a 4xlarge — CPU peaks under 15% and the CloudWatch
    agent reports memory that follows the same low workload (about 6% on average). The size that
    fits is chosen after the utilization is simulated (ground_truth/sizing.py), from
    the simulated 5-minute maxima and the catalog's prices."""
    for i, itype in enumerate(("m5.4xlarge", "r6i.4xlarge")):
        a = b.acct(i * 2 + 1)
        inst = b.standing_instance(
            a,
            itype,
            profile=Profile(
                level=6.0,
                diurnal=0.4,
                weekend=0.8,
                noise=0.1,
                growth=0.0,
                peak_cap=14.0,
                memory=6.0,
            ),
            agent=True,
        )
        b.situation(
            "oversized_instance",
            inst,
            0,
            None,  # filled by size_oversized from the simulated metrics and the bill's prices
            instance_type=itype,
            max_cpu_percent=14.0,
        )


def plant_previous_generation(b: EstateBuilder) -> None:
    """Previous generation instances, otherwise healthy."""
    rng = b.rng
    for i, itype in enumerate(("m4.large", "c4.xlarge")):
        a = b.acct(i * 5 + 2)
        region = a.regions[0]
        inst = b.standing_instance(
            a,
            itype,
            profile=Profile(level=float(rng.uniform(35, 55)), diurnal=0.3, weekend=0.8),
        )
        family = catalog.FAMILIES[itype.split(".")[0]]
        successor = f"{family.successor}.{itype.split('.', 1)[1]}"
        saving = catalog.ec2_rate(itype, region) - catalog.ec2_rate(successor, region)
        b.situation(
            "previous_generation_instance",
            inst,
            0,
            saving * HOURS_MONTH,
            instance_type=itype,
            recommended_instance_type=successor,
        )


def plant_gp2_volumes(b: EstateBuilder) -> None:
    """Gp2 volumes attached to healthy instances (gp3 is 20% cheaper)."""
    rng = b.rng
    for i in range(3):
        a = b.acct(i * 2)
        region = a.regions[0]
        size = int(rng.choice([100, 200, 400]))
        inst = b.standing_instance(
            a,
            "m6i.large",
            profile=Profile(level=float(rng.uniform(30, 60))),
            volume_type="gp2",
            volume_gb=size,
        )
        vol = b.resources[-1]
        assert vol.kind == "ebs_volume" and vol.attrs["attached_to"] == inst.resource_id
        diff = catalog.regional_price(
            catalog.EBS_GB_MONTH["gp2"] - catalog.EBS_GB_MONTH["gp3"], region
        )
        b.situation("gp2_volume", vol, 0, diff * size, size_gb=size, recommended_volume_type="gp3")


def plant_healthy_instances(b: EstateBuilder) -> None:
    """Healthy, deliberately well-run resources."""
    rng = b.rng
    a = b.acct(0)
    for _ in range(2):
        inst = b.standing_instance(
            a,
            "m6i.xlarge",
            profile=Profile(level=float(rng.uniform(45, 65)), diurnal=0.3),
            agent=True,
        )
        b.situation("healthy", inst, 0, None, reason="right-sized, current generation, gp3, tagged")
