"""``build_streams``: the meters of every resource, then one pseudo-stream per non-usage charge
(reserved-instance and savings-plan fees, support, a domain fee, a credit, a refund and the tax
of every account and product), packed into arrays."""

from __future__ import annotations

import numpy as np

from finops.generator.estate.model import Estate
from finops.generator.streams.factory import StreamFactory, stable_key, usage_type
from finops.generator.streams.meters import ResourceMeters
from finops.generator.streams.model import (
    COST_SCALE,
    ChargeStreams,
    LineType,
    Model,
    Streams,
    StreamSpec,
)
from finops.generator.streams.table import static_table


def build_streams(estate: Estate) -> Streams:
    f = ResourceMeters(estate)
    for resource in estate.resources:
        f.add_resource(resource)
    n_usage = len(f.specs)
    ri_fee, sp_fee = commitment_fee_streams(f, estate)
    charges = charge_streams(f, estate, ri_fee=ri_fee, sp_fee=sp_fee)
    return pack(estate, f.specs, n_usage, charges)


def commitment_fee_streams(
    f: StreamFactory, estate: Estate
) -> tuple[dict[str, int], dict[str, int]]:
    """One fee stream per reservation and per savings plan, billed to the payer."""
    payer = estate.payer.account_id
    ri_fee = {
        ri.arn: f.charge(
            payer,
            "AmazonEC2",
            LineType.RI_FEE,
            usage_type(ri.region, f"HeavyUsage:{ri.instance_type}"),
            f"USD {ri.hourly_rate} hourly fee per Linux/UNIX (Amazon VPC), {ri.instance_type}"
            " instance",
            owner=ri.arn,
            region=ri.region,
            family="Compute Instance",
            unit="Hrs",
            operation="RunInstances",
        )
        for ri in estate.reservations
    }
    sp_fee = {
        sp.arn: f.charge(
            payer,
            "ComputeSavingsPlans",
            LineType.SP_RECURRING_FEE,
            "ComputeSP:1yrNoUpfront",
            f"1 year No Upfront Compute Savings Plan with ${sp.commitment}/hour commitment",
            owner=sp.arn,
            family="Savings Plan",
            unit="Hrs",
        )
        for sp in estate.savings_plans
    }
    return ri_fee, sp_fee


def charge_streams(
    f: StreamFactory, estate: Estate, *, ri_fee: dict[str, int], sp_fee: dict[str, int]
) -> ChargeStreams:
    """Support, the domain fee, a credit, a refund, then one tax stream per account and product
    code billed so far."""
    payer = estate.payer.account_id
    support = f.charge(
        payer,
        "AWSSupportBusiness",
        LineType.FEE,
        "Dollar",
        "AWS Support (Business)",
        family="Support",
        unit="Dollar",
    )
    domain_fee = f.charge(
        payer,
        "AmazonRoute53",
        LineType.FEE,
        "demo-estate.com",
        "Registration of demo-estate.com (1 year)",
        family="Domain",
        unit="Dollar",
        operation="RegisterDomain",
    )
    credited = estate.accounts[1 % len(estate.accounts)].account_id
    credit = f.charge(
        credited, "AmazonEC2", LineType.CREDIT, "", "AWS Activate credit", family="", unit=""
    )
    refunded = estate.accounts[0].account_id
    refund = f.charge(
        refunded,
        "AWSLambda",
        LineType.REFUND,
        "",
        "Refund for Lambda charges (support case 1717171717)",
        unit="",
    )
    pairs = sorted({(s.account_id, s.product_code) for s in f.specs})
    tax = {
        pair: f.charge(pair[0], pair[1], LineType.TAX, "", f"Tax for product code {pair[1]}")
        for pair in pairs
    }
    return ChargeStreams(ri_fee, sp_fee, tax, support, credit, refund, domain_fee)


def pack(estate: Estate, specs: list[StreamSpec], n_usage: int, charges: ChargeStreams) -> Streams:
    type_codes: dict[tuple[str, str], int] = {}
    for s in specs:
        if s.product_code == "AmazonEC2" and s.instance_type and s.model == Model.HOURS:
            type_codes.setdefault((s.region, s.instance_type), len(type_codes))
    account_ids = [estate.payer.account_id, *(a.account_id for a in estate.accounts)]
    account_index = {a: i for i, a in enumerate(account_ids)}
    product_codes = sorted({s.product_code for s in specs})
    product_index = {p: i for i, p in enumerate(product_codes)}
    static = static_table(specs)
    return Streams(
        specs=specs,
        static=static,
        rate_units=np.array([float(s.rate * COST_SCALE) for s in specs], dtype=np.float64),
        model=np.array([int(s.model) for s in specs], dtype=np.int8),
        base=np.array([s.base for s in specs], dtype=np.float64),
        launch=np.array([s.launch for s in specs], dtype=np.int64),
        terminate=np.array([s.terminate for s in specs], dtype=np.int64),
        schedule=np.array([s.schedule for s in specs], dtype=np.int8),
        diurnal=np.array([s.diurnal for s in specs], dtype=np.float64),
        weekend=np.array([s.weekend for s in specs], dtype=np.float64),
        noise=np.array([s.noise for s in specs], dtype=np.float64),
        growth=np.array([s.growth for s in specs], dtype=np.float64),
        anomaly=np.array([s.anomaly for s in specs], dtype=np.int32),
        key=np.array(
            [stable_key(f"{s.resource_id}|{s.usage_type}|{i}") for i, s in enumerate(specs)],
            dtype=np.uint64,
        ),
        type_code=np.array(
            [
                type_codes.get((s.region, s.instance_type), -1)
                if s.product_code == "AmazonEC2" and s.model == Model.HOURS
                else -1
                for s in specs
            ],
            dtype=np.int32,
        ),
        sp_eligible=np.array([s.sp_eligible for s in specs], dtype=np.bool_),
        account_code=np.array([account_index[s.account_id] for s in specs], dtype=np.int32),
        product_code_index=np.array([product_index[s.product_code] for s in specs], dtype=np.int32),
        usage_streams=np.arange(n_usage, dtype=np.int64),
        type_codes=type_codes,
        account_ids=account_ids,
        product_codes=product_codes,
        charges=charges,
    )


def active_hours_estimate(streams: Streams, hours: int) -> int:
    """Number of usage stream-hours inside [0, hours) (office-hours streams count ~ a third)."""
    lo = np.clip(streams.launch[streams.usage_streams], 0, hours)
    hi = np.clip(streams.terminate[streams.usage_streams], 0, hours)
    span = np.maximum(0, hi - lo).astype(np.float64)
    span[streams.schedule[streams.usage_streams] == 1] *= 60.0 / 168.0
    return int(span.sum())
