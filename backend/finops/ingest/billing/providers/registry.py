"""The native formats by name: what staging and the transform look a format up in."""

from __future__ import annotations

from finops.ingest.billing.providers.azure import AZURE
from finops.ingest.billing.providers.gcp import GCP
from finops.ingest.billing.providers.native import NativeFormat
from finops.ingest.billing.providers.oci import OCI

NATIVE: dict[str, NativeFormat] = {f.name: f for f in (AZURE, GCP, OCI)}

__all__ = ["NATIVE", "NativeFormat"]
