"""Usage and inventory: resource configurations and observations, inventory scans, metric
series and points, daily utilization, and the usage ingest log (migration 0003)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, Table, Text
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION, JSONB

from finops.warehouse.metadata import metadata

# table
resource_configurations = Table(
    "resource_configurations",
    metadata,
    Column("config_hash", Text, primary_key=True),
    Column("configuration", JSONB, nullable=False),
    Column("tags", JSONB, nullable=False),
)

# table
resource_observations = Table(
    "resource_observations",
    metadata,
    Column("provider", Text, nullable=False),
    Column("account_id", Text, primary_key=True),
    Column("region", Text, primary_key=True),
    Column("resource_type", Text, primary_key=True),
    Column("resource_id", Text, primary_key=True),
    Column("observed_on", Date, primary_key=True),
    Column("arn", Text),
    Column("name", Text),
    Column("state", Text),
    Column("deleted", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column(
        "config_hash",
        Text,
        ForeignKey("finops.resource_configurations.config_hash"),
        nullable=False,
    ),
    Column("source", Text, nullable=False),
)

# view
resources = Table(
    "resources",
    metadata,
    Column("provider", Text),
    Column("account_id", Text),
    Column("region", Text),
    Column("resource_type", Text),
    Column("resource_id", Text),
    Column("arn", Text),
    Column("name", Text),
    Column("state", Text),
    Column("is_terminated", Boolean),
    Column("created_at", DateTime(timezone=True)),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("terminated_on", Date),
    Column("configuration", JSONB),
    Column("tags", JSONB),
    Column("source", Text),
    Column("metric_resource_id", Text),
)

# view
resource_history = Table(
    "resource_history",
    metadata,
    Column("provider", Text),
    Column("account_id", Text),
    Column("region", Text),
    Column("resource_type", Text),
    Column("resource_id", Text),
    Column("observed_on", Date),
    Column("arn", Text),
    Column("name", Text),
    Column("state", Text),
    Column("deleted", Boolean),
    Column("created_at", DateTime(timezone=True)),
    Column("configuration", JSONB),
    Column("tags", JSONB),
    Column("source", Text),
)

# table
inventory_scans = Table(
    "inventory_scans",
    metadata,
    Column("account_id", Text, primary_key=True),
    Column("region", Text, primary_key=True),
    Column("resource_type", Text, primary_key=True),
    Column("observed_on", Date, primary_key=True),
    Column("source", Text, nullable=False),
    Column("run_id", Text, nullable=False),
)

# table
inventory_resources = Table(
    "inventory_resources",
    metadata,
    Column("provider", Text, nullable=False),
    Column("account_id", Text, primary_key=True),
    Column("region", Text, primary_key=True),
    Column("resource_type", Text, primary_key=True),
    Column("resource_id", Text, primary_key=True),
    Column("arn", Text),
    Column("name", Text),
    Column("state", Text),
    Column("created_at", DateTime(timezone=True)),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("terminated_on", Date),
    Column("configuration", JSONB, nullable=False),
    Column("tags", JSONB, nullable=False),
    Column("source", Text, nullable=False),
)

# table
metric_series = Table(
    "metric_series",
    metadata,
    Column("series_id", BigInteger, primary_key=True),
    Column("provider", Text, nullable=False),
    Column("account_id", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("namespace", Text, nullable=False),
    Column("metric_name", Text, nullable=False),
    Column("dimensions", JSONB, nullable=False),
    Column("stat", Text, nullable=False),
    Column("unit", Text),
    Column("resource_id", Text, nullable=False),
)

# table, partitioned
metric_points = Table(
    "metric_points",
    metadata,
    Column("series_id", BigInteger, primary_key=True),
    Column("ts", DateTime(timezone=True), primary_key=True),
    Column("value", DOUBLE_PRECISION, nullable=False),
)

# table
utilization_daily_stats = Table(
    "utilization_daily_stats",
    metadata,
    Column("series_id", BigInteger, ForeignKey("finops.metric_series.series_id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("avg", DOUBLE_PRECISION, nullable=False),
    Column("p50", DOUBLE_PRECISION, nullable=False),
    Column("p95", DOUBLE_PRECISION, nullable=False),
    Column("p99", DOUBLE_PRECISION, nullable=False),
    Column("min", DOUBLE_PRECISION, nullable=False),
    Column("max", DOUBLE_PRECISION, nullable=False),
    Column("sample_count", Integer, nullable=False),
)

# view
utilization_daily = Table(
    "utilization_daily",
    metadata,
    Column("provider", Text),
    Column("account_id", Text),
    Column("region", Text),
    Column("resource_id", Text),
    Column("namespace", Text),
    Column("metric_name", Text),
    Column("stat", Text),
    Column("unit", Text),
    Column("dimensions", JSONB),
    Column("day", Date),
    Column("avg", DOUBLE_PRECISION),
    Column("p50", DOUBLE_PRECISION),
    Column("p95", DOUBLE_PRECISION),
    Column("p99", DOUBLE_PRECISION),
    Column("min", DOUBLE_PRECISION),
    Column("max", DOUBLE_PRECISION),
    Column("sample_count", Integer),
)

# table
usage_ingest_log = Table(
    "usage_ingest_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("run_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("account_id", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("day", Date),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("message", Text),
    Column("resources", Integer),
    Column("series", Integer),
    Column("points", BigInteger),
    Column("api_calls", Integer),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
)
