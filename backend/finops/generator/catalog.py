"""Static price and specification tables of the simulated AWS estate.

Prices are internally consistent on purpose: within an EC2 or RDS family each size step doubles
vCPU, memory, normalization factor and price; a region multiplies every price by a fixed factor.
All prices are exact decimals (at most 10 decimal places) so that costs stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# ---------------------------------------------------------------------------------------------
# Regions


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    usage_prefix: str  # prefix of line_item_usage_type ("" for us-east-1, as AWS does)
    price_factor: Decimal
    azs: tuple[str, ...]


REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("us-east-1", "US East (N. Virginia)", "", Decimal("1.00"), ("a", "b", "c")),
        Region("us-west-2", "US West (Oregon)", "USW2-", Decimal("1.00"), ("a", "b", "c")),
        Region("eu-west-1", "EU (Ireland)", "EU-", Decimal("1.10"), ("a", "b", "c")),
        Region("ap-southeast-2", "Asia Pacific (Sydney)", "APS2-", Decimal("1.25"), ("a", "b")),
    )
}

# ---------------------------------------------------------------------------------------------
# EC2 instance families and sizes


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    category: str  # General purpose / Compute optimized / Memory optimized / Burstable
    processor: str
    current_generation: bool
    memory_per_vcpu: int  # GiB
    large_price: Decimal  # Linux on-demand $/hour of the .large size in us-east-1
    successor: str | None  # current-generation family to move to


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "m5", "General purpose", "Intel Xeon Platinum 8175", True, 4, Decimal("0.096"), None
        ),
        Family("m6i", "General purpose", "Intel Xeon 8375C", True, 4, Decimal("0.096"), None),
        Family(
            "c5", "Compute optimized", "Intel Xeon Platinum 8124M", True, 2, Decimal("0.085"), None
        ),
        Family("c6i", "Compute optimized", "Intel Xeon 8375C", True, 2, Decimal("0.085"), None),
        Family(
            "r5", "Memory optimized", "Intel Xeon Platinum 8175", True, 8, Decimal("0.126"), None
        ),
        Family("r6i", "Memory optimized", "Intel Xeon 8375C", True, 8, Decimal("0.126"), None),
        Family(
            "t3", "General purpose", "Intel Skylake E5 2686 v5", True, 4, Decimal("0.0832"), None
        ),
        Family("m4", "General purpose", "Intel Xeon E5-2676 v3", False, 4, Decimal("0.1"), "m5"),
        Family("c4", "Compute optimized", "Intel Xeon E5-2666 v3", False, 2, Decimal("0.1"), "c5"),
        Family("r4", "Memory optimized", "Intel Xeon E5-2686 v4", False, 8, Decimal("0.133"), "r5"),
    )
}

# size name -> multiple of the .large size (vCPU, memory, price, normalization factor)
SIZES: tuple[tuple[str, int], ...] = (
    ("large", 1),
    ("xlarge", 2),
    ("2xlarge", 4),
    ("4xlarge", 8),
    ("8xlarge", 16),
)
SIZE_MULTIPLE: dict[str, int] = dict(SIZES)
SIZE_ORDER: tuple[str, ...] = tuple(name for name, _ in SIZES)


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    instance_type: str
    family: Family
    size: str
    vcpu: int
    memory_gib: int
    network: str
    normalization_factor: int
    price: Decimal  # us-east-1 Linux on-demand $/hour


def instance_spec(instance_type: str) -> InstanceSpec:
    """Specs of an instance type such as ``m5.2xlarge`` (derived from the family table)."""
    family_name, size = instance_type.split(".", 1)
    family = FAMILIES[family_name]
    multiple = SIZE_MULTIPLE[size]
    vcpu = 2 * multiple
    network = (
        "Up to 10 Gigabit" if multiple <= 4 else ("10 Gigabit" if multiple == 8 else "12 Gigabit")
    )
    return InstanceSpec(
        instance_type=instance_type,
        family=family,
        size=size,
        vcpu=vcpu,
        memory_gib=vcpu * family.memory_per_vcpu,
        network=network,
        normalization_factor=4 * multiple,
        price=family.large_price * multiple,
    )


def smaller_size(instance_type: str, steps: int) -> str:
    """The same family ``steps`` sizes down (never below .large)."""
    family, size = instance_type.split(".", 1)
    index = max(0, SIZE_ORDER.index(size) - steps)
    return f"{family}.{SIZE_ORDER[index]}"


def regional_price(price: Decimal, region: str) -> Decimal:
    return price * REGIONS[region].price_factor


# ---------------------------------------------------------------------------------------------
# RDS (single-AZ, MySQL), prices per hour of db.<family>.large in us-east-1

RDS_FAMILIES: dict[str, Decimal] = {
    "db.m5": Decimal("0.171"),
    "db.r5": Decimal("0.24"),
    "db.m6g": Decimal("0.152"),
}

# ---------------------------------------------------------------------------------------------
# Storage and other unit prices (us-east-1), exact decimals

EBS_GB_MONTH: dict[str, Decimal] = {
    "gp2": Decimal("0.10"),
    "gp3": Decimal("0.08"),
    "io1": Decimal("0.125"),
    "st1": Decimal("0.045"),
}
EBS_USAGE_TYPE: dict[str, str] = {
    "gp2": "EBS:VolumeUsage.gp2",
    "gp3": "EBS:VolumeUsage.gp3",
    "io1": "EBS:VolumeUsage.piops",
    "st1": "EBS:VolumeUsage.st1",
}
SNAPSHOT_GB_MONTH = Decimal("0.05")
RDS_STORAGE_GB_MONTH = Decimal("0.115")
S3_STANDARD_GB_MONTH = Decimal("0.023")
S3_TIER1_PER_REQUEST = Decimal("0.000005")
S3_TIER2_PER_REQUEST = Decimal("0.0000004")
LAMBDA_PER_REQUEST = Decimal("0.0000002")
LAMBDA_PER_GB_SECOND = Decimal("0.0000166667")
NAT_PER_HOUR = Decimal("0.045")
NAT_PER_GB = Decimal("0.045")
ALB_PER_HOUR = Decimal("0.0225")
ALB_PER_LCU_HOUR = Decimal("0.008")
PUBLIC_IPV4_PER_HOUR = Decimal("0.005")
DATA_TRANSFER_OUT_PER_GB = Decimal("0.09")

# Reserved Instance (1 year, No Upfront, standard) hourly rate as a share of on-demand
RI_NO_UPFRONT_SHARE = Decimal("0.62")
# Compute Savings Plan (1 year, No Upfront) rate as a share of on-demand
SP_RATE_SHARE = Decimal("0.72")

# Business support: 10% of the first $10k, 7% up to $80k, minimum $100 (simplified tiers)
SUPPORT_MINIMUM = Decimal("100")
SALES_TAX_RATE = Decimal("0.06")

# ---------------------------------------------------------------------------------------------
# Services

SERVICE_NAMES: dict[str, str] = {
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "AmazonRDS": "Amazon Relational Database Service",
    "AmazonS3": "Amazon Simple Storage Service",
    "AWSLambda": "AWS Lambda",
    "AmazonVPC": "Amazon Virtual Private Cloud",
    "AWSELB": "Elastic Load Balancing",
    "AWSDataTransfer": "AWS Data Transfer",
    "AWSSupportBusiness": "AWS Support (Business)",
    "ComputeSavingsPlans": "Savings Plans for AWS Compute usage",
    "AmazonRoute53": "Amazon Route 53",
}

# FOCUS ServiceCategory per product code
SERVICE_CATEGORIES: dict[str, str] = {
    "AmazonEC2": "Compute",
    "AmazonRDS": "Databases",
    "AmazonS3": "Storage",
    "AWSLambda": "Compute",
    "AmazonVPC": "Networking",
    "AWSELB": "Networking",
    "AWSDataTransfer": "Networking",
    "AWSSupportBusiness": "Management and Governance",
    "ComputeSavingsPlans": "Compute",
    "AmazonRoute53": "Networking",
}

# The tag keys of the organisation's tagging policy (required on every taggable resource)
REQUIRED_TAGS: tuple[str, ...] = ("team", "environment", "cost-center", "application")
TEAMS: dict[str, str] = {  # team -> cost center
    "checkout": "CC-1001",
    "search": "CC-1002",
    "platform": "CC-2001",
    "data": "CC-3001",
    "ml": "CC-3002",
    "identity": "CC-1003",
    "payments": "CC-1004",
    "mobile": "CC-1005",
}
BUSINESS_UNITS: dict[str, str] = {  # team -> cost category "business_unit"
    "checkout": "Commerce",
    "search": "Commerce",
    "payments": "Commerce",
    "identity": "Commerce",
    "mobile": "Commerce",
    "platform": "Engineering",
    "data": "Analytics",
    "ml": "Analytics",
}


def ec2_rate(instance_type: str, region: str) -> Decimal:
    """On-demand price per hour of ``instance_type`` in ``region``."""
    return regional_price(instance_spec(instance_type).price, region)
