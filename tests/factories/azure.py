"""Azure Cost Management cost details exports, laid out as Microsoft documents them.

EA (enterprise agreement) and MCA (Microsoft customer agreement) column sets in the documented
order, one csv per dataset (actual or amortized cost). EA files write dates as MM/DD/YYYY and
tags as a JSON object without its braces (older exports); MCA files write tags with braces.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

EA_COLUMNS = (
    "InvoiceSectionName", "AccountName", "AccountOwnerId", "SubscriptionId", "SubscriptionName",
    "ResourceGroup", "ResourceLocation", "Date", "ProductName", "MeterCategory",
    "MeterSubCategory", "MeterId", "MeterName", "MeterRegion", "UnitOfMeasure", "Quantity",
    "EffectivePrice", "CostInBillingCurrency", "CostCenter", "ConsumedService", "ResourceId",
    "Tags", "OfferId", "AdditionalInfo", "ServiceInfo1", "ServiceInfo2", "ResourceName",
    "ReservationId", "ReservationName", "UnitPrice", "ProductOrderId", "ProductOrderName", "Term",
    "PublisherType", "PublisherName", "ChargeType", "Frequency", "PricingModel",
    "AvailabilityZone", "BillingAccountId", "BillingAccountName", "BillingCurrencyCode",
    "BillingPeriodStartDate", "BillingPeriodEndDate", "BillingProfileId", "BillingProfileName",
    "InvoiceSectionId", "IsAzureCreditEligible", "PartNumber", "PayGPrice", "PlanName",
    "ServiceFamily", "CostAllocationRuleName", "benefitId", "benefitName",
)  # fmt: skip

MCA_COLUMNS = (
    "invoiceId", "previousInvoiceId", "billingAccountId", "billingAccountName",
    "billingProfileId", "billingProfileName", "invoiceSectionId", "invoiceSectionName",
    "resellerName", "resellerMpnId", "costCenter", "billingPeriodEndDate",
    "billingPeriodStartDate", "servicePeriodEndDate", "servicePeriodStartDate", "date",
    "serviceFamily", "productOrderId", "productOrderName", "consumedService", "meterId",
    "meterName", "meterCategory", "meterSubCategory", "meterRegion", "ProductId", "ProductName",
    "SubscriptionId", "subscriptionName", "publisherType", "publisherId", "publisherName",
    "resourceGroupName", "ResourceId", "resourceLocation", "location", "effectivePrice",
    "quantity", "unitOfMeasure", "chargeType", "billingCurrency", "pricingCurrency",
    "costInBillingCurrency", "costInPricingCurrency", "costInUsd", "paygCostInBillingCurrency",
    "paygCostInUsd", "exchangeRatePricingToBilling", "exchangeRateDate", "isAzureCreditEligible",
    "serviceInfo1", "serviceInfo2", "additionalInfo", "tags", "PayGPrice", "frequency", "term",
    "reservationId", "reservationName", "pricingModel", "unitPrice", "costAllocationRuleName",
    "benefitId", "benefitName", "provider",
)  # fmt: skip

RESERVATION = (
    "/providers/Microsoft.Capacity/reservationOrders/11111111-aaaa/reservations/22222222-bbbb"
)


@dataclass
class AzureCharge:
    day: date
    cost: str
    charge_type: str = "Usage"  # Usage, Purchase, Refund, UnusedReservation, RoundingAdjustment
    pricing_model: str = "OnDemand"  # OnDemand, Reservation, SavingsPlan, Spot
    frequency: str = "UsageBased"
    quantity: str = "24"
    unit_price: str = "0.5"
    payg_price: str = "0.5"
    meter_category: str = "Virtual Machines"
    resource: str | None = "vm-1"
    tags: dict[str, str] = field(default_factory=dict)
    benefit: str | None = None
    subscription: str = "sub-0001"


@dataclass
class AzureExport:
    """One cost details dataset of one billing period."""

    agreement: str  # "EA" or "MCA"
    dataset: str  # "actual" or "amortized"
    charges: list[AzureCharge] = field(default_factory=list)

    def row(self, c: AzureCharge) -> dict[str, str]:
        ea = self.agreement == "EA"
        period_start = c.day.replace(day=1)
        next_month = date(
            period_start.year + period_start.month // 12, period_start.month % 12 + 1, 1
        )
        period_end = date.fromordinal(next_month.toordinal() - 1)
        resource_id = (
            f"/subscriptions/{c.subscription}/resourceGroups/rg-app/providers/"
            f"Microsoft.Compute/virtualMachines/{c.resource}"
            if c.resource
            else ""
        )
        tags = json.dumps(c.tags, separators=(",", ": ")) if c.tags else ""
        if ea and tags:
            tags = tags[1:-1]  # EA's older exports leave the braces out
        us = "%m/%d/%Y"
        values = {
            "billingaccountid": "EA-100" if ea else "MCA-ACC-1",
            "billingaccountname": "Contoso EA" if ea else "Contoso MCA",
            "billingprofileid": "EA-100" if ea else "BP-7",
            "billingprofilename": "Contoso EA" if ea else "Contoso profile",
            "accountownerid": "owner@contoso.example",
            "accountname": "Contoso IT",
            "subscriptionid": c.subscription,
            "subscriptionname": f"Subscription {c.subscription}",
            "resourcegroup": "rg-app",
            "resourcegroupname": "rg-app",
            "resourcelocation": "West Europe",
            "location": "EU West",
            "date": c.day.strftime(us),
            "billingperiodstartdate": period_start.strftime(us),
            "billingperiodenddate": period_end.strftime(us),
            "serviceperiodstartdate": period_start.strftime(us),
            "serviceperiodenddate": period_end.strftime(us),
            "productname": f"{c.meter_category} D2s v3 - EU West",
            "metercategory": c.meter_category,
            "metersubcategory": "Dsv3 Series",
            "meterid": "meter-d2sv3",
            "metername": "D2s v3",
            "meterregion": "EU West",
            "unitofmeasure": "1 Hour",
            "quantity": c.quantity,
            "effectiveprice": c.unit_price,
            "costinbillingcurrency": c.cost,
            "costinpricingcurrency": c.cost,
            "costinusd": c.cost,
            "paygcostinbillingcurrency": str(Decimal(c.payg_price) * Decimal(c.quantity)),
            "paygcostinusd": str(Decimal(c.payg_price) * Decimal(c.quantity)),
            "exchangeratepricingtobilling": "1",
            "exchangeratedate": period_start.strftime(us),
            "consumedservice": "Microsoft.Compute",
            "resourceid": resource_id,
            "resourcename": c.resource or "",
            "tags": tags,
            "reservationid": c.benefit.rsplit("/", 1)[-1] if c.benefit else "",
            "reservationname": "vm-reservation" if c.benefit else "",
            "unitprice": c.unit_price,
            "paygprice": c.payg_price,
            "publishertype": "Azure",
            "publishername": "Microsoft",
            "chargetype": c.charge_type,
            "frequency": c.frequency,
            "pricingmodel": c.pricing_model,
            "availabilityzone": "",
            "billingcurrencycode": "EUR",
            "billingcurrency": "EUR",
            "pricingcurrency": "EUR",
            "invoiceid": "" if ea else "G000123456",
            "invoicesectionid": "IS-1",
            "invoicesectionname": "Engineering",
            "isazurecrediteligible": "True",
            "partnumber": "AAA-00001",
            "productid": "DZH318Z0BQ4L",
            "servicefamily": "Compute",
            "term": "12" if c.benefit else "",
            "benefitid": c.benefit or "",
            "benefitname": "vm-reservation" if c.benefit else "",
            "provider": "Azure",
        }
        columns = EA_COLUMNS if ea else MCA_COLUMNS
        return {name: values.get(name.lower(), "") for name in columns}

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = EA_COLUMNS if self.agreement == "EA" else MCA_COLUMNS
        with path.open("w", newline="", encoding="utf-8-sig") as handle:  # Azure writes a BOM
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(self.row(c) for c in self.charges)
        return path

    def total(self) -> Decimal:
        return sum((Decimal(c.cost) for c in self.charges), Decimal(0))
