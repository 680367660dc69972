"""Usage ingestion: CloudWatch metrics (Metric Streams files or GetMetricData) into
``finops.utilization_daily`` and the raw 5-minute points."""

from finops.ingest.usage.pipeline import ingest_usage
from finops.ingest.usage.runlog import RunResult, UnitOutcome, UsageIngestError
from finops.ingest.usage.scope import Scope

__all__ = ["RunResult", "Scope", "UnitOutcome", "UsageIngestError", "ingest_usage"]
