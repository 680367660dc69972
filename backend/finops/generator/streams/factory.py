"""``StreamFactory``: adds one stream for a resource's meter (its lifecycle, tags, workload shape
and anomaly taken from the resource) or for a non-usage charge."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from finops.generator import catalog
from finops.generator.estate.model import Estate, Resource
from finops.generator.streams.model import NEVER, LineType, Model, StreamSpec


def sku(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:16])


def stable_key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def usage_prefix(region: str) -> str:
    return catalog.REGIONS[region].usage_prefix


def usage_type(region: str, usage: str) -> str:
    """Usage types carry a region prefix (none in us-east-1, as AWS does)."""
    return f"{usage_prefix(region)}{usage}"


class StreamFactory:
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
