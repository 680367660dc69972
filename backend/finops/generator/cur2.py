"""AWS CUR 2.0 (Data Exports) output: the fixed CUR 2.0 column set and types, MAP columns for
``product``, ``resource_tags``, ``cost_category`` and ``discount``, ms timestamps in UTC, and the
``data/BILLING_PERIOD=YYYY-MM`` + ``metadata/BILLING_PERIOD=YYYY-MM`` layout with a manifest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from finops.generator.arrowutil import (
    TS,
    base32_ids,
    constant,
    from_codes,
    money,
    parquet_writer,
    timestamps,
)
from finops.generator.billing.batch import LineBatch
from finops.generator.estate.model import Estate
from finops.generator.streams.model import COST_SCALE, LINE_TYPE_NAMES, MAP_TYPE, LineType, Streams
from finops.generator.textforms import iso_seconds, text_uuid
from finops.generator.timeline import Period, hash_keys, to_datetime

S, D, T = pa.string(), pa.float64(), TS
DISCOUNT_TYPE = pa.map_(pa.string(), pa.float64())

CUR2_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("bill_bill_type", S),
    ("bill_billing_entity", S),
    ("bill_billing_period_end_date", T),
    ("bill_billing_period_start_date", T),
    ("bill_invoice_id", S),
    ("bill_invoicing_entity", S),
    ("bill_payer_account_id", S),
    ("bill_payer_account_name", S),
    ("cost_category", MAP_TYPE),
    ("discount", DISCOUNT_TYPE),
    ("discount_bundled_discount", D),
    ("discount_total_discount", D),
    ("identity_line_item_id", S),
    ("identity_time_interval", S),
    ("line_item_availability_zone", S),
    ("line_item_blended_cost", D),
    ("line_item_blended_rate", S),
    ("line_item_currency_code", S),
    ("line_item_legal_entity", S),
    ("line_item_line_item_description", S),
    ("line_item_line_item_type", S),
    ("line_item_net_unblended_cost", D),
    ("line_item_net_unblended_rate", S),
    ("line_item_normalization_factor", D),
    ("line_item_normalized_usage_amount", D),
    ("line_item_operation", S),
    ("line_item_product_code", S),
    ("line_item_resource_id", S),
    ("line_item_tax_type", S),
    ("line_item_unblended_cost", D),
    ("line_item_unblended_rate", S),
    ("line_item_usage_account_id", S),
    ("line_item_usage_account_name", S),
    ("line_item_usage_amount", D),
    ("line_item_usage_end_date", T),
    ("line_item_usage_start_date", T),
    ("line_item_usage_type", S),
    ("pricing_currency", S),
    ("pricing_lease_contract_length", S),
    ("pricing_offering_class", S),
    ("pricing_public_on_demand_cost", D),
    ("pricing_public_on_demand_rate", S),
    ("pricing_purchase_option", S),
    ("pricing_rate_code", S),
    ("pricing_rate_id", S),
    ("pricing_term", S),
    ("pricing_unit", S),
    ("product", MAP_TYPE),
    ("product_comment", S),
    ("product_fee_code", S),
    ("product_fee_description", S),
    ("product_from_location", S),
    ("product_from_location_type", S),
    ("product_from_region_code", S),
    ("product_instance_family", S),
    ("product_instance_type", S),
    ("product_instancesku", S),
    ("product_location", S),
    ("product_location_type", S),
    ("product_operation", S),
    ("product_pricing_unit", S),
    ("product_product_family", S),
    ("product_region_code", S),
    ("product_servicecode", S),
    ("product_sku", S),
    ("product_to_location", S),
    ("product_to_location_type", S),
    ("product_to_region_code", S),
    ("product_usagetype", S),
    ("reservation_amortized_upfront_cost_for_usage", D),
    ("reservation_amortized_upfront_fee_for_billing_period", D),
    ("reservation_availability_zone", S),
    ("reservation_effective_cost", D),
    ("reservation_end_time", T),
    ("reservation_modification_status", S),
    ("reservation_net_amortized_upfront_cost_for_usage", D),
    ("reservation_net_amortized_upfront_fee_for_billing_period", D),
    ("reservation_net_effective_cost", D),
    ("reservation_net_recurring_fee_for_usage", D),
    ("reservation_net_unused_amortized_upfront_fee_for_billing_period", D),
    ("reservation_net_unused_recurring_fee", D),
    ("reservation_net_upfront_value", D),
    ("reservation_normalized_units_per_reservation", S),
    ("reservation_number_of_reservations", S),
    ("reservation_recurring_fee_for_usage", D),
    ("reservation_reservation_a_r_n", S),
    ("reservation_start_time", T),
    ("reservation_subscription_id", S),
    ("reservation_total_reserved_normalized_units", S),
    ("reservation_total_reserved_units", S),
    ("reservation_units_per_reservation", S),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", D),
    ("reservation_unused_normalized_unit_quantity", D),
    ("reservation_unused_quantity", D),
    ("reservation_unused_recurring_fee", D),
    ("reservation_upfront_value", D),
    ("resource_tags", MAP_TYPE),
    ("savings_plan_amortized_upfront_commitment_for_billing_period", D),
    ("savings_plan_end_time", T),
    ("savings_plan_instance_type_family", S),
    ("savings_plan_net_amortized_upfront_commitment_for_billing_period", D),
    ("savings_plan_net_recurring_commitment_for_billing_period", D),
    ("savings_plan_net_savings_plan_effective_cost", D),
    ("savings_plan_offering_type", S),
    ("savings_plan_payment_option", S),
    ("savings_plan_purchase_term", S),
    ("savings_plan_recurring_commitment_for_billing_period", D),
    ("savings_plan_region", S),
    ("savings_plan_savings_plan_a_r_n", S),
    ("savings_plan_savings_plan_effective_cost", D),
    ("savings_plan_savings_plan_rate", D),
    ("savings_plan_start_time", T),
    ("savings_plan_total_commitment_to_date", D),
    ("savings_plan_used_commitment", D),
    ("split_line_item_actual_usage", D),
    ("split_line_item_net_split_cost", D),
    ("split_line_item_net_unused_cost", D),
    ("split_line_item_parent_resource_id", S),
    ("split_line_item_public_on_demand_split_cost", D),
    ("split_line_item_public_on_demand_unused_cost", D),
    ("split_line_item_reserved_usage", D),
    ("split_line_item_split_cost", D),
    ("split_line_item_split_usage", D),
    ("split_line_item_split_usage_ratio", D),
    ("split_line_item_unused_cost", D),
    ("capacity_reservation_capacity_reservation_arn", S),
    ("capacity_reservation_capacity_reservation_status", S),
    ("capacity_reservation_capacity_reservation_type", S),
    ("billing_period", S),
)
CUR2_SCHEMA = pa.schema([pa.field(name, dtype) for name, dtype in CUR2_COLUMNS])

LEGAL_ENTITY = "Amazon Web Services, Inc."
DESCRIPTION_OVERRIDE = {
    LineType.DISCOUNTED_USAGE: "Reserved Instance usage covered by a No Upfront reservation",
    LineType.SP_COVERED_USAGE: "Usage covered by a Compute Savings Plan",
    LineType.SP_NEGATION: "Savings Plan negation of the on-demand cost of covered usage",
}


@dataclass(frozen=True, slots=True)
class PeriodContext:
    """Values that are constant over one billing period of one export."""

    period: Period
    payer_id: str
    payer_name: str
    invoice_id: str

    @property
    def start_s(self) -> int:
        return int(to_datetime(self.period.start).timestamp())

    @property
    def end_s(self) -> int:
        return int(to_datetime(self.period.end).timestamp())


def invoice_id(seed: int, label: str) -> str:
    digest = hashlib.sha256(f"invoice|{seed}|{label}".encode()).digest()
    return str(2_000_000_000 + int.from_bytes(digest[:4], "little") % 900_000_000)


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
        n = len(batch)
        s = self.s
        idx = pa.array(batch.stream)
        st = s.static.take(idx)
        lt = batch.line_type.astype(np.int64)
        ri = batch.ri.astype(np.int64)
        ri_i = np.where(ri < 0, len(self.ri_arn) - 1, ri)
        sp = batch.sp.astype(np.int64)
        sp_i = np.where(sp < 0, len(self.sp_arn) - 1, sp)
        has_ri = ri >= 0
        has_sp = sp >= 0
        unblended = money(batch.unblended)
        zero = money(np.zeros(n, np.int64))
        is_usage = np.isin(
            lt,
            [
                LineType.USAGE,
                LineType.DISCOUNTED_USAGE,
                LineType.SP_COVERED_USAGE,
                LineType.SP_NEGATION,
            ],
        )
        description = st.column("description").combine_chunks()
        for ltype, text in DESCRIPTION_OVERRIDE.items():
            description = pc.if_else(pa.array(lt == ltype), text, description)
        rate_text = self._rates(batch, st)
        nf = st.column("normalization_factor").combine_chunks().to_numpy(zero_copy_only=False)
        pricing_term = np.select(
            [lt == LineType.DISCOUNTED_USAGE, lt == LineType.RI_FEE, is_usage],
            [1, 1, 0],
            default=2,
        )
        purchase = np.where(pricing_term == 1, 1, 0)
        ri_hours = np.where(has_ri & is_usage, batch.amount, 0.0)
        hi = hash_keys(self.estate.seed, self.key[batch.stream], batch.start_s.astype(np.uint64))
        lo = hash_keys(
            self.estate.seed + 1,
            hi,
            lt.astype(np.uint64)
            + (ri_i.astype(np.uint64) << np.uint64(8))
            + (sp_i.astype(np.uint64) << np.uint64(24)),
        )
        intervals = _intervals(batch.start_s, batch.end_s)
        cols: dict[str, pa.Array] = {
            "bill_bill_type": constant("Anniversary", n),
            "bill_billing_entity": constant("AWS", n),
            "bill_billing_period_end_date": timestamps(np.full(n, ctx.end_s, np.int64)),
            "bill_billing_period_start_date": timestamps(np.full(n, ctx.start_s, np.int64)),
            "bill_invoice_id": constant(ctx.invoice_id, n),
            "bill_invoicing_entity": constant(LEGAL_ENTITY, n),
            "bill_payer_account_id": constant(ctx.payer_id, n),
            "bill_payer_account_name": constant(ctx.payer_name, n),
            "cost_category": st.column("cost_category").combine_chunks(),
            "discount": pa.array([[]] * n, DISCOUNT_TYPE) if n < 1 else _empty_maps(n),
            "discount_bundled_discount": pa.nulls(n, D),
            "discount_total_discount": pa.nulls(n, D),
            "identity_line_item_id": base32_ids(hi, lo),
            "identity_time_interval": intervals,
            "line_item_availability_zone": st.column("az").combine_chunks(),
            "line_item_blended_cost": unblended,
            "line_item_blended_rate": rate_text,
            "line_item_currency_code": constant("USD", n),
            "line_item_legal_entity": constant(LEGAL_ENTITY, n),
            "line_item_line_item_description": description,
            "line_item_line_item_type": from_codes(lt, LINE_TYPE_NAMES),
            "line_item_net_unblended_cost": unblended,
            "line_item_net_unblended_rate": rate_text,
            "line_item_normalization_factor": pa.array(nf, D),
            "line_item_normalized_usage_amount": pa.array(np.round(nf * batch.amount, 8), D),
            "line_item_operation": st.column("operation").combine_chunks(),
            "line_item_product_code": st.column("product_code").combine_chunks(),
            "line_item_resource_id": st.column("resource_id").combine_chunks(),
            "line_item_tax_type": from_codes(
                (lt == LineType.TAX).astype(np.int64), ["", "Sales Tax"]
            ),
            "line_item_unblended_cost": unblended,
            "line_item_unblended_rate": rate_text,
            "line_item_usage_account_id": st.column("account_id").combine_chunks(),
            "line_item_usage_account_name": st.column("account_name").combine_chunks(),
            "line_item_usage_amount": pa.array(batch.amount, D),
            "line_item_usage_end_date": timestamps(batch.end_s),
            "line_item_usage_start_date": timestamps(batch.start_s),
            "line_item_usage_type": st.column("usage_type").combine_chunks(),
            "pricing_currency": constant("USD", n),
            "pricing_lease_contract_length": from_codes(purchase, ["", "3yr"]),
            "pricing_offering_class": from_codes(purchase, ["", "standard"]),
            "pricing_public_on_demand_cost": money(batch.public_od),
            "pricing_public_on_demand_rate": _rate_strings(batch.public_rate_units),
            "pricing_purchase_option": from_codes(pricing_term, ["On Demand", "No Upfront", ""]),
            "pricing_rate_code": _rate_codes(st, lt),
            "pricing_rate_id": _rate_ids(self.key[batch.stream], lt),
            "pricing_term": from_codes(pricing_term, ["OnDemand", "Reserved", ""]),
            "pricing_unit": st.column("pricing_unit").combine_chunks(),
            "product": st.column("product").combine_chunks(),
            "product_comment": constant("", n),
            "product_fee_code": constant("", n),
            "product_fee_description": constant("", n),
            "product_from_location": _map_value(st, "from_location"),
            "product_from_location_type": constant("", n),
            "product_from_region_code": constant("", n),
            "product_instance_family": _map_value(st, "instance_family"),
            "product_instance_type": st.column("instance_type").combine_chunks(),
            "product_instancesku": constant("", n),
            "product_location": st.column("location").combine_chunks(),
            "product_location_type": pc.if_else(
                pc.equal(st.column("region").combine_chunks(), ""), "", "AWS Region"
            ),
            "product_operation": st.column("operation").combine_chunks(),
            "product_pricing_unit": st.column("pricing_unit").combine_chunks(),
            "product_product_family": st.column("product_family").combine_chunks(),
            "product_region_code": st.column("region").combine_chunks(),
            "product_servicecode": st.column("servicecode").combine_chunks(),
            "product_sku": st.column("sku").combine_chunks(),
            "product_to_location": _map_value(st, "to_location"),
            "product_to_location_type": constant("", n),
            "product_to_region_code": constant("", n),
            "product_usagetype": st.column("usage_type").combine_chunks(),
            "reservation_amortized_upfront_cost_for_usage": zero,
            "reservation_amortized_upfront_fee_for_billing_period": zero,
            "reservation_availability_zone": constant("", n),
            "reservation_effective_cost": money(batch.ri_effective),
            "reservation_end_time": _opt_ts(self.ri_end[ri_i], has_ri),
            "reservation_modification_status": from_codes(
                has_ri.astype(np.int64), ["", "Original"]
            ),
            "reservation_net_amortized_upfront_cost_for_usage": zero,
            "reservation_net_amortized_upfront_fee_for_billing_period": zero,
            "reservation_net_effective_cost": money(batch.ri_effective),
            "reservation_net_recurring_fee_for_usage": money(batch.ri_effective),
            "reservation_net_unused_amortized_upfront_fee_for_billing_period": zero,
            "reservation_net_unused_recurring_fee": money(batch.ri_unused_fee),
            "reservation_net_upfront_value": zero,
            "reservation_normalized_units_per_reservation": from_codes(ri_i, self.ri_nu),
            "reservation_number_of_reservations": from_codes(ri_i, self.ri_count),
            "reservation_recurring_fee_for_usage": money(batch.ri_effective),
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
                np.round(batch.ri_unused_quantity * _nf_of(self, ri_i), 8), D
            ),
            "reservation_unused_quantity": pa.array(batch.ri_unused_quantity, D),
            "reservation_unused_recurring_fee": money(batch.ri_unused_fee),
            "reservation_upfront_value": zero,
            "resource_tags": st.column("resource_tags").combine_chunks(),
            "savings_plan_amortized_upfront_commitment_for_billing_period": zero,
            "savings_plan_end_time": _opt_ts(self.sp_end[sp_i], has_sp),
            "savings_plan_instance_type_family": constant("", n),
            "savings_plan_net_amortized_upfront_commitment_for_billing_period": zero,
            "savings_plan_net_recurring_commitment_for_billing_period": money(batch.sp_commitment),
            "savings_plan_net_savings_plan_effective_cost": money(batch.sp_effective),
            "savings_plan_offering_type": from_codes(
                has_sp.astype(np.int64), ["", "ComputeSavingsPlans"]
            ),
            "savings_plan_payment_option": from_codes(has_sp.astype(np.int64), ["", "No Upfront"]),
            "savings_plan_purchase_term": from_codes(has_sp.astype(np.int64), ["", "3yr"]),
            "savings_plan_recurring_commitment_for_billing_period": money(batch.sp_commitment),
            "savings_plan_region": constant("", n),
            "savings_plan_savings_plan_a_r_n": from_codes(sp_i, self.sp_arn),
            "savings_plan_savings_plan_effective_cost": money(batch.sp_effective),
            "savings_plan_savings_plan_rate": pa.array(
                np.round(batch.sp_rate_units / COST_SCALE, 10), D
            ),
            "savings_plan_start_time": _opt_ts(self.sp_start[sp_i], has_sp),
            "savings_plan_total_commitment_to_date": money(batch.sp_commitment),
            "savings_plan_used_commitment": money(batch.sp_used),
            "capacity_reservation_capacity_reservation_arn": constant("", n),
            "capacity_reservation_capacity_reservation_status": constant("", n),
            "capacity_reservation_capacity_reservation_type": constant("", n),
            "billing_period": constant(ctx.period.label, n),
        }
        del ri_hours
        for name, dtype in CUR2_COLUMNS:
            if name not in cols:
                cols[name] = pa.nulls(n, dtype)
        return pa.Table.from_arrays([cols[name] for name, _ in CUR2_COLUMNS], schema=CUR2_SCHEMA)

    def _rates(self, batch: LineBatch, st: pa.Table) -> pa.Array:
        lt = batch.line_type
        static_rate = st.column("rate").combine_chunks()
        computed = _rate_strings(batch.rate_units)
        use_static = np.isin(lt, [LineType.USAGE, LineType.SP_COVERED_USAGE])
        return pc.if_else(pa.array(use_static), static_rate, computed)


def _nf(instance_type: str) -> int:
    from finops.generator.catalog import instance_spec

    return instance_spec(instance_type).normalization_factor


def _nf_of(conv: Cur2Converter, ri_i: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    values = [float(v) if v else 0.0 for v in conv.ri_nu_each]
    return np.array(values, np.float64)[ri_i]


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
    is_usage = np.isin(
        lt,
        [
            LineType.USAGE,
            LineType.DISCOUNTED_USAGE,
            LineType.SP_COVERED_USAGE,
            LineType.SP_NEGATION,
        ],
    )
    return pc.if_else(pa.array(is_usage), out, "")


# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _OpenPeriod:
    ctx: PeriodContext
    files: list[Path]
    rows_in_file: int
    writer: Any
    pending: list[LineBatch]
    pending_rows: int
    revision: int


class DataExportWriter:
    """Streams one billing period at a time into ``<root>/<export>/data/BILLING_PERIOD=…`` with
    the Data Exports manifest in ``metadata/BILLING_PERIOD=…`` (used for CUR 2.0 and FOCUS)."""

    def __init__(
        self,
        *,
        root: Path,
        export: str,
        schema: pa.Schema,
        to_table: Callable[[LineBatch, PeriodContext], pa.Table],
        seed: int,
        query_table: str = "COST_AND_USAGE_REPORT",
        hourly: bool = True,
        row_group_rows: int = 131_072,
        rows_per_file: int = 4_000_000,
        s3_bucket: str = "finops-demo-billing",
        s3_prefix: str = "cur2",
    ) -> None:
        self.root = root
        self.export = export
        self.schema = schema
        self.to_table = to_table
        self.seed = seed
        self.query_table = query_table
        self.hourly = hourly
        self.row_group_rows = row_group_rows
        self.rows_per_file = rows_per_file
        self.bucket = s3_bucket
        self.prefix = s3_prefix
        self.files: list[Path] = []
        self._open: _OpenPeriod | None = None

    def data_dir(self, label: str) -> Path:
        return self.root / self.export / "data" / f"BILLING_PERIOD={label}"

    def begin(self, ctx: PeriodContext, *, revision: int = 1) -> None:
        self._open = _OpenPeriod(ctx, [], 0, None, [], 0, revision)

    def write(self, batch: LineBatch) -> None:
        op = self._open
        assert op is not None, "begin() first"
        if len(batch) == 0:
            return
        op.pending.append(batch)
        op.pending_rows += len(batch)
        if op.pending_rows >= self.row_group_rows:
            self._flush(op)

    def end(self) -> list[Path]:
        op = self._open
        assert op is not None
        self._flush(op, final=True)
        if op.writer is not None:
            op.writer.close()
        if not op.files:  # an empty period still gets a (row-less) file, as AWS writes one
            parquet_writer(self._next_path(op), self.schema).close()
        self._manifest(op)
        self.files.extend(op.files)
        self._open = None
        return op.files

    def _next_path(self, op: _OpenPeriod) -> Path:
        name = f"{self.export}-{len(op.files) + 1:05d}.snappy.parquet"
        path = self.data_dir(op.ctx.period.label) / name
        op.files.append(path)
        return path

    def _flush(self, op: _OpenPeriod, *, final: bool = False) -> None:
        while op.pending_rows >= self.row_group_rows or (final and op.pending_rows > 0):
            merged = LineBatch.concat(op.pending)
            take = min(len(merged), self.row_group_rows, self.rows_per_file - op.rows_in_file)
            head = merged.take(np.arange(take, dtype=np.int64))
            rest = merged.take(np.arange(take, len(merged), dtype=np.int64))
            op.pending = [rest] if len(rest) else []
            op.pending_rows = len(rest)
            if op.writer is None:
                op.writer = parquet_writer(self._next_path(op), self.schema)
            op.writer.write_table(self.to_table(head, op.ctx), row_group_size=self.row_group_rows)
            op.rows_in_file += take
            if op.rows_in_file >= self.rows_per_file:
                op.writer.close()
                op.writer = None
                op.rows_in_file = 0

    def _manifest(self, op: _OpenPeriod) -> None:
        label = op.ctx.period.label
        manifest_dir = self.root / self.export / "metadata" / f"BILLING_PERIOD={label}"
        manifest_dir.mkdir(parents=True, exist_ok=True)
        payer = op.ctx.payer_id
        export_id = text_uuid(f"export|{self.seed}|{self.export}")
        execution = text_uuid(f"execution|{self.seed}|{self.export}|{label}|{op.revision}")
        manifest = {
            "version": "1.0",
            "exportArn": (
                f"arn:aws:bcm-data-exports:us-east-1:{payer}:export/{self.export}-{export_id}"
            ),
            "exportName": self.export,
            "executionId": execution,
            "revision": op.revision,
            "billingPeriod": {
                "start": to_datetime(op.ctx.period.start).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "end": to_datetime(op.ctx.period.end).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            },
            "bucket": self.bucket,
            "dataFiles": [
                f"s3://{self.bucket}/{self.prefix}/{self.export}/data/BILLING_PERIOD={label}/{p.name}"
                for p in op.files
            ],
            "columns": [{"name": f.name, "type": _athena_type(f.type)} for f in self.schema],
            "dataQuery": {
                "queryStatement": f"SELECT * FROM {self.query_table}",
                "tableConfigurations": {
                    self.query_table: {
                        "TIME_GRANULARITY": "HOURLY" if self.hourly else "DAILY",
                        "INCLUDE_RESOURCES": "TRUE",
                        "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE",
                        "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
                    }
                },
            },
            "compression": "PARQUET",
            "fileFormat": "PARQUET",
        }
        path = manifest_dir / f"{self.export}-Manifest.json"
        path.write_text(json.dumps(manifest, indent=2) + "\n")
        self.files.append(path)


def _athena_type(dtype: pa.DataType) -> str:
    if pa.types.is_map(dtype):
        return f"map<string,{'double' if pa.types.is_floating(dtype.item_type) else 'string'}>"
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    if pa.types.is_floating(dtype):
        return "double"
    if pa.types.is_decimal(dtype):
        return f"decimal({dtype.precision},{dtype.scale})"
    return "string"
