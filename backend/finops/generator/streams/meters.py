"""The billable meters of each resource kind: usage types, operations, rates and amount models
as AWS bills them."""

from __future__ import annotations

from finops.generator import catalog
from finops.generator.estate.model import Resource
from finops.generator.streams.factory import StreamFactory, usage_type
from finops.generator.streams.model import Model


class ResourceMeters(StreamFactory):
    """A ``StreamFactory`` with one method per resource kind adding that kind's meters."""

    def ec2(self, r: Resource) -> None:
        itype = r.attrs["instance_type"]
        spec = catalog.instance_spec(itype)
        rate = catalog.regional_price(spec.price, r.region)
        self.add(
            r,
            product_code="AmazonEC2",
            servicecode="AmazonEC2",
            usage_type=usage_type(r.region, f"BoxUsage:{itype}"),
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
                usage_type=usage_type(r.region, "DataTransfer-Out-Bytes"),
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
            usage_type=usage_type(r.region, catalog.EBS_USAGE_TYPE[vtype]),
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
            usage_type=usage_type(r.region, "EBS:SnapshotUsage"),
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
            usage_type=usage_type(r.region, f"InstanceUsage:{cls}"),
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
            usage_type=usage_type(r.region, "RDS:GP2-Storage"),
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
            usage_type=usage_type(r.region, "TimedStorage-ByteHrs"),
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
            usage_type=usage_type(r.region, "Requests-Tier1"),
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
            usage_type=usage_type(r.region, "Request"),
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
            usage_type=usage_type(r.region, "Lambda-GB-Second"),
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
                usage_type=usage_type(r.region, usage),
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
            usage_type=usage_type(r.region, "LoadBalancerUsage"),
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
                usage_type=usage_type(r.region, "LCUUsage"),
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
            usage_type=usage_type(r.region, f"PublicIPv4:{state}"),
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
