"""Native billing exports of other providers, each mapped to FOCUS by its published mapping.

One module per provider (``azure``, ``gcp``, ``oci``), each with its mapping SQL next to it;
``detect.py`` recognises them by their columns, ``NATIVE`` is the registry the staging uses.
"""

from __future__ import annotations

from finops.ingest.billing.providers.azure import AZURE
from finops.ingest.billing.providers.gcp import GCP
from finops.ingest.billing.providers.native import NativeFormat
from finops.ingest.billing.providers.oci import OCI

NATIVE: dict[str, NativeFormat] = {f.name: f for f in (AZURE, GCP, OCI)}

__all__ = ["NATIVE", "NativeFormat"]
