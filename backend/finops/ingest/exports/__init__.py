"""AWS Data Exports other than billing: Cost Optimization Hub recommendations (``coh``) and
carbon emissions (``carbon``), each loaded into its own table behind a public view."""

from finops.ingest.exports.carbon import ingest_carbon
from finops.ingest.exports.coh import ingest_coh
from finops.ingest.exports.common import ExportLoad

__all__ = ["ExportLoad", "ingest_carbon", "ingest_coh"]
