"""AWS CUR 2.0 (Data Exports) output: ``Cur2Converter`` turns line items into the CUR 2.0 table
(column set and types in ``cur2_columns``): MAP columns for ``product``, ``resource_tags``,
``cost_category`` and ``discount``, ms timestamps in UTC. ``data_export`` writes it in the
``data/BILLING_PERIOD=YYYY-MM`` + ``metadata/BILLING_PERIOD=YYYY-MM`` layout with a manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from finops.generator import catalog
from finops.generator.arrowutil import base32_ids, constant, from_codes, money, timestamps
from finops.generator.billing.batch import LineBatch
from finops.generator.cur2_columns import CUR2_COLUMNS, CUR2_SCHEMA, DISCOUNT_TYPE, D, S, T
from finops.generator.estate.model import Estate
from finops.generator.period_context import PeriodContext
from finops.generator.streams.model import COST_SCALE, LINE_TYPE_NAMES, LineType, Streams
from finops.generator.textforms import iso_seconds
from finops.generator.timeline import hash_keys

Columns = dict[str, pa.Array]

LEGAL_ENTITY = "Amazon Web Services, Inc."
DESCRIPTION_OVERRIDE = {
    LineType.DISCOUNTED_USAGE: "Reserved Instance usage covered by a No Upfront reservation",
    LineType.SP_COVERED_USAGE: "Usage covered by a Compute Savings Plan",
    LineType.SP_NEGATION: "Savings Plan negation of the on-demand cost of covered usage",
}
USAGE_LINE_TYPES = [
    LineType.USAGE,
    LineType.DISCOUNTED_USAGE,
    LineType.SP_COVERED_USAGE,
    LineType.SP_NEGATION,
]


@dataclass(frozen=True, slots=True)
class BatchRows:
    """A batch with its streams' static columns and the codes every column group derives from:
    the line item type and the index of each line's reservation and savings plan (the last index,
    an empty entry, for none)."""

    batch: LineBatch
    st: pa.Table
    n: int
    lt: npt.NDArray[np.int64]
    ri_i: npt.NDArray[np.int64]
    sp_i: npt.NDArray[np.int64]
    has_ri: npt.NDArray[np.bool_]
    has_sp: npt.NDArray[np.bool_]
    zero: pa.Array

    def static(self, name: str) -> pa.Array:
        return self.st.column(name).combine_chunks()


class Cur2Converter:
    """LineBatch → CUR 2.0 Arrow table (shared by the legacy CUR writer)."""

    def __init__(self, *, estate: Estate, streams: Streams) -> None:
        self.estate = estate
        self.s = streams
        ri = estate.reservations
        sp = estate.savings_plans
        self.ri_arn = [r.arn for r in ri] + [""]
        self.ri_start = np.array([_epoch(r.start) for r in ri] + [0], np.int64)
        self.ri_end = np.array([_epoch(r.end) for r in ri] + [0], np.int64)
        self.ri_count = [str(r.count) for r in ri] + [""]
        self.ri_region = [r.region for r in ri] + [""]
        self.ri_nu = [str(r.count * _nf(r.instance_type)) for r in ri] + [""]
        self.ri_nu_each = [str(_nf(r.instance_type)) for r in ri] + [""]
        self.sp_arn = [p.arn for p in sp] + [""]
        self.sp_start = np.array([_epoch(p.start) for p in sp] + [0], np.int64)
        self.sp_end = np.array([_epoch(p.end) for p in sp] + [0], np.int64)
        self.key = streams.key

    def table(self, batch: LineBatch, ctx: PeriodContext) -> pa.Table:
        rows = self.rows(batch)
        cols: Columns = {
            **_bill_columns(rows, ctx),
            **self._identity_columns(rows),
            **_line_item_columns(rows, self._rates(batch, rows.st)),
            **self._pricing_columns(rows),
            **_product_columns(rows),
            **self._reservation_columns(rows),
            **self._savings_plan_columns(rows),
        }
        for name, dtype in CUR2_COLUMNS:
            if name not in cols:
                cols[name] = pa.nulls(rows.n, dtype)
        return pa.Table.from_arrays([cols[name] for name, _ in CUR2_COLUMNS], schema=CUR2_SCHEMA)

    def rows(self, batch: LineBatch) -> BatchRows:
        ri = batch.ri.astype(np.int64)
        sp = batch.sp.astype(np.int64)
        return BatchRows(
            batch=batch,
            st=self.s.static.take(pa.array(batch.stream)),
            n=len(batch),
            lt=batch.line_type.astype(np.int64),
            ri_i=np.where(ri < 0, len(self.ri_arn) - 1, ri),
            sp_i=np.where(sp < 0, len(self.sp_arn) - 1, sp),
            has_ri=ri >= 0,
            has_sp=sp >= 0,
            zero=money(np.zeros(len(batch), np.int64)),
        )

    def _identity_columns(self, r: BatchRows) -> Columns:
        b = r.batch
        hi = hash_keys(self.estate.seed, self.key[b.stream], b.start_s.astype(np.uint64))
        lo = hash_keys(
            self.estate.seed + 1,
            hi,
            r.lt.astype(np.uint64)
            + (r.ri_i.astype(np.uint64) << np.uint64(8))
            + (r.sp_i.astype(np.uint64) << np.uint64(24)),
        )
        return {
            "identity_line_item_id": base32_ids(hi, lo),
            "identity_time_interval": _intervals(b.start_s, b.end_s),
        }

    def _pricing_columns(self, r: BatchRows) -> Columns:
        b, lt, n = r.batch, r.lt, r.n
        pricing_term = np.select(
            [lt == LineType.DISCOUNTED_USAGE, lt == LineType.RI_FEE, np.isin(lt, USAGE_LINE_TYPES)],
            [1, 1, 0],
            default=2,
        )
        purchase = np.where(pricing_term == 1, 1, 0)
        return {
            "pricing_currency": constant("USD", n),
            "pricing_lease_contract_length": from_codes(purchase, ["", "3yr"]),
            "pricing_offering_class": from_codes(purchase, ["", "standard"]),
            "pricing_public_on_demand_cost": money(b.public_od),
            "pricing_public_on_demand_rate": _rate_strings(b.public_rate_units),
            "pricing_purchase_option": from_codes(pricing_term, ["On Demand", "No Upfront", ""]),
            "pricing_rate_code": _rate_codes(r.st, lt),
            "pricing_rate_id": _rate_ids(self.key[b.stream], lt),
            "pricing_term": from_codes(pricing_term, ["OnDemand", "Reserved", ""]),
            "pricing_unit": r.static("pricing_unit"),
        }

    def _reservation_columns(self, r: BatchRows) -> Columns:
        b, n, ri_i, has_ri, zero = r.batch, r.n, r.ri_i, r.has_ri, r.zero
        nf_each = np.array([float(v) if v else 0.0 for v in self.ri_nu_each], np.float64)
        return {
            "reservation_amortized_upfront_cost_for_usage": zero,
            "reservation_amortized_upfront_fee_for_billing_period": zero,
            "reservation_availability_zone": constant("", n),
            "reservation_effective_cost": money(b.ri_effective),
            "reservation_end_time": _opt_ts(self.ri_end[ri_i], has_ri),
            "reservation_modification_status": from_codes(
                has_ri.astype(np.int64), ["", "Original"]
            ),
            "reservation_net_amortized_upfront_cost_for_usage": zero,
            "reservation_net_amortized_upfront_fee_for_billing_period": zero,
            "reservation_net_effective_cost": money(b.ri_effective),
            "reservation_net_recurring_fee_for_usage": money(b.ri_effective),
            "reservation_net_unused_amortized_upfront_fee_for_billing_period": zero,
            "reservation_net_unused_recurring_fee": money(b.ri_unused_fee),
            "reservation_net_upfront_value": zero,
            "reservation_normalized_units_per_reservation": from_codes(ri_i, self.ri_nu),
            "reservation_number_of_reservations": from_codes(ri_i, self.ri_count),
            "reservation_recurring_fee_for_usage": money(b.ri_effective),
            "reservation_reservation_a_r_n": from_codes(ri_i, self.ri_arn),
            "reservation_start_time": _opt_ts(self.ri_start[ri_i], has_ri),
            "reservation_subscription_id": from_codes(
                ri_i, [str(1000 + i) for i in range(len(self.ri_arn) - 1)] + [""]
            ),
            "reservation_total_reserved_normalized_units": from_codes(ri_i, self.ri_nu),
            "reservation_total_reserved_units": from_codes(ri_i, self.ri_count),
            "reservation_units_per_reservation": from_codes(ri_i, self.ri_nu_each),
            "reservation_unused_amortized_upfront_fee_for_billing_period": zero,
            "reservation_unused_normalized_unit_quantity": pa.array(
                np.round(b.ri_unused_quantity * nf_each[ri_i], 8), D
            ),
            "reservation_unused_quantity": pa.array(b.ri_unused_quantity, D),
            "reservation_unused_recurring_fee": money(b.ri_unused_fee),
            "reservation_upfront_value": zero,
        }

    def _savings_plan_columns(self, r: BatchRows) -> Columns:
        b, n, sp_i, has_sp, zero = r.batch, r.n, r.sp_i, r.has_sp, r.zero
        return {
            "savings_plan_amortized_upfront_commitment_for_billing_period": zero,
            "savings_plan_end_time": _opt_ts(self.sp_end[sp_i], has_sp),
            "savings_plan_instance_type_family": constant("", n),
            "savings_plan_net_amortized_upfront_commitment_for_billing_period": zero,
            "savings_plan_net_recurring_commitment_for_billing_period": money(b.sp_commitment),
            "savings_plan_net_savings_plan_effective_cost": money(b.sp_effective),
            "savings_plan_offering_type": from_codes(
                has_sp.astype(np.int64), ["", "ComputeSavingsPlans"]
            ),
            "savings_plan_payment_option": from_codes(has_sp.astype(np.int64), ["", "No Upfront"]),
            "savings_plan_purchase_term": from_codes(has_sp.astype(np.int64), ["", "3yr"]),
            "savings_plan_recurring_commitment_for_billing_period": money(b.sp_commitment),
            "savings_plan_region": constant("", n),
            "savings_plan_savings_plan_a_r_n": from_codes(sp_i, self.sp_arn),
            "savings_plan_savings_plan_effective_cost": money(b.sp_effective),
            "savings_plan_savings_plan_rate": pa.array(
                np.round(b.sp_rate_units / COST_SCALE, 10), D
            ),
            "savings_plan_start_time": _opt_ts(self.sp_start[sp_i], has_sp),
            "savings_plan_total_commitment_to_date": money(b.sp_commitment),
            "savings_plan_used_commitment": money(b.sp_used),
        }

    def _rates(self, batch: LineBatch, st: pa.Table) -> pa.Array:
        lt = batch.line_type
        static_rate = st.column("rate").combine_chunks()
        computed = _rate_strings(batch.rate_units)
        use_static = np.isin(lt, [LineType.USAGE, LineType.SP_COVERED_USAGE])
        return pc.if_else(pa.array(use_static), static_rate, computed)


def _bill_columns(r: BatchRows, ctx: PeriodContext) -> Columns:
    n = r.n
    return {
        "bill_bill_type": constant("Anniversary", n),
        "bill_billing_entity": constant("AWS", n),
        "bill_billing_period_end_date": timestamps(np.full(n, ctx.end_s, np.int64)),
        "bill_billing_period_start_date": timestamps(np.full(n, ctx.start_s, np.int64)),
        "bill_invoice_id": constant(ctx.invoice_id, n),
        "bill_invoicing_entity": constant(LEGAL_ENTITY, n),
        "bill_payer_account_id": constant(ctx.payer_id, n),
        "bill_payer_account_name": constant(ctx.payer_name, n),
        "cost_category": r.static("cost_category"),
        "discount": pa.array([[]] * n, DISCOUNT_TYPE) if n < 1 else _empty_maps(n),
        "discount_bundled_discount": pa.nulls(n, D),
        "discount_total_discount": pa.nulls(n, D),
        "resource_tags": r.static("resource_tags"),
        "capacity_reservation_capacity_reservation_arn": constant("", n),
        "capacity_reservation_capacity_reservation_status": constant("", n),
        "capacity_reservation_capacity_reservation_type": constant("", n),
        "billing_period": constant(ctx.period.label, n),
    }


def _line_item_columns(r: BatchRows, rate_text: pa.Array) -> Columns:
    b, n, lt = r.batch, r.n, r.lt
    unblended = money(b.unblended)
    description = r.static("description")
    for ltype, text in DESCRIPTION_OVERRIDE.items():
        description = pc.if_else(pa.array(lt == ltype), text, description)
    nf = r.static("normalization_factor").to_numpy(zero_copy_only=False)
    return {
        "line_item_availability_zone": r.static("az"),
        "line_item_blended_cost": unblended,
        "line_item_blended_rate": rate_text,
        "line_item_currency_code": constant("USD", n),
        "line_item_legal_entity": constant(LEGAL_ENTITY, n),
        "line_item_line_item_description": description,
        "line_item_line_item_type": from_codes(lt, LINE_TYPE_NAMES),
        "line_item_net_unblended_cost": unblended,
        "line_item_net_unblended_rate": rate_text,
        "line_item_normalization_factor": pa.array(nf, D),
        "line_item_normalized_usage_amount": pa.array(np.round(nf * b.amount, 8), D),
        "line_item_operation": r.static("operation"),
        "line_item_product_code": r.static("product_code"),
        "line_item_resource_id": r.static("resource_id"),
        "line_item_tax_type": from_codes((lt == LineType.TAX).astype(np.int64), ["", "Sales Tax"]),
        "line_item_unblended_cost": unblended,
        "line_item_unblended_rate": rate_text,
        "line_item_usage_account_id": r.static("account_id"),
        "line_item_usage_account_name": r.static("account_name"),
        "line_item_usage_amount": pa.array(b.amount, D),
        "line_item_usage_end_date": timestamps(b.end_s),
        "line_item_usage_start_date": timestamps(b.start_s),
        "line_item_usage_type": r.static("usage_type"),
    }


def _product_columns(r: BatchRows) -> Columns:
    n, st = r.n, r.st
    return {
        "product": r.static("product"),
        "product_comment": constant("", n),
        "product_fee_code": constant("", n),
        "product_fee_description": constant("", n),
        "product_from_location": _map_value(st, "from_location"),
        "product_from_location_type": constant("", n),
        "product_from_region_code": constant("", n),
        "product_instance_family": _map_value(st, "instance_family"),
        "product_instance_type": r.static("instance_type"),
        "product_instancesku": constant("", n),
        "product_location": r.static("location"),
        "product_location_type": pc.if_else(pc.equal(r.static("region"), ""), "", "AWS Region"),
        "product_operation": r.static("operation"),
        "product_pricing_unit": r.static("pricing_unit"),
        "product_product_family": r.static("product_family"),
        "product_region_code": r.static("region"),
        "product_servicecode": r.static("servicecode"),
        "product_sku": r.static("sku"),
        "product_to_location": _map_value(st, "to_location"),
        "product_to_location_type": constant("", n),
        "product_to_region_code": constant("", n),
        "product_usagetype": r.static("usage_type"),
    }


def _nf(instance_type: str) -> int:
    return catalog.instance_spec(instance_type).normalization_factor


def _epoch(day: Any) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _opt_ts(seconds: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> pa.Array:
    return pa.array(seconds * 1000, T, mask=~mask)


def _empty_maps(n: int) -> pa.Array:
    offsets = pa.array(np.zeros(n + 1, np.int32))
    return pa.MapArray.from_arrays(offsets, pa.array([], S), pa.array([], D))


def _map_value(st: pa.Table, key: str) -> pa.Array:
    values = pc.map_lookup(st.column("product").combine_chunks(), key, "first")
    return pc.fill_null(values, "")


def _intervals(start_s: npt.NDArray[np.int64], end_s: npt.NDArray[np.int64]) -> pa.Array:
    pairs = np.stack([start_s, end_s], axis=1)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    texts = [f"{iso_seconds(int(a))}/{iso_seconds(int(b))}" for a, b in unique]
    return from_codes(inverse.reshape(-1).astype(np.int64), texts)


def _rate_strings(rate_units: npt.NDArray[np.float64]) -> pa.Array:
    """Rates as exact decimal strings (at most 10 places), via a small dictionary of values."""
    rounded = np.round(rate_units / COST_SCALE, 10)
    unique, inverse = np.unique(rounded, return_inverse=True)
    texts = [_decimal_text(float(v)) for v in unique]
    return from_codes(inverse.reshape(-1).astype(np.int64), texts)


def _decimal_text(value: float) -> str:
    text = f"{value:.10f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _rate_codes(st: pa.Table, lt: npt.NDArray[np.int64]) -> pa.Array:
    sku = st.column("sku").combine_chunks()
    term = np.where(np.isin(lt, [LineType.DISCOUNTED_USAGE, LineType.RI_FEE]), 1, 0)
    suffix = from_codes(term, [".JRTCKXETXF.6YS6EN2CT7", ".4NA7Y494T4.6YS6EN2CT7"])
    code = pc.binary_join_element_wise(sku, suffix, "")
    return pc.if_else(pc.equal(sku, ""), "", code)


def _rate_ids(keys: npt.NDArray[np.uint64], lt: npt.NDArray[np.int64]) -> pa.Array:
    ids = (keys % np.uint64(9_000_000_000)) + np.uint64(1_000_000_000)
    texts_unique, inverse = np.unique(ids, return_inverse=True)
    values = [str(int(v)) for v in texts_unique]
    out = from_codes(inverse.reshape(-1).astype(np.int64), values)
    return pc.if_else(pa.array(np.isin(lt, USAGE_LINE_TYPES)), out, "")
