"""Every table and view of the warehouse, described once on ``finops.warehouse.metadata``.

Import a table from here (``from finops.warehouse.tables import costs``); the modules only
group them by capability."""

from __future__ import annotations

from finops.warehouse.metadata import metadata
from finops.warehouse.tables.assistant import assistant_queries, insights
from finops.warehouse.tables.billing import (
    billing_sources,
    cost_attributes,
    cost_facts,
    cost_rollup_daily,
    costs,
    data_quality,
    ingest_log,
    ingest_quality,
    source_objects,
)
from finops.warehouse.tables.identity import (
    api_tokens,
    login_attempts,
    sessions,
    users,
)
from finops.warehouse.tables.intelligence import (
    anomalies,
    anomaly_incidents,
    budget_alerts,
    budget_definitions,
    budget_evaluations,
    budgets,
    forecast_points,
    forecast_runs,
    forecasts,
    notification_log,
    usage_incidents,
)
from finops.warehouse.tables.optimization import (
    carbon_emission_rows,
    carbon_emissions,
    chargeback_monthly,
    coh_recommendation_rows,
    coh_recommendations,
    commitment_coverage_daily,
    commitment_utilization_daily,
    finding_observations,
    finding_runs,
    findings,
    savings_plan_recommendations,
)
from finops.warehouse.tables.platform import (
    audit_chain_head,
    audit_log,
    job_runs,
    row_scopes,
)
from finops.warehouse.tables.remediation import (
    remediation_decisions,
    remediation_proposals,
    remediation_steps,
)
from finops.warehouse.tables.rollups import (
    rollup_cost_daily,
    rollup_cost_daily_service,
    rollup_cost_monthly,
    rollup_cost_tag_daily,
)
from finops.warehouse.tables.savings import savings_measurements
from finops.warehouse.tables.usage import (
    inventory_resources,
    inventory_scans,
    metric_points,
    metric_series,
    resource_configurations,
    resource_history,
    resource_observations,
    resources,
    usage_ingest_log,
    utilization_daily,
    utilization_daily_stats,
)

__all__ = [
    "anomalies",
    "anomaly_incidents",
    "api_tokens",
    "assistant_queries",
    "audit_chain_head",
    "audit_log",
    "billing_sources",
    "budget_alerts",
    "budget_definitions",
    "budget_evaluations",
    "budgets",
    "carbon_emission_rows",
    "carbon_emissions",
    "chargeback_monthly",
    "coh_recommendation_rows",
    "coh_recommendations",
    "commitment_coverage_daily",
    "commitment_utilization_daily",
    "cost_attributes",
    "cost_facts",
    "cost_rollup_daily",
    "costs",
    "data_quality",
    "finding_observations",
    "finding_runs",
    "findings",
    "forecast_points",
    "forecast_runs",
    "forecasts",
    "ingest_log",
    "ingest_quality",
    "insights",
    "inventory_resources",
    "inventory_scans",
    "job_runs",
    "login_attempts",
    "metadata",
    "metric_points",
    "metric_series",
    "notification_log",
    "remediation_decisions",
    "remediation_proposals",
    "remediation_steps",
    "resource_configurations",
    "resource_history",
    "resource_observations",
    "resources",
    "rollup_cost_daily",
    "rollup_cost_daily_service",
    "rollup_cost_monthly",
    "rollup_cost_tag_daily",
    "row_scopes",
    "savings_measurements",
    "savings_plan_recommendations",
    "sessions",
    "source_objects",
    "usage_incidents",
    "usage_ingest_log",
    "users",
    "utilization_daily",
    "utilization_daily_stats",
]
