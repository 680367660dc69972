"""Cost intelligence: anomaly incidents, usage incidents, forecasts, budgets and their
notifications (migrations 0004, 0006, 0021)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Integer, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION, JSONB

from finops.warehouse.metadata import metadata

# table
anomaly_incidents = Table(
    "anomaly_incidents",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("scope_kind", Text, nullable=False),
    Column("scope", JSONB, nullable=False),
    Column("kind", Text, nullable=False),
    Column("cause", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_note", Text),
    Column("status_changed_at", DateTime(timezone=True)),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("expected", Numeric(20, 2), nullable=False),
    Column("lower_bound", Numeric(20, 2), nullable=False),
    Column("upper_bound", Numeric(20, 2), nullable=False),
    Column("actual", Numeric(20, 2), nullable=False),
    Column("impact", Numeric(20, 2), nullable=False),
    Column("impact_pct", Numeric(14, 2)),
    Column("severity", Text, nullable=False),
    Column("peak_score", DOUBLE_PRECISION),
    Column("root_cause", JSONB, nullable=False),
    Column("related_scopes", JSONB, nullable=False),
    Column("cost_metric", Text, nullable=False),
    Column("detected_on", Date, nullable=False),
    Column("last_run_date", Date, nullable=False),
    Column("run_id", Text, nullable=False),
)

# table
usage_incidents = Table(
    "usage_incidents",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("account_id", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("metric_resource_id", Text, nullable=False),
    Column("resource_type", Text),
    Column("series_id", BigInteger, nullable=False),
    Column("namespace", Text, nullable=False),
    Column("metric_name", Text, nullable=False),
    Column("stat", Text, nullable=False),
    Column("unit", Text),
    Column("direction", Text, nullable=False),
    Column("pattern", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("points", Integer, nullable=False),
    Column("peak_value", DOUBLE_PRECISION, nullable=False),
    Column("expected_value", DOUBLE_PRECISION, nullable=False),
    Column("peak_score", DOUBLE_PRECISION, nullable=False),
    Column("cost_anomaly", Text),
    Column("detected_on", Date, nullable=False),
    Column("last_run_date", Date, nullable=False),
    Column("run_id", Text, nullable=False),
)

# view
anomalies = Table(
    "anomalies",
    metadata,
    Column("id", BigInteger),
    Column("fingerprint", Text),
    Column("scope_kind", Text),
    Column("scope", JSONB),
    Column("kind", Text),
    Column("cause", Text),
    Column("status", Text),
    Column("status_note", Text),
    Column("first_day", Date),
    Column("last_day", Date),
    Column("expected", Numeric(20, 2)),
    Column("lower_bound", Numeric(20, 2)),
    Column("upper_bound", Numeric(20, 2)),
    Column("actual", Numeric(20, 2)),
    Column("impact", Numeric(20, 2)),
    Column("impact_pct", Numeric(14, 2)),
    Column("severity", Text),
    Column("peak_score", DOUBLE_PRECISION),
    Column("root_cause", JSONB),
    Column("top_cause", JSONB),
    Column("related_scopes", JSONB),
    Column("cost_metric", Text),
    Column("detected_on", Date),
    Column("last_run_date", Date),
)

# table
forecast_runs = Table(
    "forecast_runs",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("scope_kind", Text, nullable=False),
    Column("scope", JSONB, nullable=False),
    Column("scope_key", Text, nullable=False),
    Column("run_date", Date, nullable=False),
    Column("cost_metric", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("weights", JSONB, nullable=False),
    Column("history_days", Integer, nullable=False),
    Column("horizon_days", Integer, nullable=False),
    Column("backtest_folds", Integer, nullable=False),
    Column("backtest_mase", DOUBLE_PRECISION, nullable=False),
    Column("backtest_smape", DOUBLE_PRECISION, nullable=False),
    Column("backtest_by_model", JSONB, nullable=False),
    Column("month_to_date", Numeric(20, 2), nullable=False),
    Column("month_end_projection", Numeric(20, 2), nullable=False),
    Column("month_end_lower80", Numeric(20, 2), nullable=False),
    Column("month_end_upper80", Numeric(20, 2), nullable=False),
    Column("quarter_to_date", Numeric(20, 2), nullable=False),
    Column("quarter_end_projection", Numeric(20, 2), nullable=False),
    Column("quarter_end_lower80", Numeric(20, 2), nullable=False),
    Column("quarter_end_upper80", Numeric(20, 2), nullable=False),
    Column("run_id", Text, nullable=False),
)

# table
forecast_points = Table(
    "forecast_points",
    metadata,
    Column("forecast_run_id", BigInteger, ForeignKey("finops.forecast_runs.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("horizon_day", Integer, nullable=False),
    Column("yhat", Numeric(20, 2), nullable=False),
    Column("lower80", Numeric(20, 2), nullable=False),
    Column("upper80", Numeric(20, 2), nullable=False),
    Column("lower95", Numeric(20, 2), nullable=False),
    Column("upper95", Numeric(20, 2), nullable=False),
)

# view
forecasts = Table(
    "forecasts",
    metadata,
    Column("scope_kind", Text),
    Column("scope", JSONB),
    Column("run_date", Date),
    Column("cost_metric", Text),
    Column("model", Text),
    Column("backtest_mase", DOUBLE_PRECISION),
    Column("backtest_smape", DOUBLE_PRECISION),
    Column("day", Date),
    Column("horizon_day", Integer),
    Column("yhat", Numeric(20, 2)),
    Column("lower80", Numeric(20, 2)),
    Column("upper80", Numeric(20, 2)),
    Column("lower95", Numeric(20, 2)),
    Column("upper95", Numeric(20, 2)),
)

# table
budget_definitions = Table(
    "budget_definitions",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("name", Text, nullable=False),
    Column("scope_kind", Text, nullable=False),
    Column("scope", JSONB, nullable=False),
    Column("period", Text, nullable=False),
    Column("amount", Numeric(20, 2), nullable=False),
    Column("currency", Text, nullable=False),
    Column("cost_metric", Text, nullable=False),
    Column("thresholds", JSONB, nullable=False),
    Column("channels", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# table
budget_evaluations = Table(
    "budget_evaluations",
    metadata,
    Column("budget_id", BigInteger, ForeignKey("finops.budget_definitions.id"), primary_key=True),
    Column("period_start", Date, primary_key=True),
    Column("period_end", Date, nullable=False),
    Column("run_date", Date, primary_key=True),
    Column("actual", Numeric(20, 2), nullable=False),
    Column("forecast", Numeric(20, 2), nullable=False),
    Column("forecast_model", Text, nullable=False),
    Column("run_id", Text, nullable=False),
)

# table
budget_alerts = Table(
    "budget_alerts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("budget_id", BigInteger, ForeignKey("finops.budget_definitions.id"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("threshold_kind", Text, nullable=False),
    Column("threshold_percent", Numeric(8, 2), nullable=False),
    Column("crossed_on", Date, nullable=False),
    Column("amount", Numeric(20, 2), nullable=False),
    Column("actual", Numeric(20, 2), nullable=False),
    Column("forecast", Numeric(20, 2), nullable=False),
    Column("run_id", Text, nullable=False),
)

# view
budgets = Table(
    "budgets",
    metadata,
    Column("id", BigInteger),
    Column("name", Text),
    Column("scope_kind", Text),
    Column("scope", JSONB),
    Column("period", Text),
    Column("amount", Numeric(20, 2)),
    Column("currency", Text),
    Column("cost_metric", Text),
    Column("thresholds", JSONB),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("run_date", Date),
    Column("actual", Numeric(20, 2)),
    Column("forecast", Numeric(20, 2)),
    Column("forecast_model", Text),
    Column("actual_pct", Numeric),
    Column("forecast_pct", Numeric),
)

# table
notification_log = Table(
    "notification_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("dedup_key", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("logged_at", DateTime(timezone=True), nullable=False),
)
