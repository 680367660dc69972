"""``/metrics`` on the cost-intelligence warehouse (anomaly job run on its planted spikes):
the open incidents per severity are those of ``anomaly_incidents``, and the loads those of the
ingest log (finops.platform_metrics; the small-bill cases are in tests/monitoring)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from finops.db.engine import get_engine
from tests.api.conftest import IntelEstate


def test_open_anomalies_by_severity_match_the_incidents(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    with get_engine(intel_estate.settings).connect() as conn:
        open_incidents = dict(
            conn.execute(
                text(
                    "SELECT severity, count(*) FROM finops.anomaly_incidents "
                    "WHERE status = 'open' GROUP BY severity"
                )
            )
            .tuples()
            .all()
        )
        loads = conn.execute(
            text("SELECT count(*) FROM finops.ingest_log WHERE status = 'succeeded'")
        ).scalar_one()
    metrics = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(intel_client.get("/metrics").text)
        for s in family.samples
    }
    assert sum(open_incidents.values()) >= 2  # the two planted spikes at least
    for severity in ("low", "medium", "high"):
        key = ("finops_anomalies_open", (("severity", severity),))
        assert metrics[key] == open_incidents.get(severity, 0)
    succeeded = [
        v
        for (name, labels), v in metrics.items()
        if name == "finops_billing_loads_total" and ("status", "succeeded") in labels
    ]
    assert sum(succeeded) == loads > 0
