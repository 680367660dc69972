"""The monitoring configuration with the real tools from Debian (installed by ``make test``'s
``prometheus`` step): promtool checks the Prometheus config and rules and runs the alert unit
tests, which cover every alert both firing and quiet; amtool checks the Alertmanager config and
its routing; and a real Prometheus, started with the committed config (only the API's target
and the ports rewritten), scrapes a running ``finops serve`` and answers a query for a platform
metric. The rules are the rendering of monitoring/thresholds.yaml and name only metrics that
exist (the platform's collector, the API's own, the statsd-exporter mapping, the exporters)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from finops.config import Settings
from finops.ingest.billing import ingest_billing
from finops.platform_metrics import METRICS
from tests.monitoring.test_platform_metrics import small_bill

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
ALERTS = PROMETHEUS / "rules" / "alerts.yml"
RECORDING = PROMETHEUS / "rules" / "recording.yml"
ALERT_TESTS = PROMETHEUS / "tests" / "alerts.test.yml"


def run(*args: str | Path) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def rules(path: Path) -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def test_the_committed_rules_are_the_rendering_of_the_thresholds() -> None:
    run(sys.executable, MONITORING / "render_rules.py", "--check")
    thresholds = yaml.safe_load((MONITORING / "thresholds.yaml").read_text())
    stale = next(r for r in rules(ALERTS) if r["alert"] == "FinOpsBillingDataStale")
    assert stale["expr"].endswith(f"> {thresholds['billing']['data_stale_hours']}")


def test_promtool_checks_the_config_and_the_rules() -> None:
    out = run("promtool", "check", "config", PROMETHEUS / "prometheus.yml")
    assert "SUCCESS: 2 rule files found" in out
    out = run("promtool", "check", "rules", ALERTS, RECORDING)
    assert f"SUCCESS: {len(rules(ALERTS))} rules found" in out
    assert f"SUCCESS: {len(rules(RECORDING))} rules found" in out


def test_every_alert_has_promtool_cases_that_fire_and_stay_quiet() -> None:
    out = run("promtool", "test", "rules", ALERT_TESTS)
    assert "SUCCESS" in out
    fired: set[str] = set()
    quiet: set[str] = set()
    for case in yaml.safe_load(ALERT_TESTS.read_text())["tests"]:
        for check in case["alert_rule_test"]:
            (fired if check["exp_alerts"] else quiet).add(check["alertname"])
    alerts = {r["alert"] for r in rules(ALERTS)}
    assert len(alerts) == 12
    assert fired == alerts
    assert quiet == alerts


def metric_names(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', "", expr)
    names = set(
        re.findall(r"\b([a-z_]+:[a-z0-9_:]+|[a-z][a-z0-9_]*_[a-z0-9_]+)\b", without_strings)
    )
    functions = {"histogram_quantile", "predict_linear"}
    return {n for n in names if n not in functions and not n.startswith("source_")}


def known_metrics() -> set[str]:
    """Every metric the stack exports: the platform's, the API's HTTP metrics, the statsd
    mapping's Airflow metrics, the exporters' and the recording rules'."""
    api = {"finops_http_requests_total", "finops_http_request_duration_seconds_bucket"}
    mapping = yaml.safe_load((MONITORING / "statsd-exporter" / "airflow-mapping.yml").read_text())
    airflow = {m["name"] for m in mapping["mappings"]}
    airflow |= {f"{m['name']}_bucket" for m in mapping["mappings"] if "match_metric_type" not in m}
    exporters = {"pg_up", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"}
    recorded = {r["record"] for r in rules(RECORDING)}
    return set(METRICS) | api | airflow | exporters | recorded


def test_every_metric_named_in_a_rule_exists() -> None:
    known = known_metrics()
    named = set()
    for rule in rules(ALERTS) + rules(RECORDING):
        named |= metric_names(rule["expr"])
    labels = {"by", "job", "status", "le", "route", "fstype"}
    assert named - labels <= known, sorted(named - labels - known)
    assert {"finops_billing_data_age_hours", "airflow_scheduler_heartbeats_total"} <= named


def test_alertmanager_routes_every_alert_to_the_webhook() -> None:
    config = MONITORING / "alertmanager" / "alertmanager.yml"
    assert "SUCCESS" in run("amtool", "check-config", config)
    for labels in (
        ["alertname=FinOpsBillingLoadFailed", "severity=critical"],
        ["severity=warning"],
    ):
        out = run("amtool", "config", "routes", "test", f"--config.file={config}", *labels)
        assert out.splitlines()[0] == "finops-webhook"  # stderr (a warning) follows


def test_promtail_keeps_request_and_run_ids_as_structured_metadata() -> None:
    promtail = yaml.safe_load((MONITORING / "promtail" / "promtail.yml").read_text())
    finops = next(c for c in promtail["scrape_configs"] if c["job_name"] == "finops")
    stages = {next(iter(stage)): stage[next(iter(stage))] for stage in finops["pipeline_stages"]}
    assert {"request_id", "run_id"} <= set(stages["json"]["expressions"])
    assert {"request_id", "run_id"} <= set(stages["structured_metadata"])
    assert set(stages["labels"]) == {"level", "logger"}  # low cardinality only
    loki = yaml.safe_load((MONITORING / "loki" / "loki.yml").read_text())
    assert loki["limits_config"]["allow_structured_metadata"] is True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(what: str, probe: Any, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result:
                return result
        except OSError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{what} within {timeout_s} s (last: {last})")


@pytest.fixture
def served_api(fresh_settings: Settings, tmp_path: Path) -> Iterator[int]:
    """``finops serve`` on a free port over a warehouse holding the small bill."""
    ingest_billing(str(small_bill(tmp_path / "cur2")), settings=fresh_settings)
    assert fresh_settings.database_url is not None
    port = free_port()
    env = os.environ | {
        "FINOPS_DATABASE_URL": fresh_settings.database_url.get_secret_value(),
        "FINOPS_METRICS_CACHE_S": "0",
    }
    serve = [sys.executable, "-m", "finops", "serve", "--port", str(port)]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for("finops serve answering", lambda: get_json(f"http://127.0.0.1:{port}/healthz"))
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_prometheus_scrapes_the_running_api(served_api: int, tmp_path: Path) -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    config["global"]["scrape_interval"] = config["global"]["evaluation_interval"] = "1s"
    port = free_port()
    for job in config["scrape_configs"]:
        job.pop("scrape_interval", None)
        job["scrape_timeout"] = "1s"
        if job["job_name"] == "finops-api":
            job["static_configs"][0]["targets"] = [f"127.0.0.1:{served_api}"]
        if job["job_name"] == "prometheus":
            job["static_configs"][0]["targets"] = [f"127.0.0.1:{port}"]
    config["rule_files"] = [str(PROMETHEUS / "rules" / "*.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    command = [
        "prometheus",
        f"--config.file={tmp_path / 'prometheus.yml'}",
        f"--storage.tsdb.path={tmp_path / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:

        def api_up() -> bool:
            targets = get_json(f"{base}/targets?state=active")["data"]["activeTargets"]
            return any(t["labels"]["job"] == "finops-api" and t["health"] == "up" for t in targets)

        wait_for("the finops-api target up", api_up)

        def loads() -> list[dict[str, Any]]:
            query = urllib.parse.quote('finops_billing_loads_total{status="succeeded"}')
            return list(get_json(f"{base}/query?query={query}")["data"]["result"])

        (series,) = wait_for("a platform metric queryable", loads)
        assert series["metric"]["job"] == "finops-api"
        assert series["metric"]["source_id"] == "cur2:test-export"
        assert float(series["value"][1]) == 2  # the small bill's two billing periods
        groups = get_json(f"{base}/rules")["data"]["groups"]
        assert sum(len(g["rules"]) for g in groups) == len(rules(ALERTS)) + len(rules(RECORDING))
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
