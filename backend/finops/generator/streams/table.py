"""The Arrow table of the streams' static attributes: the columns every line item of a stream
shares (account, product, usage type, resource, tags, cost categories, SKU)."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

from finops.generator import catalog
from finops.generator.streams.factory import sku
from finops.generator.streams.model import MAP_TYPE, Model, StreamSpec


def tag_key(key: str) -> str:
    """CUR 2.0 key of a tag in ``resource_tags``: ``cost-center`` → ``user_cost_center``."""
    return "user_" + "".join(c if c.isalnum() else "_" for c in key)


def static_table(specs: list[StreamSpec]) -> pa.Table:
    def col(name: str) -> pa.Array:
        return pa.array([getattr(s, name) for s in specs], pa.string())

    regions = [s.region for s in specs]
    skus = [
        sku(s.product_code, s.usage_type, s.operation, s.region) if s.model != Model.CHARGE else ""
        for s in specs
    ]
    product_maps = [sorted(s.product.items()) for s in specs]
    tag_maps = [sorted((tag_key(k), v) for k, v in s.tags.items()) for s in specs]
    cost_categories = [
        [("business_unit", catalog.BUSINESS_UNITS.get(s.tags.get("team", ""), "Unallocated"))]
        for s in specs
    ]
    legacy_tags = [sorted((f"user:{k}", v) for k, v in s.tags.items()) for s in specs]
    return pa.table(
        {
            "account_id": col("account_id"),
            "account_name": col("account_name"),
            "region": pa.array(regions, pa.string()),
            "az": col("az"),
            "product_code": col("product_code"),
            "servicecode": col("servicecode"),
            "usage_type": col("usage_type"),
            "operation": col("operation"),
            "resource_id": col("resource_id"),
            "product_family": col("product_family"),
            "pricing_unit": col("pricing_unit"),
            "description": col("description"),
            "instance_type": col("instance_type"),
            "rate": pa.array([rate_text(s.rate) for s in specs], pa.string()),
            "normalization_factor": pa.array([s.normalization_factor for s in specs], pa.float64()),
            "sku": pa.array(skus, pa.string()),
            "location": pa.array(
                [catalog.REGIONS[r].name if r else "" for r in regions], pa.string()
            ),
            "product": pa.array(product_maps, MAP_TYPE),
            "resource_tags": pa.array(tag_maps, MAP_TYPE),
            "cost_category": pa.array(cost_categories, MAP_TYPE),
            "legacy_tags": pa.array(legacy_tags, MAP_TYPE),
            "owner": col("owner"),
        }
    )


def rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text if "." in text else f"{text}.0"
