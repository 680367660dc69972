"""``/api/v1/anomalies`` on the cost-intelligence export after the anomaly job: the two planted
spikes as incidents, every figure checked against the ``anomalies`` view and the ``costs`` view
queried directly; filters; the daily series against the detector's baseline; status feedback
with its audit row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.db.engine import get_engine
from tests.api.conftest import IntelEstate
from tests.factories.cost_intelligence import ACCOUNT_B, END, PlantedSpike

CENT = Decimal("0.01")
COLUMNS = {
    "account": "sub_account_id",
    "service": "service_name",
    "region": "region_id",
    "usage_type": "x_usage_type",
    "resource": "resource_id",
}


def _view(estate: IntelEstate, where: str = "true", **params: Any) -> list[Any]:
    with get_engine(estate.settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT fingerprint, scope_kind, scope, kind, status, status_note, first_day, "
                    "last_day, expected, lower_bound, upper_bound, actual, impact, impact_pct, "
                    f"severity, root_cause, related_scopes FROM finops.anomalies WHERE {where} "
                    "ORDER BY first_day DESC"
                ),
                params,
            )
        )


def _incident(estate: IntelEstate, spike: PlantedSpike) -> Any:
    (row,) = _view(estate, "first_day = :d", d=spike.day)
    return row


def _audit_rows(estate: IntelEstate, subject: str) -> list[Any]:
    with get_engine(estate.settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT actor, action, subject, run_id, request_id, details "
                    "FROM finops.audit_log WHERE action = 'anomaly.status' AND subject = :s "
                    "ORDER BY id"
                ),
                {"s": subject},
            )
        )


def _daily_cost(estate: IntelEstate, scope: dict[str, str], day: date) -> Decimal:
    """A scope's billed cost on one day, straight from the costs view."""
    where = "".join(f" AND {COLUMNS[k]} = :{k}" for k in scope)
    with get_engine(estate.settings).connect() as conn:
        return Decimal(
            conn.execute(
                text(
                    "SELECT coalesce(sum(billed_cost), 0) FROM costs "
                    f"WHERE (charge_period_start AT TIME ZONE 'UTC')::date = :day{where}"
                ),
                {"day": day, **scope},
            ).scalar_one()
        )


def _fingerprints(client: TestClient, params: Any) -> list[str]:
    response = client.get("/api/v1/anomalies", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return [a["fingerprint"] for a in body["data"]]


def test_lists_the_planted_spikes_newest_first_as_in_the_view(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    large, moderate = intel_estate.planted.large, intel_estate.planted.moderate
    view = _view(intel_estate)
    assert [(r.first_day, r.last_day) for r in view] == [
        (moderate.day, moderate.day),
        (large.day, large.day),
    ]
    body = intel_client.get("/api/v1/anomalies").json()
    assert body["count"] == 2 and body["currency"] == "USD"
    assert [a["fingerprint"] for a in body["data"]] == [r.fingerprint for r in view]
    for shown, row in zip(body["data"], view, strict=True):
        assert shown["scope_kind"] == row.scope_kind and shown["scope"] == row.scope
        assert shown["kind"] == row.kind == "spike"
        assert shown["severity"] == row.severity
        for field in ("expected", "lower_bound", "upper_bound", "actual", "impact", "impact_pct"):
            assert Decimal(shown[field]) == getattr(row, field), field
        assert shown["top_cause"]["dimension"] == row.root_cause[0]["dimension"]
        assert Decimal(shown["top_cause"]["delta"]) == Decimal(str(row.root_cause[0]["delta"]))

    by_day = {a["first_day"]: a for a in body["data"]}
    for spike, severity in ((large, "high"), (moderate, "medium")):
        shown = by_day[spike.day.isoformat()]
        assert shown["severity"] == severity
        assert abs(Decimal(shown["impact"]) - spike.extra) < Decimal("2.00")
        assert shown["scope"].get("account", spike.account) == spike.account
        assert (shown["top_cause"]["dimension"], shown["top_cause"]["value"]) == (
            "resource",
            spike.resource,
        ) or shown["scope"].get("resource") == spike.resource

    page = intel_client.get("/api/v1/anomalies", params={"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and page["data"] == body["data"][1:]


def test_filters_by_severity_scope_kind_dates_and_status(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    large = _incident(intel_estate, intel_estate.planted.large)
    moderate = _incident(intel_estate, intel_estate.planted.moderate)
    both = [moderate.fingerprint, large.fingerprint]

    assert _fingerprints(intel_client, {"severity": "high"}) == [large.fingerprint]
    assert _fingerprints(intel_client, {"severity": "medium"}) == [moderate.fingerprint]
    assert _fingerprints(intel_client, {"severity": "low"}) == []
    assert _fingerprints(intel_client, [("severity", "high"), ("severity", "medium")]) == both
    assert intel_client.get("/api/v1/anomalies", params={"severity": "huge"}).status_code == 422

    kinds = {large.scope_kind, moderate.scope_kind}
    for kind in kinds:
        expected = [r.fingerprint for r in _view(intel_estate, "scope_kind = :k", k=kind)]
        assert _fingerprints(intel_client, {"scope_kind": kind}) == expected
    assert _fingerprints(intel_client, {"scope_kind": "tag:nowhere"}) == []

    after_large = (intel_estate.planted.large.day + timedelta(days=1)).isoformat()
    before_moderate = (intel_estate.planted.moderate.day - timedelta(days=1)).isoformat()
    assert _fingerprints(intel_client, {"start": after_large}) == [moderate.fingerprint]
    assert _fingerprints(intel_client, {"end": before_moderate}) == [large.fingerprint]
    assert _fingerprints(intel_client, {"start": after_large, "end": before_moderate}) == []
    assert _fingerprints(intel_client, {"start": str(large.first_day), "end": str(END)}) == both
    reversed_range = intel_client.get(
        "/api/v1/anomalies", params={"start": END.isoformat(), "end": after_large}
    )
    assert reversed_range.status_code == 422
    assert "is after end" in reversed_range.json()["detail"]

    statuses = {r.status for r in _view(intel_estate)}
    for status in statuses:
        expected = [r.fingerprint for r in _view(intel_estate, "status = :s", s=status)]
        assert _fingerprints(intel_client, {"status": status}) == expected


def test_one_incident_with_root_cause_and_its_days_against_the_baseline(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    spike = intel_estate.planted.large
    row = _incident(intel_estate, spike)
    response = intel_client.get(f"/api/v1/anomalies/{row.fingerprint}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "USD" and body["fingerprint"] == row.fingerprint
    assert [(c["dimension"], c["value"]) for c in body["root_cause"]] == [
        (c["dimension"], c["value"]) for c in row.root_cause
    ]
    assert [Decimal(c["delta"]) for c in body["root_cause"]] == [
        Decimal(str(c["delta"])) for c in row.root_cause
    ]
    assert len(body["related_scopes"]) == len(row.related_scopes) > 0

    # 28 days before the spike to the last charge day (less than 14 days after it)
    days = [d["day"] for d in body["series"]]
    first = spike.day - timedelta(days=28)
    assert days == [(first + timedelta(days=k)).isoformat() for k in range((END - first).days + 1)]
    by_day = {d["day"]: d for d in body["series"]}
    assert [d for d, point in by_day.items() if point["in_incident"]] == [spike.day.isoformat()]
    for day in (spike.day, spike.day - timedelta(days=3), END):
        shown = by_day[day.isoformat()]
        assert Decimal(shown["actual"]) == _daily_cost(intel_estate, row.scope, day), day
    peak = by_day[spike.day.isoformat()]
    assert peak["anomalous"] is True
    # the same detector on the same days as the job: the one-day incident's stored expected value
    # and bounds are that day's, to the cent
    assert Decimal(peak["actual"]).quantize(CENT, ROUND_HALF_UP) == row.actual
    assert Decimal(peak["expected"]) == row.expected
    assert Decimal(peak["lower"]) == row.lower_bound
    assert Decimal(peak["upper"]) == row.upper_bound
    assert Decimal(peak["actual"]) > Decimal(peak["upper"])
    assert all(
        Decimal(p["lower"]) <= Decimal(p["expected"]) <= Decimal(p["upper"])
        for p in body["series"]
        if p["expected"] is not None
    )
    assert sum(not p["anomalous"] for p in body["series"]) >= len(body["series"]) - 1

    narrow = intel_client.get(
        f"/api/v1/anomalies/{row.fingerprint}", params={"days_before": 7, "days_after": 2}
    ).json()
    assert [d["day"] for d in narrow["series"]] == [
        (spike.day + timedelta(days=k)).isoformat() for k in range(-7, 3)
    ]
    assert narrow["series"] == [by_day[d["day"]] for d in narrow["series"]]

    missing = intel_client.get("/api/v1/anomalies/" + "0" * 24)
    assert missing.status_code == 404
    assert "no anomaly with fingerprint" in missing.json()["detail"]


def test_status_feedback_is_stored_and_audited(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    row = _incident(intel_estate, intel_estate.planted.moderate)
    other = _incident(intel_estate, intel_estate.planted.large)
    url = f"/api/v1/anomalies/{row.fingerprint}/status"
    before = _audit_rows(intel_estate, row.fingerprint)
    try:
        response = intel_client.post(
            url,
            json={"status": "acknowledged", "note": "database batch, expected"},
            headers={"x-request-id": "req-ack-1"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["status_note"]) == ("acknowledged", "database batch, expected")
        assert Decimal(body["impact"]) == row.impact
        stored = _incident(intel_estate, intel_estate.planted.moderate)
        assert (stored.status, stored.status_note) == ("acknowledged", "database batch, expected")
        audit = _audit_rows(intel_estate, row.fingerprint)[len(before) :]
        # as `finops anomalies ack` audits it, with the logged-in user as actor and the
        # request's id
        assert [(a.actor, a.run_id, a.request_id) for a in audit] == [
            ("user:admin", "req-ack-1", "req-ack-1")
        ]
        assert audit[0].details == {
            "status": "acknowledged",
            "note": "database batch, expected",
            "previous_status": row.status,
        }
        assert _fingerprints(intel_client, {"status": "acknowledged"}) == [row.fingerprint]
        assert row.fingerprint not in _fingerprints(intel_client, {"status": "open"})

        resolved = intel_client.post(url, json={"status": "resolved"}).json()
        assert (resolved["status"], resolved["status_note"]) == ("resolved", None)

        # a bad status and an unknown incident change nothing and write no audit row
        bad = intel_client.post(url, json={"status": "closed"})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "status"]
        unknown = intel_client.post(
            "/api/v1/anomalies/" + "f" * 24 + "/status", json={"status": "resolved"}
        )
        assert unknown.status_code == 404
        assert _incident(intel_estate, intel_estate.planted.moderate).status == "resolved"
        assert len(_audit_rows(intel_estate, row.fingerprint)) == len(before) + 2
        assert _audit_rows(intel_estate, "f" * 24) == []
        assert _incident(intel_estate, intel_estate.planted.large).status == other.status
    finally:
        restored = intel_client.post(url, json={"status": row.status, "note": row.status_note})
        assert restored.status_code == 200


def test_a_tag_scope_costs_what_its_tagged_resources_cost(intel_estate: IntelEstate) -> None:
    """The read helper behind the series: tag scopes match normalised tag keys as the cost cube
    does (the export's ``user_team`` is ``tag:team``); account B's resources are all team data."""
    from finops.api.intel_views import scope_daily_cost

    start, end = date(2026, 3, 1), END + timedelta(days=1)
    with get_engine(intel_estate.settings).connect() as conn:
        by_tag = scope_daily_cost(
            conn, scope={"tag:team": "data"}, start=start, end=end, metric="billed_cost"
        )
        by_account = scope_daily_cost(
            conn, scope={"account": ACCOUNT_B}, start=start, end=end, metric="billed_cost"
        )
    assert len(by_tag) == (END - start).days + 1
    assert by_tag == by_account
    for day in (start, intel_estate.planted.large.day, END):
        assert by_tag[day] == _daily_cost(intel_estate, {"account": ACCOUNT_B}, day)
