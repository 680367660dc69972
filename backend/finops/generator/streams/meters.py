"""The billable meters of each resource kind: usage types, operations, rates and amount models
as AWS bills them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from finops.generator import catalog
from finops.generator.estate.model import Resource
from finops.generator.streams.factory import StreamFactory, usage_type
from finops.generator.streams.model import Model


class Meter(NamedTuple):
    """What a meter's lines say of the product: the service, usage type (without the region
    prefix), operation, product family, pricing unit, amount model and usage kind."""

    service: str
    usage: str
    operation: str
    family: str
    unit: str
    model: Model
    usage_kind: str


# The meters whose usage type takes nothing from the resource (a data table).
SNAPSHOT = Meter(
    "AmazonEC2",
    "EBS:SnapshotUsage",
    "CreateSnapshot",
    "Storage Snapshot",
    "GB-Mo",
    Model.GB_MONTH,
    "storage",
)
RDS_STORAGE = Meter(
    "AmazonRDS",
    "RDS:GP2-Storage",
    "CreateDBInstance:0002",
    "Database Storage",
    "GB-Mo",
    Model.GB_MONTH,
    "storage",
)
S3_STORAGE = Meter(
    "AmazonS3",
    "TimedStorage-ByteHrs",
    "StandardStorage",
    "Storage",
    "GB-Mo",
    Model.STORAGE,
    "storage",
)
S3_TIER1 = Meter(
    "AmazonS3", "Requests-Tier1", "PutObject", "API Request", "Requests", Model.VARIABLE, "requests"
)
LAMBDA_REQUESTS = Meter(
    "AWSLambda", "Request", "Invoke", "Serverless", "Requests", Model.VARIABLE, "requests"
)
LAMBDA_DURATION = Meter(
    "AWSLambda",
    "Lambda-GB-Second",
    "Invoke",
    "Serverless",
    "Lambda-GB-Second",
    Model.VARIABLE,
    "duration",
)
NAT_HOURS = Meter(
    "AmazonEC2", "NatGateway-Hours", "NatGateway", "NAT Gateway", "Hrs", Model.HOURS, "hours"
)
NAT_BYTES = Meter(
    "AmazonEC2", "NatGateway-Bytes", "NatGateway", "NAT Gateway", "GB", Model.VARIABLE, "bytes"
)
ALB_HOURS = Meter(
    "AWSELB",
    "LoadBalancerUsage",
    "LoadBalancing:Application",
    "Load Balancer-Application",
    "Hrs",
    Model.HOURS,
    "hours",
)
ALB_LCU = Meter(
    "AWSELB",
    "LCUUsage",
    "LoadBalancing:Application",
    "Load Balancer-Application",
    "LCU-Hrs",
    Model.VARIABLE,
    "lcu",
)


class ResourceMeters(StreamFactory):
    """A ``StreamFactory`` with one method per resource kind adding that kind's meters."""

    def meter(
        self,
        r: Resource,
        m: Meter,
        *,
        rate: Decimal,
        base: float,
        description: str,
        product: dict[str, str],
        **fields: Any,
    ) -> None:
        """One stream of ``r`` billed as ``m`` (``fields`` adds or overrides stream fields)."""
        self.add(
            r,
            **{
                "product_code": m.service,
                "servicecode": m.service,
                "usage_type": usage_type(r.region, m.usage),
                "operation": m.operation,
                "product_family": m.family,
                "pricing_unit": m.unit,
                "description": description,
                "rate": rate,
                "model": m.model,
                "base": base,
                "usage_kind": m.usage_kind,
                "product": product,
                **fields,
            },
        )

    def ec2(self, r: Resource) -> None:
        itype = r.attrs["instance_type"]
        spec = catalog.instance_spec(itype)
        rate = catalog.regional_price(spec.price, r.region)
        schedule = 1 if r.attrs["schedule"] == "office_hours" else 0
        self.meter(
            r,
            Meter(
                "AmazonEC2",
                f"BoxUsage:{itype}",
                "RunInstances",
                "Compute Instance",
                "Hrs",
                Model.HOURS,
                "",
            ),
            rate=rate,
            base=1.0,
            description=f"${rate} per On Demand Linux {itype} Instance Hour",
            schedule=schedule,
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
            self.meter(
                r,
                Meter(
                    "AmazonEC2",
                    "DataTransfer-Out-Bytes",
                    "RunInstances",
                    "Data Transfer",
                    "GB",
                    Model.VARIABLE,
                    "egress",
                ),
                rate=catalog.DATA_TRANSFER_OUT_PER_GB,
                base=float(egress),
                description=f"${catalog.DATA_TRANSFER_OUT_PER_GB} per GB - first 10 TB / month"
                " data transfer out beyond the global free tier",
                servicecode="AWSDataTransfer",
                schedule=schedule,
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
        operation = "CreateVolume-Gp3" if vtype == "gp3" else "CreateVolume-Gp2"
        usage = catalog.EBS_USAGE_TYPE[vtype]
        self.meter(
            r,
            Meter("AmazonEC2", usage, operation, "Storage", "GB-Mo", Model.GB_MONTH, "storage"),
            rate=rate,
            base=float(r.attrs["size_gb"]),
            description=f"${rate} per GB-month of {vtype} provisioned storage",
            product={
                "volume_api_name": vtype,
                "volume_type": "General Purpose" if vtype.startswith("gp") else "Provisioned IOPS",
                "storage_media": "SSD-backed",
                "max_volume_size": "16 TiB",
            },
        )

    def snapshot(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.SNAPSHOT_GB_MONTH, r.region)
        self.meter(
            r,
            SNAPSHOT,
            rate=rate,
            base=float(r.attrs["size_gb"]),
            description=f"${rate} per GB-Month of snapshot data stored",
            resource_id=r.ec2_arn("snapshot"),
            product={"storage_media": "Amazon S3"},
        )

    def rds(self, r: Resource) -> None:
        cls = r.attrs["instance_class"]
        family, size = cls.rsplit(".", 1)
        rate = catalog.regional_price(
            catalog.RDS_FAMILIES[family] * catalog.SIZE_MULTIPLE[size], r.region
        )
        common = {"database_engine": "MySQL", "deployment_option": "Single-AZ"}
        instance = Meter(
            "AmazonRDS",
            f"InstanceUsage:{cls}",
            "CreateDBInstance:0002",
            "Database Instance",
            "Hrs",
            Model.HOURS,
            "",
        )
        if not r.attrs.get("stopped"):  # a stopped database bills its storage only
            self.meter(
                r,
                instance,
                rate=rate,
                base=1.0,
                description=f"${rate} per RDS {cls} instance hour (or partial hour) running MySQL",
                instance_type=cls,
                product={"instance_type": cls, **common},
            )
        srate = catalog.regional_price(catalog.RDS_STORAGE_GB_MONTH, r.region)
        self.meter(
            r,
            RDS_STORAGE,
            rate=srate,
            base=float(r.attrs["storage_gb"]),
            description=f"${srate} per GB-month of provisioned GP2 storage running MySQL",
            product={"volume_type": "General Purpose", **common},
        )

    def s3(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.S3_STANDARD_GB_MONTH, r.region)
        self.meter(
            r,
            S3_STORAGE,
            rate=rate,
            base=float(r.attrs["storage_gb"]),
            description=f"${rate} per GB - first 50 TB / month of storage used",
            az="",
            product={"storage_class": "General Purpose", "volume_type": "Standard"},
        )
        self.meter(
            r,
            S3_TIER1,
            rate=catalog.regional_price(catalog.S3_TIER1_PER_REQUEST, r.region),
            base=float(r.attrs["requests_hour"]),
            description="$0.005 per 1,000 PUT, COPY, POST, or LIST requests",
            az="",
            product={"group": "S3-API-Tier1"},
        )

    def lambda_(self, r: Resource) -> None:
        requests = float(r.attrs["requests_hour"])
        gbs = requests * r.attrs["memory_mb"] / 1024.0 * r.attrs["duration_ms"] / 1000.0
        for m, price, base, what, group in (
            (LAMBDA_REQUESTS, catalog.LAMBDA_PER_REQUEST, requests, "Requests", "Requests"),
            (
                LAMBDA_DURATION,
                catalog.LAMBDA_PER_GB_SECOND,
                round(gbs, 3),
                "Compute (GB-Seconds)",
                "Duration",
            ),
        ):
            self.meter(
                r,
                m,
                rate=catalog.regional_price(price, r.region),
                base=base,
                description=f"AWS Lambda - Total {what}",
                az="",
                product={"group": f"AWS-Lambda-{group}"},
            )

    def nat(self, r: Resource) -> None:
        arn = r.ec2_arn("natgateway")
        for m, price, base, what in (
            (NAT_HOURS, catalog.NAT_PER_HOUR, 1.0, "Hour"),
            (NAT_BYTES, catalog.NAT_PER_GB, float(r.attrs["gb_hour"]), "GB processed"),
        ):
            rate = catalog.regional_price(price, r.region)
            self.meter(
                r,
                m,
                rate=rate,
                base=base,
                description=f"${rate} per NAT Gateway {what}",
                resource_id=arn,
                product={"group": "NGW:NatGateway"},
            )

    def elb(self, r: Resource) -> None:
        rate = catalog.regional_price(catalog.ALB_PER_HOUR, r.region)
        self.meter(
            r,
            ALB_HOURS,
            rate=rate,
            base=1.0,
            description=f"${rate} per Application LoadBalancer-hour (or partial hour)",
            product={"group": "ELB:Balancer"},
        )
        if r.attrs["lcu_hour"] > 0:
            lcu = catalog.regional_price(catalog.ALB_PER_LCU_HOUR, r.region)
            self.meter(
                r,
                ALB_LCU,
                rate=lcu,
                base=float(r.attrs["lcu_hour"]),
                description=f"${lcu} per used Application load balancer capacity unit-hour",
                product={"group": "ELB:Balancer"},
            )

    def eip(self, r: Resource) -> None:
        idle = not r.attrs["associated_with"]
        state = "IdleAddress" if idle else "InUseAddress"
        operation = "AllocateAddressVPC" if idle else "AssociateAddressVPC"
        rate = catalog.PUBLIC_IPV4_PER_HOUR
        self.meter(
            r,
            Meter(
                "AmazonVPC",
                f"PublicIPv4:{state}",
                operation,
                "VPC Public IPv4 Address",
                "Hrs",
                Model.HOURS,
                "hours",
            ),
            rate=rate,
            base=1.0,
            description=f"${rate} per {'Idle' if idle else 'In-use'} public IPv4 address per hour",
            az="",
            product={"group": "VPCPublicIPv4Address"},
        )

    def add_resource(self, r: Resource) -> None:
        """Every meter of ``r``."""
        {
            "ec2_instance": self.ec2,
            "ebs_volume": self.ebs,
            "ebs_snapshot": self.snapshot,
            "rds_instance": self.rds,
            "s3_bucket": self.s3,
            "lambda_function": self.lambda_,
            "nat_gateway": self.nat,
            "load_balancer": self.elb,
            "elastic_ip": self.eip,
        }[r.kind](r)
