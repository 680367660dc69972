"""FOCUS 1.2 output of the same line items (as an AWS Data Exports FOCUS export would deliver).

Savings Plan negation lines are folded into the covered usage row (BilledCost 0, EffectiveCost
the Savings Plan rate), as the AWS FOCUS export does, so totals per day, sub account and service
equal the CUR's net unblended cost. Money columns are ``decimal128(38, 10)``.
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from finops.generator import catalog
from finops.generator.arrowutil import TS, constant, from_codes, money_decimal, timestamps
from finops.generator.billing.batch import LineBatch
from finops.generator.cur2 import LEGAL_ENTITY, Cur2Converter
from finops.generator.estate.model import Estate
from finops.generator.period_context import PeriodContext
from finops.generator.streams.model import COST_SCALE, LineType, Streams

S, M, T = pa.string(), pa.decimal128(38, 10), TS

FOCUS_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("AvailabilityZone", S),
    ("BilledCost", M),
    ("BillingAccountId", S),
    ("BillingAccountName", S),
    ("BillingAccountType", S),
    ("BillingCurrency", S),
    ("BillingPeriodEnd", T),
    ("BillingPeriodStart", T),
    ("CapacityReservationId", S),
    ("CapacityReservationStatus", S),
    ("ChargeCategory", S),
    ("ChargeClass", S),
    ("ChargeDescription", S),
    ("ChargeFrequency", S),
    ("ChargePeriodEnd", T),
    ("ChargePeriodStart", T),
    ("CommitmentDiscountCategory", S),
    ("CommitmentDiscountId", S),
    ("CommitmentDiscountName", S),
    ("CommitmentDiscountQuantity", M),
    ("CommitmentDiscountStatus", S),
    ("CommitmentDiscountType", S),
    ("CommitmentDiscountUnit", S),
    ("ConsumedQuantity", M),
    ("ConsumedUnit", S),
    ("ContractedCost", M),
    ("ContractedUnitPrice", M),
    ("EffectiveCost", M),
    ("InvoiceId", S),
    ("InvoiceIssuerName", S),
    ("ListCost", M),
    ("ListUnitPrice", M),
    ("PricingCategory", S),
    ("PricingCurrency", S),
    ("PricingCurrencyContractedUnitPrice", M),
    ("PricingCurrencyEffectiveCost", M),
    ("PricingCurrencyListUnitPrice", M),
    ("PricingQuantity", M),
    ("PricingUnit", S),
    ("ProviderName", S),
    ("PublisherName", S),
    ("RegionId", S),
    ("RegionName", S),
    ("ResourceId", S),
    ("ResourceName", S),
    ("ResourceType", S),
    ("ServiceCategory", S),
    ("ServiceName", S),
    ("ServiceSubcategory", S),
    ("SkuId", S),
    ("SkuMeter", S),
    ("SkuPriceDetails", S),
    ("SkuPriceId", S),
    ("SubAccountId", S),
    ("SubAccountName", S),
    ("SubAccountType", S),
    ("Tags", S),
    ("x_Operation", S),
    ("x_ServiceCode", S),
    ("x_UsageType", S),
)
FOCUS_SCHEMA = pa.schema([pa.field(n, t) for n, t in FOCUS_COLUMNS])

CHARGE_CATEGORY = (
    "Usage",
    "Usage",
    "Usage",
    "Usage",
    "Purchase",
    "Purchase",
    "Purchase",
    "Tax",
    "Credit",
    "Adjustment",
)
CHARGE_FREQUENCY = (
    "Usage-Based",
    "Usage-Based",
    "Usage-Based",
    "Usage-Based",
    "Recurring",
    "Recurring",
    "Recurring",
    "Recurring",
    "One-Time",
    "One-Time",
)
SUBCATEGORY = {
    "AmazonEC2": "Virtual Machines",
    "AmazonRDS": "Relational Databases",
    "AmazonS3": "Object Storage",
    "AWSLambda": "Serverless Compute",
    "AmazonVPC": "Network Infrastructure",
    "AWSELB": "Load Balancing",
    "AWSSupportBusiness": "Support",
    "ComputeSavingsPlans": "Other (Compute)",
    "AmazonRoute53": "Domain Name System (DNS)",
}
RESOURCE_TYPE = {
    "AmazonEC2": "EC2",
    "AmazonRDS": "RDS DB Instance",
    "AmazonS3": "S3 Bucket",
    "AWSLambda": "Lambda Function",
    "AmazonVPC": "Elastic IP",
    "AWSELB": "Load Balancer",
}


def _dec(values: npt.NDArray[np.float64]) -> pa.Array:
    """Quantities/prices: round to 8 places and render as decimal128(38, 10)."""
    return money_decimal(np.rint(np.asarray(values) * COST_SCALE).astype(np.int64))


def _empty_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, S), values)


class FocusConverter:
    def __init__(self, *, estate: Estate, streams: Streams, cur2: Cur2Converter) -> None:
        self.s = streams
        self.cur2 = cur2
        specs = streams.specs
        self.tags_json = pa.array(
            [
                json.dumps({f"user:{k}": v for k, v in sorted(s.tags.items())}, sort_keys=True)
                if s.tags
                else None
                for s in specs
            ],
            S,
        )
        self.service_name = pa.array([catalog.SERVICE_NAMES[s.product_code] for s in specs], S)
        self.service_category = pa.array(
            [catalog.SERVICE_CATEGORIES[s.product_code] for s in specs], S
        )
        self.subcategory = pa.array(
            [SUBCATEGORY.get(s.product_code, "Other (Other)") for s in specs], S
        )
        self.resource_type = pa.array(
            [RESOURCE_TYPE.get(s.product_code) if s.resource_id else None for s in specs], S
        )
        self.ri_arn = [r.arn for r in estate.reservations] + [None]
        self.sp_arn = [p.arn for p in estate.savings_plans] + [None]

    def table(self, batch: LineBatch, ctx: PeriodContext) -> pa.Table:
        keep = np.nonzero(batch.line_type != LineType.SP_NEGATION)[0].astype(np.int64)
        b = batch.take(keep)
        n = len(b)
        lt = b.line_type.astype(np.int64)
        idx = pa.array(b.stream)
        st = self.s.static.take(idx)
        billed = np.where(lt == LineType.SP_COVERED_USAGE, 0, b.unblended)
        is_usage = lt <= LineType.SP_NEGATION
        list_cost = b.public_od
        contracted = np.where(is_usage, b.public_od, billed)
        cols: dict[str, pa.Array] = {
            **self._commitment_columns(b, is_usage),
            "AvailabilityZone": _empty_to_null(st.column("az").combine_chunks()),
            "BilledCost": money_decimal(billed),
            "BillingAccountId": constant(ctx.payer_id, n),
            "BillingAccountName": constant(ctx.payer_name, n),
            "BillingAccountType": constant("Billing Account", n),
            "BillingCurrency": constant("USD", n),
            "BillingPeriodEnd": timestamps(np.full(n, ctx.end_s, np.int64)),
            "BillingPeriodStart": timestamps(np.full(n, ctx.start_s, np.int64)),
            "ChargeCategory": from_codes(lt, CHARGE_CATEGORY),
            "ChargeDescription": st.column("description").combine_chunks(),
            "ChargeFrequency": from_codes(lt, CHARGE_FREQUENCY),
            "ChargePeriodEnd": timestamps(b.end_s),
            "ChargePeriodStart": timestamps(b.start_s),
            "ConsumedQuantity": pc.if_else(pa.array(is_usage), _dec(b.amount), pa.scalar(None, M)),
            "ConsumedUnit": pc.if_else(
                pa.array(is_usage), st.column("pricing_unit").combine_chunks(), pa.scalar(None, S)
            ),
            "ContractedCost": money_decimal(contracted),
            "ContractedUnitPrice": _dec(b.public_rate_units / COST_SCALE),
            "EffectiveCost": money_decimal(b.effective),
            "InvoiceId": constant(ctx.invoice_id, n),
            "InvoiceIssuerName": constant(LEGAL_ENTITY, n),
            "ListCost": money_decimal(list_cost),
            "ListUnitPrice": _dec(b.public_rate_units / COST_SCALE),
            "PricingCurrency": constant("USD", n),
            "PricingCurrencyContractedUnitPrice": _dec(b.public_rate_units / COST_SCALE),
            "PricingCurrencyEffectiveCost": money_decimal(b.effective),
            "PricingCurrencyListUnitPrice": _dec(b.public_rate_units / COST_SCALE),
            "PricingQuantity": _dec(b.amount),
            "PricingUnit": _empty_to_null(st.column("pricing_unit").combine_chunks()),
            "ProviderName": constant("AWS", n),
            "PublisherName": constant("AWS", n),
            "RegionId": _empty_to_null(st.column("region").combine_chunks()),
            "RegionName": _empty_to_null(st.column("location").combine_chunks()),
            "ResourceId": _empty_to_null(st.column("resource_id").combine_chunks()),
            "ResourceType": self.resource_type.take(idx),
            "ServiceCategory": self.service_category.take(idx),
            "ServiceName": self.service_name.take(idx),
            "ServiceSubcategory": self.subcategory.take(idx),
            "SkuId": _empty_to_null(st.column("sku").combine_chunks()),
            "SkuMeter": _empty_to_null(st.column("usage_type").combine_chunks()),
            "SubAccountId": st.column("account_id").combine_chunks(),
            "SubAccountName": st.column("account_name").combine_chunks(),
            "SubAccountType": constant("Linked Account", n),
            "Tags": self.tags_json.take(idx),
            "x_Operation": st.column("operation").combine_chunks(),
            "x_ServiceCode": st.column("product_code").combine_chunks(),
            "x_UsageType": st.column("usage_type").combine_chunks(),
        }
        for name, dtype in FOCUS_COLUMNS:
            if name not in cols:
                cols[name] = pa.nulls(n, dtype)
        return pa.Table.from_arrays([cols[n] for n, _ in FOCUS_COLUMNS], schema=FOCUS_SCHEMA)

    def _commitment_columns(
        self, b: LineBatch, is_usage: npt.NDArray[np.bool_]
    ) -> dict[str, pa.Array]:
        """The commitment discount a line uses (reservation or savings plan) and its pricing
        category."""
        ri = b.ri.astype(np.int64)
        sp = b.sp.astype(np.int64)
        ri_i = np.where(ri < 0, len(self.ri_arn) - 1, ri)
        sp_i = np.where(sp < 0, len(self.sp_arn) - 1, sp)
        commitment = np.where(ri >= 0, 0, np.where(sp >= 0, 1, 2))
        commitment_id = pc.if_else(
            pa.array(ri >= 0), from_codes(ri_i, self.ri_arn), from_codes(sp_i, self.sp_arn)
        )
        status = np.where(commitment == 2, 2, np.where(is_usage, 0, 1))
        covered = is_usage & (commitment < 2)
        return {
            "CommitmentDiscountCategory": from_codes(commitment, ["Usage", "Spend", None]),
            "CommitmentDiscountId": commitment_id,
            "CommitmentDiscountQuantity": pc.if_else(
                pa.array(covered), _dec(b.amount), pa.scalar(None, M)
            ),
            "CommitmentDiscountStatus": from_codes(status, ["Used", "Unused", None]),
            "CommitmentDiscountType": from_codes(
                commitment, ["Reserved Instance", "Savings Plan", None]
            ),
            "CommitmentDiscountUnit": from_codes(commitment, ["Hours", "USD", None]),
            "PricingCategory": from_codes(
                np.where(~is_usage, 2, np.where(covered, 1, 0)), ["Standard", "Committed", None]
            ),
        }
