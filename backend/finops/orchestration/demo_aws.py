"""The demo's AWS: a moto server in the demo's own process, holding the EC2 resources of the
demo estate's open findings under the ids its bill names, so that remediation runs end to end
(propose, approve, DryRun, execute, verify, roll back) without an AWS account.

The demo estate is simulated; moto assigns its own resource ids, so while the demo creates a
finding's resource it makes moto's id generator return the finding's id (the server runs in
this process, on threads, so the generators are this process's). Only the demo does this; the
platform itself never maps ids. The server lives as long as the demo; a second demo run
recreates the resources of the findings still open.

Every process the demo starts (Airflow and its tasks, the API) reaches it through
``FINOPS_AWS_ENDPOINT_URL`` and moto's test credentials in the environment."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import structlog
from sqlalchemy import Engine, select

from finops.warehouse.tables import findings, inventory_resources

log = structlog.get_logger(__name__)

REMEDIATION_ROLE = "FinOpsRemediation"
MIRRORED = (
    "idle_instance",
    "oversized_instance",
    "unattached_volume",
    "gp2_volume",
    "unassociated_eip",
)
_GENERATORS = {
    "instance": ("moto.ec2.models.instances", "random_instance_id"),
    "volume": ("moto.ec2.models.elastic_block_store", "random_volume_id"),
    "eip": ("moto.ec2.models.elastic_ip_addresses", "random_eip_allocation_id"),
}
_next: dict[str, str] = {}
_lock = threading.Lock()
_installed = False


def _install() -> None:
    """Wrap moto's id generators once: the id queued for a kind, else moto's own."""
    global _installed
    import importlib

    if _installed:
        return
    for kind, (module_name, attr) in _GENERATORS.items():
        module = importlib.import_module(module_name)
        original: Callable[[], str] = getattr(module, attr)

        def generate(kind: str = kind, original: Callable[[], str] = original) -> str:
            return _next.pop(kind, None) or original()

        setattr(module, attr, generate)
    _installed = True


@contextmanager
def _as(kind: str, resource_id: str) -> Iterator[None]:
    with _lock:
        _next[kind] = resource_id
        try:
            yield
        finally:
            _next.pop(kind, None)


@dataclass
class MirrorReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: int = 0


class DemoAws:
    """An in-process moto server for the demo."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        _install()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        self.server.stop()

    def env(self) -> dict[str, str]:
        """What the demo's child processes need to reach it."""
        return {
            "FINOPS_AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self, service: str, account_id: str, region: str) -> Any:
        base = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        sts = base.client("sts", endpoint_url=self.endpoint)  # type: ignore[call-overload]
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{REMEDIATION_ROLE}",
            RoleSessionName="finops-demo",
        )["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=region,
        )
        return session.client(service, endpoint_url=self.endpoint)  # type: ignore[call-overload]

    def mirror(self, engine: Engine) -> MirrorReport:
        """Create the resource of every open EC2 finding the demo policies act on."""
        report = MirrorReport()
        f, inv = findings, inventory_resources
        with engine.connect() as conn:
            rows = conn.execute(
                select(f.c.finding_type, f.c.account_id, f.c.region, f.c.resource_id, f.c.details)
                .where(
                    f.c.status.in_(("new", "open")),
                    f.c.finding_type.in_(MIRRORED),
                    f.c.resource_id.is_not(None),
                    f.c.region.is_not(None),
                )
                .order_by(f.c.account_id, f.c.region, f.c.resource_id)
            ).all()
            tags = {
                r.resource_id: dict(r.tags or {})
                for r in conn.execute(select(inv.c.resource_id, inv.c.tags))
            }
        for finding_type, account_id, region, resource_id, details in rows:
            ec2 = self.client("ec2", account_id, region)
            made = self._create(
                ec2,
                finding_type,
                resource_id,
                dict(details or {}),
                tags.get(resource_id, {}),
                region,
            )
            if made:
                report.created[finding_type] = report.created.get(finding_type, 0) + 1
            else:
                report.existing += 1
        log.info("demo_aws.mirrored", created=report.created, existing=report.existing)
        return report

    def _create(
        self,
        ec2: Any,
        finding_type: str,
        resource_id: str,
        details: dict[str, Any],
        tags: dict[str, str],
        region: str,
    ) -> bool:
        spec = [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())][:40]
        if finding_type in ("idle_instance", "oversized_instance"):
            if ec2.describe_instances(Filters=[{"Name": "instance-id", "Values": [resource_id]}])[
                "Reservations"
            ]:
                return False
            image = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]
            kwargs: dict[str, Any] = {
                "ImageId": image,
                "MinCount": 1,
                "MaxCount": 1,
                "InstanceType": details.get("instance_type") or "m5.large",
            }
            if spec:
                kwargs["TagSpecifications"] = [{"ResourceType": "instance", "Tags": spec}]
            with _as("instance", resource_id):
                ec2.run_instances(**kwargs)
            return True
        if finding_type in ("unattached_volume", "gp2_volume"):
            if ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [resource_id]}])[
                "Volumes"
            ]:
                return False
            volume_type = (
                "gp2" if finding_type == "gp2_volume" else details.get("volume_type", "gp3")
            )
            kwargs = {
                "Size": int(details.get("size_gb") or 100),
                "AvailabilityZone": f"{region}a",
                "VolumeType": volume_type,
            }
            if spec:
                kwargs["TagSpecifications"] = [{"ResourceType": "volume", "Tags": spec}]
            with _as("volume", resource_id):
                ec2.create_volume(**kwargs)
            return True
        # unassociated_eip
        known = ec2.describe_addresses()["Addresses"]
        if any(a.get("AllocationId") == resource_id for a in known):
            return False
        with _as("eip", resource_id):
            ec2.allocate_address(Domain="vpc")
        return True
