"""Usage streams: every billable meter of every resource, plus one pseudo-stream per kind of
non-usage charge (RI fee, Savings Plan fee, tax, support, credit, refund).

A stream carries the static attributes of its CUR line items (account, product, usage type,
resource id, tags …) in an Arrow table, and its numeric model (rate, amount model, lifecycle,
workload shape) in numpy arrays, so billing can produce a day of lines with array operations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from finops.generator import catalog
from finops.generator.estate.model import Estate, Resource
from finops.generator.timeline import DAY_H

COST_SCALE = 10**8  # costs are integers of 1e-8 dollars
NEVER = 2**40  # "not terminated" hour


class LineType(IntEnum):
    USAGE = 0
    DISCOUNTED_USAGE = 1
    SP_COVERED_USAGE = 2
    SP_NEGATION = 3
    SP_RECURRING_FEE = 4
    RI_FEE = 5
    FEE = 6
    TAX = 7
    CREDIT = 8
    REFUND = 9


LINE_TYPE_NAMES: tuple[str, ...] = (
    "Usage",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "RIFee",
    "Fee",
    "Tax",
    "Credit",
    "Refund",
)


class Model(IntEnum):
    HOURS = 0  # 1 unit per active hour
    GB_MONTH = 1  # base GB prorated per hour of the month
    VARIABLE = 2  # base × workload shape × anomaly
    STORAGE = 3  # base GB × growth × anomaly, prorated per hour of the month
    CHARGE = 4  # a non-usage charge computed by billing


@dataclass(slots=True)
class StreamSpec:
    """Everything about one stream, before it is packed into arrays."""

    account_id: str
    account_name: str
    region: str
    az: str
    product_code: str
    servicecode: str
    usage_type: str
    operation: str
    resource_id: str
    product_family: str
    pricing_unit: str
    description: str
    rate: Decimal
    model: Model
    base: float
    launch: int
    terminate: int
    tags: dict[str, str]
    product: dict[str, str]
    native_type: LineType = LineType.USAGE
    schedule: int = 0
    diurnal: float = 0.0
    weekend: float = 1.0
    noise: float = 0.0
    growth: float = 0.0
    anomaly: int = -1
    usage_kind: str = ""
    instance_type: str = ""
    normalization_factor: float = 0.0
    sp_eligible: bool = False
    owner: str = ""  # reservation / savings plan ARN for fee streams


@dataclass(slots=True)
class Streams:
    specs: list[StreamSpec]
    static: pa.Table
    rate_units: npt.NDArray[np.float64]  # dollars-per-unit × COST_SCALE
    model: npt.NDArray[np.int8]
    base: npt.NDArray[np.float64]
    launch: npt.NDArray[np.int64]
    terminate: npt.NDArray[np.int64]
    schedule: npt.NDArray[np.int8]
    diurnal: npt.NDArray[np.float64]
    weekend: npt.NDArray[np.float64]
    noise: npt.NDArray[np.float64]
    growth: npt.NDArray[np.float64]
    anomaly: npt.NDArray[np.int32]
    key: npt.NDArray[np.uint64]
    type_code: npt.NDArray[np.int32]  # EC2 instance (region, type) code for RI matching, else -1
    sp_eligible: npt.NDArray[np.bool_]
    account_code: npt.NDArray[np.int32]
    product_code_index: npt.NDArray[np.int32]
    usage_streams: npt.NDArray[np.int64]  # indices of streams with a usage model
    type_codes: dict[tuple[str, str], int]
    account_ids: list[str]
    product_codes: list[str]
    ri_fee: dict[str, int]  # reservation ARN -> stream
    sp_fee: dict[str, int]  # savings plan ARN -> stream
    tax: dict[tuple[str, str], int]  # (account, product code) -> stream
    support: int
    credit: int
    refund: int
    domain_fee: int

    def __len__(self) -> int:
        return len(self.specs)


def _sku(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:16])


def _stable_key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _prefix(region: str) -> str:
    return catalog.REGIONS[region].usage_prefix


def _ut(region: str, usage: str) -> str:
    """Usage types carry a region prefix (none in us-east-1, as AWS does)."""
    return f"{_prefix(region)}{usage}"


class _StreamFactory:
    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.specs: list[StreamSpec] = []
        self.anomaly_of: dict[tuple[str, str], int] = {}
        for anomaly in estate.anomalies:
            for rid in anomaly.resource_ids:
                for kind in anomaly.usage_kinds:
                    self.anomaly_of[(rid, kind)] = anomaly.anomaly_id - 1
        self.names = {a.account_id: a.name for a in (estate.payer, *estate.accounts)}

    def add(self, r: Resource | None, **fields: Any) -> StreamSpec:
        if r is not None:
            fields.setdefault("account_id", r.account_id)
            fields.setdefault("region", r.region)
            fields.setdefault("az", r.az)
            fields.setdefault("resource_id", r.resource_id)
            fields.setdefault("launch", r.launch_hour)
            fields.setdefault("terminate", NEVER if r.terminate_hour is None else r.terminate_hour)
            fields.setdefault("tags", r.tags)
            prof = r.profile
            if prof is not None and fields.get("model") == Model.VARIABLE:
                fields.setdefault("diurnal", prof.diurnal)
                fields.setdefault("weekend", prof.weekend)
                fields.setdefault("noise", prof.noise)
                fields.setdefault("growth", prof.growth)
            if prof is not None and fields.get("model") == Model.STORAGE:
                fields.setdefault("growth", prof.growth)
            kind = fields.get("usage_kind", "")
            fields["anomaly"] = self.anomaly_of.get((r.resource_id, kind), -1)
        region = fields["region"]
        product = {
            "product_name": catalog.SERVICE_NAMES[fields["product_code"]],
            "region": region,
            "servicename": catalog.SERVICE_NAMES[fields["servicecode"]],
            **fields.pop("product", {}),
        }
        if region:
            product["location"] = catalog.REGIONS[region].name
        spec = StreamSpec(
            account_name=self.names[fields["account_id"]],
            product=product,
            **fields,
        )
        self.specs.append(spec)
        return spec

    # ---- per-resource meters ---------------------------------------------------------------

    def ec2(self, r: Resource) -> None:
        itype = r.attrs["instance_type"]
        spec = catalog.instance_spec(itype)
        rate = catalog.regional_price(spec.price, r.region)
        self.add(
            r,
            product_code="AmazonEC2",
            servicecode="AmazonEC2",
            usage_type=_ut(r.region, f"BoxUsage:{itype}"),
            operation="RunInstances",
            product_family="Compute Instance",
            pricing_unit="Hrs",
            description=f"${rate} per On Demand Linux {itype} Instance Hour",
            rate=rate,
            model=Model.HOURS,
            base=1.0,
            schedule=1 if r.attrs["schedule"] == "office_hours" else 0,
            instance_type=itype,
            normalization_factor=float(spec.normalization_factor),
            sp_eligible=True,
            product={
                "instance_type": itype,
                "instance_family": spec.family.category,
                "instance_type_family": spec.family.name,
                "vcpu": str(spec.vcpu),
                "memory": f"{spec.memory_gib} GiB",
                "network_performance": spec.network,
                "physical_processor": spec.family.processor,
                "current_generation": "Yes" if spec.family.current_generation else "No",
                "operating_system": "Linux",
                "tenancy": "Shared",
                "license_model": "No License required",
                "pre_installed_sw": "NA",
                "capacitystatus": "Used",
                "normalization_size_factor": str(spec.normalization_factor),
                "marketoption": "OnDemand",
            },
        )
        egress = r.attrs.get("egress_gb_hour")
        if egress:
            self.add(
                r,
                product_code="AmazonEC2",
                servicecode="AWSDataTransfer",
                usage_type=_ut(r.region, "DataTransfer-Out-Bytes"),
                operation="RunInstances",
                product_family="Data Transfer",
                pricing_unit="GB",
                description=f"${catalog.DATA_TRANSFER_OUT_PER_GB} per GB - first 10 TB / month"
                " data transfer out beyond the global free tier",
                rate=catalog.DATA_TRANSFER_OUT_PER_GB,
                model=Model.VARIABLE,
                base=float(egress),
                usage_kind="egress",
                schedule=1 if r.attrs["schedule"] == "office_hours" else 0,
                az="",
                product={
                    "transfer_type": "AWS Outbound",
                    "from_location": catalog.REGIONS[r.region].name,
                    "to_location": "External",
                },
            )

    def ebs(self, r: Resource) -> None:
        vtype = r.attrs["volume_type"]
        rate = catalog.regional_price(catalog.EBS_GB_MONTH[vtype], r.region)
        self.add(
            r,
            product_code="AmazonEC2",
            servicecode="AmazonEC2",
            usage_type=_ut(r.region, catalog.EBS_USAGE_TYPE[vtype]),
            operation="CreateVolume-Gp3" if vtype == "gp3" else "CreateVolume-Gp2",
            product_family="Storage",
            pricing_unit="GB-Mo",
            description=f"${rate} per GB-month of {vtype} provisioned storage",
            rate=rate,
            model=Model.GB_MONTH,
            base=float(r.attrs["size_gb"]),
            usage_kind="storage",
            product={
                "volume_api_name": vtype,
                "volume_type": "General Purpose" if vtype.startswith("gp") else "Provisioned IOPS",
                "storage_media": "SSD-backed",
                "max_volume_size": "16 TiB",
            },
        )

    def snapshot(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.SNAPSHOT_GB_MONTH, r.region)
        self.add(
            r,
            resource_id=f"arn:aws:ec2:{r.region}:{r.account_id}:snapshot/{r.resource_id}",
            product_code="AmazonEC2",
            servicecode="AmazonEC2",
            usage_type=_ut(r.region, "EBS:SnapshotUsage"),
            operation="CreateSnapshot",
            product_family="Storage Snapshot",
            pricing_unit="GB-Mo",
            description=f"${rate} per GB-Month of snapshot data stored",
            rate=rate,
            model=Model.GB_MONTH,
            base=float(r.attrs["size_gb"]),
            usage_kind="storage",
            product={"storage_media": "Amazon S3"},
        )

    def rds(self, r: Resource) -> None:
        cls = r.attrs["instance_class"]
        family, size = cls.rsplit(".", 1)
        rate = catalog.regional_price(
            catalog.RDS_FAMILIES[family] * catalog.SIZE_MULTIPLE[size], r.region
        )
        common = {"database_engine": "MySQL", "deployment_option": "Single-AZ"}
        self.add(
            r,
            product_code="AmazonRDS",
            servicecode="AmazonRDS",
            usage_type=_ut(r.region, f"InstanceUsage:{cls}"),
            operation="CreateDBInstance:0002",
            product_family="Database Instance",
            pricing_unit="Hrs",
            description=f"${rate} per RDS {cls} instance hour (or partial hour) running MySQL",
            rate=rate,
            model=Model.HOURS,
            base=1.0,
            instance_type=cls,
            product={"instance_type": cls, **common},
        )
        srate = catalog.regional_price(catalog.RDS_STORAGE_GB_MONTH, r.region)
        self.add(
            r,
            product_code="AmazonRDS",
            servicecode="AmazonRDS",
            usage_type=_ut(r.region, "RDS:GP2-Storage"),
            operation="CreateDBInstance:0002",
            product_family="Database Storage",
            pricing_unit="GB-Mo",
            description=f"${srate} per GB-month of provisioned GP2 storage running MySQL",
            rate=srate,
            model=Model.GB_MONTH,
            base=float(r.attrs["storage_gb"]),
            usage_kind="storage",
            product={"volume_type": "General Purpose", **common},
        )

    def s3(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.S3_STANDARD_GB_MONTH, r.region)
        self.add(
            r,
            az="",
            product_code="AmazonS3",
            servicecode="AmazonS3",
            usage_type=_ut(r.region, "TimedStorage-ByteHrs"),
            operation="StandardStorage",
            product_family="Storage",
            pricing_unit="GB-Mo",
            description=f"${rate} per GB - first 50 TB / month of storage used",
            rate=rate,
            model=Model.STORAGE,
            base=float(r.attrs["storage_gb"]),
            usage_kind="storage",
            product={"storage_class": "General Purpose", "volume_type": "Standard"},
        )
        t1 = catalog.regional_price(catalog.S3_TIER1_PER_REQUEST, r.region)
        self.add(
            r,
            az="",
            product_code="AmazonS3",
            servicecode="AmazonS3",
            usage_type=_ut(r.region, "Requests-Tier1"),
            operation="PutObject",
            product_family="API Request",
            pricing_unit="Requests",
            description="$0.005 per 1,000 PUT, COPY, POST, or LIST requests",
            rate=t1,
            model=Model.VARIABLE,
            base=float(r.attrs["requests_hour"]),
            usage_kind="requests",
            product={"group": "S3-API-Tier1"},
        )

    def lambda_(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.LAMBDA_PER_REQUEST, r.region)
        requests = float(r.attrs["requests_hour"])
        self.add(
            r,
            az="",
            product_code="AWSLambda",
            servicecode="AWSLambda",
            usage_type=_ut(r.region, "Request"),
            operation="Invoke",
            product_family="Serverless",
            pricing_unit="Requests",
            description="AWS Lambda - Total Requests",
            rate=rate,
            model=Model.VARIABLE,
            base=requests,
            usage_kind="requests",
            product={"group": "AWS-Lambda-Requests"},
        )
        gbs = requests * r.attrs["memory_mb"] / 1024.0 * r.attrs["duration_ms"] / 1000.0
        grate = catalog.regional_price(catalog.LAMBDA_PER_GB_SECOND, r.region)
        self.add(
            r,
            az="",
            product_code="AWSLambda",
            servicecode="AWSLambda",
            usage_type=_ut(r.region, "Lambda-GB-Second"),
            operation="Invoke",
            product_family="Serverless",
            pricing_unit="Lambda-GB-Second",
            description="AWS Lambda - Total Compute (GB-Seconds)",
            rate=grate,
            model=Model.VARIABLE,
            base=round(gbs, 3),
            usage_kind="duration",
            product={"group": "AWS-Lambda-Duration"},
        )

    def nat(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.NAT_PER_HOUR, r.region)
        arn = f"arn:aws:ec2:{r.region}:{r.account_id}:natgateway/{r.resource_id}"
        for usage, unit, model, base, kind, price in (
            ("NatGateway-Hours", "Hrs", Model.HOURS, 1.0, "hours", rate),
            (
                "NatGateway-Bytes",
                "GB",
                Model.VARIABLE,
                float(r.attrs["gb_hour"]),
                "bytes",
                catalog.regional_price(catalog.NAT_PER_GB, r.region),
            ),
        ):
            self.add(
                r,
                resource_id=arn,
                product_code="AmazonEC2",
                servicecode="AmazonEC2",
                usage_type=_ut(r.region, usage),
                operation="NatGateway",
                product_family="NAT Gateway",
                pricing_unit=unit,
                description=f"${price} per NAT Gateway "
                + ("Hour" if unit == "Hrs" else "GB processed"),
                rate=price,
                model=model,
                base=base,
                usage_kind=kind,
                product={"group": "NGW:NatGateway"},
            )

    def elb(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.ALB_PER_HOUR, r.region)
        lcu = catalog.regional_price(catalog.ALB_PER_LCU_HOUR, r.region)
        self.add(
            r,
            product_code="AWSELB",
            servicecode="AWSELB",
            usage_type=_ut(r.region, "LoadBalancerUsage"),
            operation="LoadBalancing:Application",
            product_family="Load Balancer-Application",
            pricing_unit="Hrs",
            description=f"${rate} per Application LoadBalancer-hour (or partial hour)",
            rate=rate,
            model=Model.HOURS,
            base=1.0,
            usage_kind="hours",
            product={"group": "ELB:Balancer"},
        )
        if r.attrs["lcu_hour"] > 0:
            self.add(
                r,
                product_code="AWSELB",
                servicecode="AWSELB",
                usage_type=_ut(r.region, "LCUUsage"),
                operation="LoadBalancing:Application",
                product_family="Load Balancer-Application",
                pricing_unit="LCU-Hrs",
                description=f"${lcu} per used Application load balancer capacity unit-hour",
                rate=lcu,
                model=Model.VARIABLE,
                base=float(r.attrs["lcu_hour"]),
                usage_kind="lcu",
                product={"group": "ELB:Balancer"},
            )

    def eip(self, r: Resource) -> None:
        state = "InUseAddress" if r.attrs["associated_with"] else "IdleAddress"
        rate = catalog.PUBLIC_IPV4_PER_HOUR
        self.add(
            r,
            az="",
            product_code="AmazonVPC",
            servicecode="AmazonVPC",
            usage_type=_ut(r.region, f"PublicIPv4:{state}"),
            operation="AllocateAddressVPC" if state == "IdleAddress" else "AssociateAddressVPC",
            product_family="VPC Public IPv4 Address",
            pricing_unit="Hrs",
            description=f"${rate} per {'Idle' if state == 'IdleAddress' else 'In-use'} public IPv4"
            " address per hour",
            rate=rate,
            model=Model.HOURS,
            base=1.0,
            usage_kind="hours",
            product={"group": "VPCPublicIPv4Address"},
        )

    # ---- charges ---------------------------------------------------------------------------

    def charge(
        self,
        account_id: str,
        product_code: str,
        native: LineType,
        usage_type: str,
        description: str,
        *,
        owner: str = "",
        region: str = "",
        family: str = "",
        unit: str = "",
        operation: str = "",
    ) -> int:
        self.add(
            None,
            account_id=account_id,
            region=region,
            az="",
            resource_id=owner if native in (LineType.RI_FEE, LineType.SP_RECURRING_FEE) else "",
            product_code=product_code,
            servicecode=product_code,
            usage_type=usage_type,
            operation=operation,
            product_family=family,
            pricing_unit=unit,
            description=description,
            rate=Decimal(0),
            model=Model.CHARGE,
            base=0.0,
            launch=-NEVER,
            terminate=NEVER,
            tags={},
            native_type=native,
            owner=owner,
        )
        return len(self.specs) - 1


def build_streams(estate: Estate) -> Streams:
    f = _StreamFactory(estate)
    makers = {
        "ec2_instance": f.ec2,
        "ebs_volume": f.ebs,
        "ebs_snapshot": f.snapshot,
        "rds_instance": f.rds,
        "s3_bucket": f.s3,
        "lambda_function": f.lambda_,
        "nat_gateway": f.nat,
        "load_balancer": f.elb,
        "elastic_ip": f.eip,
    }
    for resource in estate.resources:
        makers[resource.kind](resource)
    n_usage = len(f.specs)
    payer = estate.payer.account_id
    ri_fee = {
        ri.arn: f.charge(
            payer,
            "AmazonEC2",
            LineType.RI_FEE,
            _ut(ri.region, f"HeavyUsage:{ri.instance_type}"),
            f"USD {ri.hourly_rate} hourly fee per Linux/UNIX (Amazon VPC), {ri.instance_type}"
            " instance",
            owner=ri.arn,
            region=ri.region,
            family="Compute Instance",
            unit="Hrs",
            operation="RunInstances",
        )
        for ri in estate.reservations
    }
    sp_fee = {
        sp.arn: f.charge(
            payer,
            "ComputeSavingsPlans",
            LineType.SP_RECURRING_FEE,
            "ComputeSP:1yrNoUpfront",
            f"1 year No Upfront Compute Savings Plan with ${sp.commitment}/hour commitment",
            owner=sp.arn,
            family="Savings Plan",
            unit="Hrs",
        )
        for sp in estate.savings_plans
    }
    support = f.charge(
        payer,
        "AWSSupportBusiness",
        LineType.FEE,
        "Dollar",
        "AWS Support (Business)",
        family="Support",
        unit="Dollar",
    )
    domain_fee = f.charge(
        payer,
        "AmazonRoute53",
        LineType.FEE,
        "demo-estate.com",
        "Registration of demo-estate.com (1 year)",
        family="Domain",
        unit="Dollar",
        operation="RegisterDomain",
    )
    credited = estate.accounts[1 % len(estate.accounts)].account_id
    credit = f.charge(
        credited, "AmazonEC2", LineType.CREDIT, "", "AWS Activate credit", family="", unit=""
    )
    refunded = estate.accounts[0].account_id
    refund = f.charge(
        refunded,
        "AWSLambda",
        LineType.REFUND,
        "",
        "Refund for Lambda charges (support case 1717171717)",
        unit="",
    )
    pairs = sorted({(s.account_id, s.product_code) for s in f.specs})
    tax = {
        pair: f.charge(pair[0], pair[1], LineType.TAX, "", f"Tax for product code {pair[1]}")
        for pair in pairs
    }
    return _pack(estate, f.specs, n_usage, ri_fee, sp_fee, tax, support, credit, refund, domain_fee)


def _pack(
    estate: Estate,
    specs: list[StreamSpec],
    n_usage: int,
    ri_fee: dict[str, int],
    sp_fee: dict[str, int],
    tax: dict[tuple[str, str], int],
    support: int,
    credit: int,
    refund: int,
    domain_fee: int,
) -> Streams:
    type_codes: dict[tuple[str, str], int] = {}
    for s in specs:
        if s.product_code == "AmazonEC2" and s.instance_type and s.model == Model.HOURS:
            type_codes.setdefault((s.region, s.instance_type), len(type_codes))
    account_ids = [estate.payer.account_id, *(a.account_id for a in estate.accounts)]
    account_index = {a: i for i, a in enumerate(account_ids)}
    product_codes = sorted({s.product_code for s in specs})
    product_index = {p: i for i, p in enumerate(product_codes)}
    static = _static_table(specs)
    return Streams(
        specs=specs,
        static=static,
        rate_units=np.array([float(s.rate * COST_SCALE) for s in specs], dtype=np.float64),
        model=np.array([int(s.model) for s in specs], dtype=np.int8),
        base=np.array([s.base for s in specs], dtype=np.float64),
        launch=np.array([s.launch for s in specs], dtype=np.int64),
        terminate=np.array([s.terminate for s in specs], dtype=np.int64),
        schedule=np.array([s.schedule for s in specs], dtype=np.int8),
        diurnal=np.array([s.diurnal for s in specs], dtype=np.float64),
        weekend=np.array([s.weekend for s in specs], dtype=np.float64),
        noise=np.array([s.noise for s in specs], dtype=np.float64),
        growth=np.array([s.growth for s in specs], dtype=np.float64),
        anomaly=np.array([s.anomaly for s in specs], dtype=np.int32),
        key=np.array(
            [_stable_key(f"{s.resource_id}|{s.usage_type}|{i}") for i, s in enumerate(specs)],
            dtype=np.uint64,
        ),
        type_code=np.array(
            [
                type_codes.get((s.region, s.instance_type), -1)
                if s.product_code == "AmazonEC2" and s.model == Model.HOURS
                else -1
                for s in specs
            ],
            dtype=np.int32,
        ),
        sp_eligible=np.array([s.sp_eligible for s in specs], dtype=np.bool_),
        account_code=np.array([account_index[s.account_id] for s in specs], dtype=np.int32),
        product_code_index=np.array([product_index[s.product_code] for s in specs], dtype=np.int32),
        usage_streams=np.arange(n_usage, dtype=np.int64),
        type_codes=type_codes,
        account_ids=account_ids,
        product_codes=product_codes,
        ri_fee=ri_fee,
        sp_fee=sp_fee,
        tax=tax,
        support=support,
        credit=credit,
        refund=refund,
        domain_fee=domain_fee,
    )


MAP_TYPE = pa.map_(pa.string(), pa.string())


def _tag_key(key: str) -> str:
    """CUR 2.0 key of a tag in ``resource_tags``: ``cost-center`` → ``user_cost_center``."""
    return "user_" + "".join(c if c.isalnum() else "_" for c in key)


def _static_table(specs: list[StreamSpec]) -> pa.Table:
    def col(name: str) -> pa.Array:
        return pa.array([getattr(s, name) for s in specs], pa.string())

    regions = [s.region for s in specs]
    skus = [
        _sku(s.product_code, s.usage_type, s.operation, s.region) if s.model != Model.CHARGE else ""
        for s in specs
    ]
    product_maps = [sorted(s.product.items()) for s in specs]
    tag_maps = [sorted((_tag_key(k), v) for k, v in s.tags.items()) for s in specs]
    cost_categories = [
        [("business_unit", catalog.BUSINESS_UNITS.get(s.tags.get("team", ""), "Unallocated"))]
        for s in specs
    ]
    legacy_tags = [sorted((f"user:{k}", v) for k, v in s.tags.items()) for s in specs]
    return pa.table(
        {
            "account_id": col("account_id"),
            "account_name": col("account_name"),
            "region": pa.array(regions, pa.string()),
            "az": col("az"),
            "product_code": col("product_code"),
            "servicecode": col("servicecode"),
            "usage_type": col("usage_type"),
            "operation": col("operation"),
            "resource_id": col("resource_id"),
            "product_family": col("product_family"),
            "pricing_unit": col("pricing_unit"),
            "description": col("description"),
            "instance_type": col("instance_type"),
            "rate": pa.array([_rate_text(s.rate) for s in specs], pa.string()),
            "normalization_factor": pa.array([s.normalization_factor for s in specs], pa.float64()),
            "sku": pa.array(skus, pa.string()),
            "location": pa.array(
                [catalog.REGIONS[r].name if r else "" for r in regions], pa.string()
            ),
            "product": pa.array(product_maps, MAP_TYPE),
            "resource_tags": pa.array(tag_maps, MAP_TYPE),
            "cost_category": pa.array(cost_categories, MAP_TYPE),
            "legacy_tags": pa.array(legacy_tags, MAP_TYPE),
            "owner": col("owner"),
        }
    )


def _rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text if "." in text else f"{text}.0"


def active_hours_estimate(streams: Streams, hours: int) -> int:
    """Number of usage stream-hours inside [0, hours) (office-hours streams count ~ a third)."""
    lo = np.clip(streams.launch[streams.usage_streams], 0, hours)
    hi = np.clip(streams.terminate[streams.usage_streams], 0, hours)
    span = np.maximum(0, hi - lo).astype(np.float64)
    span[streams.schedule[streams.usage_streams] == 1] *= 60.0 / 168.0
    return int(span.sum())


__all__ = [
    "COST_SCALE",
    "DAY_H",
    "LINE_TYPE_NAMES",
    "LineType",
    "Model",
    "Streams",
    "build_streams",
]
