"""EC2 instance specifications used to choose rightsizing candidates.

vCPU and memory are AWS's published figures; network and EBS figures are the *baseline*
(sustained) bandwidth and IOPS, not the "up to" burst figures, so a candidate that fits them
fits without relying on burst credits. Within these families each size step doubles vCPU,
memory, baseline bandwidth and the normalization factor (as AWS publishes them).
"""

from __future__ import annotations

from dataclasses import dataclass

from finops.errors import ConfigurationError

SIZE_STEPS: tuple[tuple[str, int], ...] = (
    ("large", 1),
    ("xlarge", 2),
    ("2xlarge", 4),
    ("4xlarge", 8),
    ("8xlarge", 16),
)
SIZE_ORDER = tuple(name for name, _ in SIZE_STEPS)


@dataclass(frozen=True, slots=True)
class FamilySpec:
    name: str
    category: str  # general | compute | memory | burstable
    current_generation: bool
    memory_gib_per_large: float
    network_gbps_per_large: float
    ebs_iops_per_large: int
    successor: str | None = None


FAMILY_SPECS: dict[str, FamilySpec] = {
    f.name: f
    for f in (
        FamilySpec("m5", "general", True, 8, 0.75, 3600),
        FamilySpec("m6i", "general", True, 8, 0.781, 3600),
        FamilySpec("m7i", "general", True, 8, 0.781, 3600),
        FamilySpec("c5", "compute", True, 4, 0.75, 4000),
        FamilySpec("c6i", "compute", True, 4, 0.781, 3600),
        FamilySpec("c7i", "compute", True, 4, 0.781, 3600),
        FamilySpec("r5", "memory", True, 16, 0.75, 3600),
        FamilySpec("r6i", "memory", True, 16, 0.781, 3600),
        FamilySpec("r7i", "memory", True, 16, 0.781, 3600),
        FamilySpec("t3", "burstable", True, 8, 0.512, 4000),
        FamilySpec("m4", "general", False, 8, 0.45, 3600, successor="m5"),
        FamilySpec("c4", "compute", False, 3.75, 0.5, 4000, successor="c5"),
        FamilySpec("r4", "memory", False, 15.25, 0.75, 3000, successor="r5"),
        FamilySpec("t2", "burstable", False, 8, 0.3, 2000, successor="t3"),
        FamilySpec("m3", "general", False, 7.5, 0.3, 2000, successor="m5"),
        FamilySpec("c3", "compute", False, 3.75, 0.3, 2000, successor="c5"),
        FamilySpec("r3", "memory", False, 15.25, 0.3, 2000, successor="r5"),
    )
}


@dataclass(frozen=True, slots=True)
class InstanceType:
    name: str
    family: FamilySpec
    size: str
    multiple: int  # of the .large size
    vcpu: int
    memory_gib: float
    network_gbps: float
    ebs_iops: int

    @property
    def normalization_factor(self) -> int:
        return 4 * self.multiple

    @property
    def current_generation(self) -> bool:
        return self.family.current_generation


def parse_instance_type(name: str) -> InstanceType | None:
    """Specs of ``name`` (``m5.2xlarge``), or None when the family or size is not tabulated."""
    family_name, _, size = name.partition(".")
    family = FAMILY_SPECS.get(family_name)
    multiple = dict(SIZE_STEPS).get(size)
    if family is None or multiple is None:
        return None
    return InstanceType(
        name=name,
        family=family,
        size=size,
        multiple=multiple,
        vcpu=2 * multiple,
        memory_gib=family.memory_gib_per_large * multiple,
        network_gbps=family.network_gbps_per_large * multiple,
        ebs_iops=family.ebs_iops_per_large * multiple,
    )


def instance_type(name: str) -> InstanceType:
    spec = parse_instance_type(name)
    if spec is None:
        raise ConfigurationError(f"instance type {name!r} is not in the specifications table")
    return spec


def all_types() -> list[InstanceType]:
    return [instance_type(f"{family}.{size}") for family in FAMILY_SPECS for size in SIZE_ORDER]


def successor_type(spec: InstanceType) -> InstanceType | None:
    """The current-generation type of the same size a previous-generation type moves to."""
    if spec.family.successor is None:
        return None
    return parse_instance_type(f"{spec.family.successor}.{spec.size}")
