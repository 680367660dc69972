"""Billing ingestion: CUR 2.0, legacy CUR and FOCUS exports into the FOCUS 1.2 cost facts."""

from finops.ingest.billing.pipeline import (
    IngestFailures,
    PeriodOutcome,
    ingest_billing,
    list_periods,
)

__all__ = ["IngestFailures", "PeriodOutcome", "ingest_billing", "list_periods"]
