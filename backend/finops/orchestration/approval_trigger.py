"""The trigger a remediation approval task waits on (in Airflow's triggerer): it ends the wait
on the first of

- a response in the Airflow UI or REST API (Airflow resumes the task itself; the trigger also
  reads the human-in-the-loop detail, as Airflow's own ``HITLTrigger`` does, for a response
  that landed while the task was deferring);
- a decision in the platform's approval store (dashboard, API, CLI, an ``auto`` policy), or
  the proposal no longer waiting (expired, stale). The trigger then writes that decision into
  the task's human-in-the-loop detail, so the Airflow UI shows it answered and a later answer
  there is refused (409) with the first decision in view;
- the proposal's approval deadline.

Airflow 3.3's own ``ApprovalOperator`` waits in ``awaiting_input`` with no trigger, so nothing
would notice a decision made outside Airflow; hence a deferral with this trigger instead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

CLASSPATH = "finops.orchestration.approval_trigger.ApprovalWaitTrigger"


def response_event(detail: Any) -> dict[str, Any] | None:
    """The event ``HITLOperator.execute_complete`` takes, from a human-in-the-loop detail that
    holds a response (Airflow's ``HITLDetailResponse``); None while it holds none."""
    if not (detail.response_received and detail.chosen_options):
        return None
    user = detail.responded_by_user
    return {
        "chosen_options": list(detail.chosen_options),
        "params_input": dict(detail.params_input or {}),
        "responded_at": detail.responded_at,
        "responded_by_user": None if user is None else {"id": user.id, "name": user.name},
        "timedout": False,
    }


class ApprovalWaitTrigger(BaseTrigger):  # type: ignore[misc]
    def __init__(
        self,
        *,
        ti_id: Any,
        proposal_id: int,
        timeout_datetime: datetime | None,
        poke_interval: float = 5.0,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.ti_id = ti_id
        self.proposal_id = proposal_id
        self.timeout_datetime = timeout_datetime
        self.poke_interval = poke_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            CLASSPATH,
            {
                "ti_id": self.ti_id,
                "proposal_id": self.proposal_id,
                "timeout_datetime": self.timeout_datetime,
                "poke_interval": self.poke_interval,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        while True:
            event = await self._airflow_response()
            if event is None:
                event = await self._platform_answer()
            if event is None and self._timed_out():
                event = {"timed_out": True, "proposal_id": self.proposal_id}
            if event is not None:
                yield TriggerEvent(event)  # type: ignore[no-untyped-call]
                return
            await asyncio.sleep(self.poke_interval)

    def _timed_out(self) -> bool:
        return self.timeout_datetime is not None and self.timeout_datetime <= datetime.now(UTC)

    async def _airflow_response(self) -> dict[str, Any] | None:
        from airflow.sdk.exceptions import AirflowRuntimeError
        from airflow.sdk.execution_time.hitl import get_hitl_detail_content_detail
        from asgiref.sync import sync_to_async  # as Airflow's HITLTrigger calls its comms

        try:
            detail = await sync_to_async(get_hitl_detail_content_detail)(ti_id=self.ti_id)
        except AirflowRuntimeError as exc:
            detail_of = exc.error.detail if isinstance(exc.error.detail, dict) else {}
            if detail_of.get("status_code") == 404:  # a retry waits on a request never made
                return {"no_request": True, "proposal_id": self.proposal_id}
            raise
        return response_event(detail)

    async def _platform_answer(self) -> dict[str, Any] | None:
        from finops.orchestration.remediation_approval import APPROVE, REJECT, platform_answer

        answer = await asyncio.to_thread(platform_answer, proposal_id=self.proposal_id)
        if answer is None:
            return None
        if answer.approve is not None:
            await self._close_airflow_request(APPROVE if answer.approve else REJECT, answer.summary)
        return answer.report()

    async def _close_airflow_request(self, option: str, summary: str) -> None:
        """Answer the task's human-in-the-loop request with the platform's decision, so the
        Airflow UI shows who decided; a response that beat us to it stays (the record step
        then reports the conflict)."""
        from airflow.sdk.execution_time.hitl import update_hitl_detail_response
        from asgiref.sync import sync_to_async

        try:
            await sync_to_async(update_hitl_detail_response)(
                ti_id=self.ti_id,
                chosen_options=[option],
                params_input={"reason": f"decided outside Airflow: {summary}"},
            )
        except Exception as exc:
            self.log.warning(
                "proposal %s: could not close the Airflow request: %s", self.proposal_id, exc
            )
