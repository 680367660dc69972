"""FOCUS 1.x files as providers write them: csv with literal NULLs, JSON tags, mixed providers."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

COLUMNS = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
)


@dataclass
class FocusFile:
    rows: list[dict[str, str]] = field(default_factory=list)

    def add(
        self,
        *,
        provider: str,
        day: datetime,
        billed: str,
        effective: str | None = None,
        list_cost: str | None = None,
        account: str = "acct-1",
        service: str = "Compute Engine",
        currency: str = "USD",
        tags: dict[str, str] | None = None,
        category: str = "Usage",
        hours: int = 24,
        extra: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
    ) -> None:
        """One row; ``extra`` sets more columns (FOCUS 1.2/1.3, ``x_`` custom ones) and
        ``drop`` leaves columns out of the row (and of the file when no row has them)."""
        period_start = day.replace(day=1, hour=0)
        period_end = (period_start + timedelta(days=32)).replace(day=1)
        row = dict.fromkeys(COLUMNS, "NULL")  # real exports write literal NULLs
        row.update(
            {
                "BilledCost": billed,
                "EffectiveCost": effective or billed,
                "ListCost": list_cost or billed,
                "ContractedCost": billed,
                "BillingAccountId": f"{provider.lower()}-billing",
                "BillingAccountName": f"{provider} billing",
                "BillingCurrency": currency,
                "BillingPeriodStart": f"{period_start:%Y-%m-%dT%H:%M:%SZ}",
                "BillingPeriodEnd": f"{period_end:%Y-%m-%dT%H:%M:%SZ}",
                "ChargeCategory": category,
                "ChargeDescription": "",
                "ChargePeriodStart": f"{day:%Y-%m-%dT%H:%M:%SZ}",
                "ChargePeriodEnd": f"{day + timedelta(hours=hours):%Y-%m-%dT%H:%M:%SZ}",
                "ProviderName": provider,
                "PublisherName": provider,
                "InvoiceIssuerName": provider,
                "ServiceName": service,
                "ServiceCategory": "Compute",
                "SubAccountId": account,
                "RegionId": "europe-west1",
                "Tags": json.dumps(tags) if tags else "NULL",
            }
        )
        row.update(extra or {})
        for column in drop:
            row.pop(column, None)
        self.rows.append(row)

    def write_csv(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as handle:
            present = [c for c in COLUMNS if not self.rows or any(c in r for r in self.rows)]
            names = list(dict.fromkeys([*present, *(k for row in self.rows for k in row)]))
            writer = csv.DictWriter(handle, fieldnames=names, restval="NULL")
            writer.writeheader()
            writer.writerows(self.rows)
        return path

    def total(self, column: str = "BilledCost", provider: str | None = None) -> Decimal:
        return sum(
            (
                Decimal(r[column])
                for r in self.rows
                if provider is None or r.get("ProviderName") == provider
            ),
            Decimal(0),
        )
