"""Recognise a provider's native billing export by its columns (no other imports: formats.py
uses this, and the provider modules import formats.py).

- ``azure``: Azure Cost Management cost details exports (EA or MCA, actual or amortized cost)
- ``gcp``: Google Cloud Billing export to BigQuery (standard or detailed usage cost), as files
  exported from BigQuery (parquet or newline-delimited JSON)
- ``oci``: Oracle Cloud Infrastructure cost reports (csv)
"""

from __future__ import annotations

NATIVE_FORMATS = ("azure", "gcp", "oci")


def native_format(names: list[str]) -> str | None:
    """The native format whose identifying columns ``names`` hold, or None."""
    lower = {n.strip().lower() for n in names}
    if {"costinbillingcurrency", "metercategory"} <= lower and (
        "date" in lower or "usagedate" in lower
    ):
        return "azure"
    if {"lineitem/referenceno", "cost/mycost"} <= lower:
        return "oci"
    if {"billing_account_id", "cost", "usage_start_time", "service", "sku"} <= set(names):
        return "gcp"
    return None
