"""Inventory ingestion: AWS Config snapshots or describe APIs into ``finops.resources``."""

from finops.ingest.inventory.pipeline import ingest_inventory
from finops.ingest.usage.scope import Scope

__all__ = ["Scope", "ingest_inventory"]
