"""The approval task of the ``remediation`` DAG: Airflow's human-in-the-loop ``ApprovalOperator``
(Approve / Reject in the Airflow UI's "Required actions", with a reason field, assigned users
and a response timeout) for one remediation proposal, waiting on a trigger that also watches
the platform's approval store, and recording the Airflow responder's answer there.

Not a DAG file (``.airflowignore``); ``finops`` is imported inside the methods that run in a
worker, never at parse time. docs/remediation.md, "Approval paths", tells the whole story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator, HITLOperator
from airflow.sdk import Param


class ProposalApprovalOperator(ApprovalOperator):
    """Wait for a person to approve or reject remediation proposal ``proposal_id``.

    Returns a report (XCom): who answered where, whether it was recorded in the approval store,
    and the first decision when another path had answered before. Never skips or fails on a
    rejection: a rejection is an answer like an approval, recorded in the store."""

    template_fields = (*ApprovalOperator.template_fields, "proposal_id")

    def __init__(self, *, proposal_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("subject", "Remediation proposal")
        kwargs.setdefault(
            "params",
            {
                "reason": Param(
                    "",
                    type="string",
                    maxLength=1000,
                    description="why (recorded with the decision in the approval store)",
                )
            },
        )
        super().__init__(**kwargs)
        self.proposal_id = proposal_id

    def execute(self, context: Any) -> Any:
        from airflow.sdk.execution_time.hitl import upsert_hitl_detail

        from finops.orchestration import remediation_approval as ra
        from finops.orchestration.approval_trigger import ApprovalWaitTrigger

        request = ra.pending(proposal_id=int(self.proposal_id))
        if isinstance(request, ra.PlatformAnswer):
            self.log.info("proposal %s: %s; nothing to wait for", self.proposal_id, request.summary)
            return request.report()
        self.subject, self.body = request.subject, request.body
        self.assigned_users = ra.approvers() or None
        self.response_timeout = max(request.expires_at - datetime.now(UTC), timedelta(0))
        ti_id = context["task_instance"].id
        earlier = _earlier_response(context)
        if earlier is not None:  # answered, but the try that waited died before recording it
            return self.execute_complete(context, event=earlier)
        upsert_hitl_detail(
            ti_id=ti_id,
            options=self.options,
            subject=self.subject,
            body=self.body,
            defaults=None,
            multiple=False,
            params=self.serialized_params,
            assigned_users=self.assigned_users,
        )
        self.log.info(
            "proposal %s waits for a person until %s (Airflow UI: Required actions)",
            self.proposal_id,
            request.expires_at.isoformat(),
        )
        self.defer(
            trigger=ApprovalWaitTrigger(
                ti_id=ti_id, proposal_id=int(self.proposal_id), timeout_datetime=request.expires_at
            ),
            method_name="execute_complete",
        )

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        from finops.orchestration import remediation_approval as ra

        if event.get("answered_in") == "platform":
            self.log.info("proposal %s: %s", self.proposal_id, event.get("decision"))
            return event
        if event.get("timed_out") or event.get("error_type") == "timeout":
            self.log.info("proposal %s: nobody answered before it expired", self.proposal_id)
            return {"proposal_id": int(self.proposal_id), "answered_in": None, "expired": True}
        answer = HITLOperator.execute_complete(self, context=context, event=event)
        user = answer.get("responded_by_user") or {}
        responder = str(user.get("name") or user.get("id") or "")
        approve = answer["chosen_options"] == [self.APPROVE]
        reason = str((answer.get("params_input") or {}).get("reason") or "")
        report = ra.record_answer(
            proposal_id=int(self.proposal_id),
            approve=approve,
            responder=responder,
            reason=reason or f"{'approved' if approve else 'rejected'} in the Airflow UI",
            now=datetime.now(UTC),
            run_id=str(context["run_id"]),
        )
        if report["recorded"]:
            self.log.info("proposal %s: %s", self.proposal_id, report["decision"])
        else:
            self.log.warning("proposal %s: not recorded: %s", self.proposal_id, report["refused"])
        return report


def _earlier_response(context: Any) -> dict[str, Any] | None:
    """On a retry, the response a person already gave to this task's request (a later try
    would otherwise ask again and wipe it): e.g. a response that came while the try that
    deferred was still being reported finished, which Airflow counts as a failed try."""
    from airflow.sdk.execution_time.hitl import get_hitl_detail_content_detail

    from finops.orchestration.approval_trigger import response_event

    ti = context["task_instance"]
    if ti.try_number <= 1:
        return None  # no request yet: nothing to read
    return response_event(get_hitl_detail_content_detail(ti_id=ti.id))
