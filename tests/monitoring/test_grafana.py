"""Grafana provisioning and dashboards (monitoring/grafana), which Grafana itself cannot load
here: every dashboard is well-formed (unique ids, panels on the 24-column grid without overlap,
datasources that provisioning defines), every Prometheus metric a panel names exists in the code,
every Loki panel selects a stream Promtail labels, and every warehouse panel's SQL runs against
a migrated warehouse."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text

from finops.config import REPO_ROOT, Settings
from finops.db.engine import get_engine
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export
from tests.monitoring.test_prometheus import known_metrics, metric_names

GRAFANA = REPO_ROOT / "monitoring" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
PANEL_TYPES = {"stat", "timeseries", "table", "logs", "bargauge"}


def _datasources() -> dict[str, str]:
    config = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "finops.yml").read_text())
    return {ds["uid"]: ds["type"] for ds in config["datasources"]}


def _dashboards() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in DASHBOARDS}


def _targets(kind: str) -> list[dict[str, Any]]:
    uid = {"prometheus": "finops-prometheus", "loki": "finops-loki", "sql": "finops-warehouse"}
    return [
        target
        for dashboard in _dashboards().values()
        for panel in dashboard["panels"]
        for target in panel["targets"]
        if target["datasource"]["uid"] == uid[kind]
    ]


def test_the_four_dashboards_are_provisioned_and_well_formed() -> None:
    dashboards = _dashboards()
    assert sorted(dashboards) == ["airflow", "cost-overview", "data-pipeline", "platform-health"]
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "finops.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    datasources = _datasources()
    assert datasources == {
        "finops-prometheus": "prometheus",
        "finops-loki": "loki",
        "finops-warehouse": "grafana-postgresql-datasource",
    }
    assert len({d["uid"] for d in dashboards.values()}) == 4
    panels = 0
    for name, dashboard in dashboards.items():
        assert dashboard["schemaVersion"] >= 39 and dashboard["title"].startswith("FinOps · ")
        ids = [p["id"] for p in dashboard["panels"]]
        assert len(ids) == len(set(ids)), name
        cells: set[tuple[int, int]] = set()
        for panel in dashboard["panels"]:
            assert panel["type"] in PANEL_TYPES, (name, panel["title"])
            grid = panel["gridPos"]
            assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24
            mine = {
                (x, y)
                for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])
            }
            assert not mine & cells, f"{name}: {panel['title']} overlaps another panel"
            cells |= mine
            assert panel["targets"], (name, panel["title"])
            refs = [t["refId"] for t in panel["targets"]]
            assert len(refs) == len(set(refs))
            for target in panel["targets"]:
                source = target["datasource"]
                assert datasources[source["uid"]] == source["type"] == panel["datasource"]["type"]
            panels += 1
    assert panels == 39


def test_every_prometheus_metric_in_a_dashboard_exists() -> None:
    exprs = [t["expr"] for t in _targets("prometheus")]
    assert len(exprs) == 36
    named = set().union(*(metric_names(e) for e in exprs))
    labels = {"by", "job", "status", "le", "dag_id", "task_id"}
    assert named - labels <= known_metrics(), sorted(named - labels - known_metrics())
    for signal in (
        "finops_billing_data_age_hours",
        "finops_billing_unreconciled_periods",
        "finops_billing_loads_total",
        "airflow_scheduler_heartbeats_total",
        "finops:http_error_ratio:rate5m",
    ):
        assert signal in named


def test_every_loki_panel_selects_a_stream_promtail_labels() -> None:
    promtail = yaml.safe_load((REPO_ROOT / "monitoring" / "promtail" / "promtail.yml").read_text())
    jobs = {
        config["labels"]["job"]
        for scrape in promtail["scrape_configs"]
        for config in scrape["static_configs"]
    }
    selected = [re.match(r'\{job="([^"]+)"\}', t["expr"]) for t in _targets("loki")]
    assert len(selected) == 2
    assert {m.group(1) for m in selected if m} <= jobs


def _bill_this_and_last_month(root: Path) -> Path:
    """3.00 charged on the first of this month and 5.00 on the last day of the previous one."""
    first = datetime.now(UTC).date().replace(day=1)
    export = Cur2Export()
    for day, cost in ((first, "3.00"), (first - timedelta(days=1), "5.00")):
        export.add_usage(
            day=datetime(day.year, day.month, day.day),
            account="333333333333",
            service="AmazonEC2",
            cost=cost,
        )
    return export.write(root)


def test_every_warehouse_panel_query_runs_on_the_public_views(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    ingest_billing(str(_bill_this_and_last_month(tmp_path / "cur2")), settings=fresh_settings)
    panels = {
        panel["title"]: target["rawSql"]
        for dashboard in _dashboards().values()
        for panel in dashboard["panels"]
        for target in panel["targets"]
        if target["datasource"]["uid"] == "finops-warehouse"
    }
    assert len(panels) == 5
    answers: dict[str, list[tuple[Any, ...]]] = {}
    with get_engine(fresh_settings).connect() as conn:
        for title, sql in panels.items():
            assert "finops." not in sql  # the public views, never the tables
            runnable = re.sub(r"\$__timeFilter\((\w+)\)", r"\1 >= now() - interval '90 days'", sql)
            answers[title] = [tuple(row) for row in conn.execute(text(runnable))]
    assert answers["Spend this month"] == [("USD", Decimal("3.00"))]
    assert answers["Spend last month"] == [("USD", Decimal("5.00"))]
    daily = answers["Daily effective cost by provider"]
    assert [value for _, _, value in daily] == [Decimal("5.00"), Decimal("3.00")]
    assert [row[-1] for row in answers["Top services (time range)"]] == [Decimal("8.00")]
    assert answers["Top accounts (time range)"][0][0] == "333333333333"
    assert answers["Top accounts (time range)"][0][-1] == Decimal("8.00")
