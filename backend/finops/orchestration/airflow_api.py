"""The running Airflow api-server's REST API (``/api/v2``), for what the demo asks of Airflow
once it is up: unpausing DAGs and triggering a run, and answering a human-in-the-loop
request as the Airflow UI does. One HTTP call each, where the ``airflow``
command would import Airflow afresh (several seconds) for every one."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from finops.errors import ConfigurationError, FinOpsError


@dataclass(frozen=True)
class AirflowApi:
    url: str
    token: str

    @classmethod
    def login(cls, *, url: str, username: str, password: str) -> AirflowApi:
        """A client holding a token for ``username`` (Airflow's simple auth manager)."""
        body = _request("POST", f"{url}/auth/token", {"username": username, "password": password})
        token = body.get("access_token")
        if not isinstance(token, str):
            raise ConfigurationError(f"{url}/auth/token answered without an access_token")
        return cls(url=url, token=token)

    def dag(self, dag_id: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v2/dags/{_quote(dag_id)}")

    def set_paused(self, dag_ids: tuple[str, ...], *, paused: bool) -> None:
        for dag_id in dag_ids:
            self._call("PATCH", f"/api/v2/dags/{_quote(dag_id)}", {"is_paused": paused})

    def trigger(self, dag_id: str, *, run_id: str, conf: dict[str, object]) -> dict[str, Any]:
        """Start a run of ``dag_id`` now, with no logical date (as ``airflow dags trigger``)."""
        return self._call(
            "POST",
            f"/api/v2/dags/{_quote(dag_id)}/dagRuns",
            {"dag_run_id": run_id, "logical_date": None, "conf": conf},
        )

    def dag_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v2/dags/{_quote(dag_id)}/dagRuns/{_quote(run_id)}")

    def clear_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        """Clear every task of a run so it runs again (the UI's "Clear" on a run)."""
        return self._call(
            "POST",
            f"/api/v2/dags/{_quote(dag_id)}/clearTaskInstances",
            {"dry_run": False, "dag_run_id": run_id, "only_failed": False, "reset_dag_runs": True},
        )

    def task_result(self, dag_id: str, run_id: str, task_id: str, *, map_index: int = -1) -> Any:
        """What a task instance returned (its ``return_value`` XCom)."""
        path = (
            f"/api/v2/dags/{_quote(dag_id)}/dagRuns/{_quote(run_id)}/taskInstances/"
            f"{_quote(task_id)}/xcomEntries/return_value?map_index={map_index}&deserialize=true"
        )
        return self._call("GET", path).get("value")

    def hitl_details(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """The run's human-in-the-loop requests ("Required actions"), answered or not."""
        path = f"/api/v2/dags/{_quote(dag_id)}/dagRuns/{_quote(run_id)}/hitlDetails"
        return list(self._call("GET", path).get("hitl_details", []))

    def respond(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        map_index: int,
        chosen_options: list[str],
        params_input: dict[str, object],
    ) -> dict[str, Any]:
        """Answer a human-in-the-loop request as this client's user, the call the Airflow UI
        makes when a person presses Approve / Reject."""
        path = (
            f"/api/v2/dags/{_quote(dag_id)}/dagRuns/{_quote(run_id)}/taskInstances/"
            f"{_quote(task_id)}/{map_index}/hitlDetails"
        )
        body: dict[str, object] = {"chosen_options": chosen_options, "params_input": params_input}
        return self._call("PATCH", path, body)

    def _call(
        self, method: str, path: str, payload: dict[str, object] | None = None
    ) -> dict[str, Any]:
        return _request(method, f"{self.url}{path}", payload, token=self.token)


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _request(
    method: str, url: str, payload: dict[str, object] | None, *, token: str | None = None
) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:1500]
        raise FinOpsError(f"Airflow answered {method} {url} with {exc.code}: {detail}") from exc
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise FinOpsError(f"Airflow did not answer {method} {url}: {exc}") from exc
    decoded = json.loads(answer) if answer else {}
    if not isinstance(decoded, dict):
        raise FinOpsError(f"Airflow answered {method} {url} with {decoded!r}")
    return decoded
