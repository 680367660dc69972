"""OCI cost reports as Oracle documents them: csv, the cost report columns in their documented
order, ``YYYY-MM-DDTHH:MMZ`` interval timestamps, and one ``tags/<namespace>.<key>`` column per
tag (empty where a resource lacks the tag)."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

COLUMNS = (
    "lineItem/referenceNo", "lineItem/tenantId", "lineItem/intervalUsageStart",
    "lineItem/intervalUsageEnd", "product/service", "product/resource", "product/compartmentId",
    "product/compartmentName", "product/region", "product/availabilityDomain",
    "product/resourceId", "usage/billedQuantity", "usage/billedQuantityOverage",
    "cost/subscriptionId", "cost/productSku", "product/Description", "cost/unitPrice",
    "cost/unitPriceOverage", "cost/myCost", "cost/myCostOverage", "cost/currencyCode",
    "cost/billingUnitReadable", "cost/skuUnitDescription", "cost/overageFlag",
    "lineItem/isCorrection", "lineItem/backReference",
)  # fmt: skip

TENANCY = "ocid1.tenancy.oc1..aaaaaaaexample"


@dataclass
class OciReport:
    tag_keys: tuple[str, ...] = ("Oracle-Tags.CreatedBy", "Finance.CostCenter")
    rows: list[dict[str, str]] = field(default_factory=list)

    def add(
        self,
        *,
        start: datetime,
        cost: str,
        quantity: str = "1",
        unit_price: str = "0.025",
        service: str = "COMPUTE",
        compartment: str = "apps",
        tags: dict[str, str] | None = None,
        correction_of: str | None = None,
    ) -> str:
        reference = f"ref-{len(self.rows) + 1:06d}"
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            {
                "lineItem/referenceNo": reference,
                "lineItem/tenantId": TENANCY,
                "lineItem/intervalUsageStart": start.strftime("%Y-%m-%dT%H:%MZ"),
                "lineItem/intervalUsageEnd": (start + timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%MZ"
                ),
                "product/service": service,
                "product/resource": "PIC_COMPUTE_STANDARD_E4_FLEX",
                "product/compartmentId": f"ocid1.compartment.oc1..{compartment}",
                "product/compartmentName": compartment,
                "product/region": "eu-frankfurt-1",
                "product/availabilityDomain": "EU-FRANKFURT-1-AD-1",
                "product/resourceId": f"ocid1.instance.oc1.eu-frankfurt-1.{compartment}",
                "usage/billedQuantity": quantity,
                "cost/subscriptionId": "12345678",
                "cost/productSku": "B93113",
                "product/Description": "Compute - Standard - E4 - OCPU",
                "cost/unitPrice": unit_price,
                "cost/myCost": cost,
                "cost/currencyCode": "EUR",
                "cost/billingUnitReadable": "OCPU Per Hour",
                "cost/skuUnitDescription": "OCPU Per Hour",
                "cost/overageFlag": "N",
                "lineItem/isCorrection": "true" if correction_of else "",
                "lineItem/backReference": correction_of or "",
            }
        )
        for key in self.tag_keys:
            row[f"tags/{key}"] = (tags or {}).get(key, "")
        self.rows.append(row)
        return reference

    def write(self, path: Path) -> Path:
        """A gzipped csv, as OCI delivers its reports (``…-00001.csv.gz``)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=[*COLUMNS, *(f"tags/{k}" for k in self.tag_keys)]
            )
            writer.writeheader()
            writer.writerows(self.rows)
        return path

    def total(self) -> Decimal:
        return sum((Decimal(r["cost/myCost"]) for r in self.rows), Decimal(0))
