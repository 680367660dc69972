"""AWS Data Exports of Cost Optimization Hub recommendations
(``COST_OPTIMIZATION_RECOMMENDATIONS``).

Each export delivery is a snapshot of the current recommendations, so a load replaces every row
of its source in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, insert

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import IngestError
from finops.ingest.exports.common import (
    DECIMAL,
    ExportLoad,
    data_files,
    read_rows,
    source_id,
    tags_object,
)
from finops.warehouse.tables import coh_recommendation_rows

# the documented columns (AWS Data Exports table dictionary), name -> staging kind
COLUMNS: dict[str, str] = {
    "account_id": "VARCHAR",
    "account_name": "VARCHAR",
    "action_type": "VARCHAR",
    "currency_code": "VARCHAR",
    "current_resource_details": "VARCHAR",
    "current_resource_summary": "VARCHAR",
    "current_resource_type": "VARCHAR",
    "estimated_monthly_cost_after_discount": DECIMAL,
    "estimated_monthly_cost_before_discount": DECIMAL,
    "estimated_monthly_savings_after_discount": DECIMAL,
    "estimated_monthly_savings_before_discount": DECIMAL,
    "estimated_savings_percentage_after_discount": DECIMAL,
    "estimated_savings_percentage_before_discount": DECIMAL,
    "implementation_effort": "VARCHAR",
    "last_refresh_timestamp": "TIMESTAMP",
    "recommendation_id": "VARCHAR",
    "recommendation_lookback_period_in_days": DECIMAL,
    "recommendation_source": "VARCHAR",
    "recommended_resource_details": "VARCHAR",
    "recommended_resource_summary": "VARCHAR",
    "recommended_resource_type": "VARCHAR",
    "region": "VARCHAR",
    "resource_arn": "VARCHAR",
    "resource_id": "VARCHAR",
    "restart_needed": "BOOLEAN",
    "rollback_possible": "BOOLEAN",
    "tags": "JSON",
}
REQUIRED = (
    "account_id",
    "action_type",
    "currency_code",
    "estimated_monthly_savings_before_discount",
    "estimated_monthly_cost_before_discount",
    "recommendation_id",
)


def ingest_coh(source: str, *, settings: Settings | None = None) -> ExportLoad:
    """Load a Cost Optimization Hub export (file or folder), replacing its source's rows."""
    settings = settings or get_settings()
    location = Path(source)
    files = data_files(location)
    sid = source_id("coh", location)
    rows = []
    for path in files:
        for row in read_rows(path, columns=COLUMNS, required=REQUIRED):
            days = row["recommendation_lookback_period_in_days"]
            row["recommendation_lookback_period_in_days"] = None if days is None else int(days)
            row["tags"] = tags_object(row["tags"])
            rows.append({"source_id": sid, **row})
    ids = [r["recommendation_id"] for r in rows]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise IngestError(f"{source}: recommendation_id appears more than once: {twice[:5]}")
    with get_engine(settings).begin() as conn:
        conn.execute(
            delete(coh_recommendation_rows).where(coh_recommendation_rows.c.source_id == sid)
        )
        if rows:
            conn.execute(insert(coh_recommendation_rows), rows)
    return ExportLoad("coh_recommendations", sid, len(files), len(rows))
