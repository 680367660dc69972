"""SQLAlchemy Core descriptions of the warehouse's public read views (and the report tables the
API reads as they are). Migrations own the objects; these only name the columns the routes use,
so every query is built by SQLAlchemy with bound parameters."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    MetaData,
    Numeric,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(schema="finops")

# migrations/versions/0005_optimization.py
findings = Table(
    "findings",
    metadata,
    Column("fingerprint", String, primary_key=True),
    Column("job", String),
    Column("finding_type", String),
    Column("resource_id", String),
    Column("resource_type", String),
    Column("account_id", String),
    Column("region", String),
    Column("service", String),
    Column("scope", String),
    Column("status", String),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("resolved_on", Date),
    Column("estimated_monthly_savings", Numeric(20, 6)),
    Column("currency", String),
    Column("cost_7d", Numeric(20, 6)),
    Column("cost_30d", Numeric(20, 6)),
    Column("cost_mtd", Numeric(20, 6)),
    Column("cost_prev_month", Numeric(20, 6)),
    Column("details", JSONB),
    Column("latest_run_as_of", Date),
    # migrations/versions/0009_effective_savings.py
    Column("savings_method", String),
    Column("on_demand_monthly_savings", Numeric(20, 6)),
    Column("commitment_waste", Numeric(20, 6)),
)

chargeback_monthly = Table(
    "chargeback_monthly",
    metadata,
    Column("billing_period", Date, primary_key=True),
    Column("cost_center", String, primary_key=True),
    Column("allocation", String, primary_key=True),
    Column("billing_currency", String),
    Column("cost", Numeric(38, 10)),
    Column("share", Numeric(12, 8)),
)

# migrations/versions/0001_warehouse_core.py: the FOCUS cost view (only its charge time: the
# cost intelligence routes sum costs through the jobs' own cost rows) and the ingest log (the
# billing currency of every loaded slice)
costs = Table(
    "costs",
    metadata,
    Column("charge_period_start", DateTime(timezone=True)),
)

ingest_log = Table(
    "ingest_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("status", String),
    Column("billing_currency", String),
    # the rest for /sources/loads (0007 made money unconstrained numeric, billing_period nullable)
    Column("run_id", String),
    Column("source_id", String),
    Column("source_format", String),
    Column("billing_period", Date),
    Column("raw_line_items", BigInteger),
    Column("rows_loaded", BigInteger),
    Column("billed_cost", Numeric),
    Column("effective_cost", Numeric),
    Column("list_cost", Numeric),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("error", String),
)

# migrations/versions/0004_cost_intelligence.py
anomalies = Table(
    "anomalies",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("fingerprint", String),
    Column("scope_kind", String),
    Column("scope", JSONB),
    Column("kind", String),
    Column("cause", String),
    Column("status", String),
    Column("status_note", String),
    Column("first_day", Date),
    Column("last_day", Date),
    Column("expected", Numeric(20, 2)),
    Column("lower_bound", Numeric(20, 2)),
    Column("upper_bound", Numeric(20, 2)),
    Column("actual", Numeric(20, 2)),
    Column("impact", Numeric(20, 2)),
    Column("impact_pct", Numeric(14, 2)),
    Column("severity", String),
    Column("peak_score", Float),
    Column("root_cause", JSONB),
    Column("top_cause", JSONB),
    Column("related_scopes", JSONB),
    Column("cost_metric", String),
    Column("detected_on", Date),
    Column("last_run_date", Date),
)

budgets = Table(
    "budgets",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("name", String),
    Column("scope_kind", String),
    Column("scope", JSONB),
    Column("period", String),
    Column("amount", Numeric(20, 2)),
    Column("currency", String),
    Column("cost_metric", String),
    Column("thresholds", JSONB),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("run_date", Date),
    Column("actual", Numeric(20, 2)),
    Column("forecast", Numeric(20, 2)),
    Column("forecast_model", String),
    Column("actual_pct", Numeric(20, 2)),
    Column("forecast_pct", Numeric(20, 2)),
)

budget_definitions = Table(
    "budget_definitions",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("name", String),
    Column("channels", JSONB),
)

budget_alerts = Table(
    "budget_alerts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("budget_id", BigInteger),
    Column("period_start", Date),
    Column("threshold_kind", String),
    Column("threshold_percent", Numeric(8, 2)),
    Column("crossed_on", Date),
    Column("amount", Numeric(20, 2)),
    Column("actual", Numeric(20, 2)),
    Column("forecast", Numeric(20, 2)),
)

# migrations/versions/0007_billing_sources_quality.py: billing sources and the data-quality
# report of each load (``data_quality``: the report of the loaded version of each slice)
billing_sources = Table(
    "billing_sources",
    metadata,
    Column("source_id", String, primary_key=True),
)

ingest_quality = Table(
    "ingest_quality",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("ingest_log_id", BigInteger),
)

data_quality = Table(
    "data_quality",
    metadata,
    Column("source_id", String),
    Column("billing_period", Date),
    Column("rule_id", String),
    Column("column_name", String),
    Column("severity", String),
    Column("line_items", BigInteger),
    Column("message", String),
    Column("examples", JSONB),
    Column("run_id", String),
    Column("loaded_at", DateTime(timezone=True)),
)
