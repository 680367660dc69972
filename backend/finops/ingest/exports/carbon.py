"""AWS Data Exports of carbon emissions (``CARBON_EMISSIONS``): monthly estimates in MTCO2e by
payer and usage account, product and region, location- and market-based.

A load replaces its source's rows for the usage months its files contain (a month is restated
as AWS refreshes the model), in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, insert

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.ingest.exports.common import DECIMAL, ExportLoad, data_files, read_rows, source_id
from finops.warehouse.tables import carbon_emission_rows

COLUMNS: dict[str, str] = {
    "last_refresh_timestamp": "TIMESTAMP",
    "location": "VARCHAR",
    "model_version": "VARCHAR",
    "payer_account_id": "VARCHAR",
    "product_code": "VARCHAR",
    "region_code": "VARCHAR",
    "total_lbm_emissions_unit": "VARCHAR",
    "total_lbm_emissions_value": DECIMAL,
    "total_mbm_emissions_unit": "VARCHAR",
    "total_mbm_emissions_value": DECIMAL,
    "usage_account_id": "VARCHAR",
    "usage_period_end": "TIMESTAMP",
    "usage_period_start": "TIMESTAMP",
}
REQUIRED = tuple(c for c in COLUMNS if c not in ("location", "product_code", "region_code"))


def ingest_carbon(source: str, *, settings: Settings | None = None) -> ExportLoad:
    """Load a carbon emissions export (file or folder), replacing its months of its source."""
    settings = settings or get_settings()
    location = Path(source)
    files = data_files(location)
    sid = source_id("carbon", location)
    rows = [
        {"source_id": sid, **row}
        for path in files
        for row in read_rows(path, columns=COLUMNS, required=REQUIRED)
    ]
    months = sorted(
        {
            r["usage_period_start"].replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            for r in rows
        }
    )
    with get_engine(settings).begin() as conn:
        if months:
            conn.execute(
                delete(carbon_emission_rows).where(
                    carbon_emission_rows.c.source_id == sid,
                    func.date_trunc("month", carbon_emission_rows.c.usage_period_start).in_(months),
                )
            )
            conn.execute(insert(carbon_emission_rows), rows)
    return ExportLoad("carbon_emissions", sid, len(files), len(rows))
