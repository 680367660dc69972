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
        prepared = self._prepare()
        if isinstance(prepared, dict):
            return prepared
        if context["task_instance"].try_number > 1:
            # the request of an earlier try still stands, with any answer it holds (asking
            # again would wipe it): e.g. an answer given within a second of the deferral,
            # which Airflow counts as a failed try. No request at all: the trigger says so
            # and execute_complete asks.
            self._wait(context, prepared)
        self._ask(context, prepared)

    def _prepare(self) -> dict[str, Any] | datetime:
        """The platform's answer if the proposal no longer waits; else what to ask (set on
        the operator) and until when."""
        from finops.orchestration import remediation_approval as ra

        request = ra.pending(proposal_id=int(self.proposal_id))
        if isinstance(request, ra.PlatformAnswer):
            self.log.info("proposal %s: %s; nothing to wait for", self.proposal_id, request.summary)
            return request.report()
        self.subject, self.body = request.subject, request.body
        self.assigned_users = ra.approvers() or None
        self.response_timeout = max(request.expires_at - datetime.now(UTC), timedelta(0))
        return request.expires_at

    def _ask(self, context: Any, expires_at: datetime) -> None:
        from airflow.sdk.execution_time.hitl import upsert_hitl_detail

        upsert_hitl_detail(
            ti_id=context["task_instance"].id,
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
            expires_at.isoformat(),
        )
        self._wait(context, expires_at)

    def _wait(self, context: Any, expires_at: datetime) -> None:
        from finops.orchestration.approval_trigger import ApprovalWaitTrigger

        trigger = ApprovalWaitTrigger(
            ti_id=context["task_instance"].id,
            proposal_id=int(self.proposal_id),
            timeout_datetime=expires_at,
        )
        self.defer(trigger=trigger, method_name="execute_complete")

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        from finops.orchestration import remediation_approval as ra

        if event.get("no_request"):  # a retry found no request to wait on: ask now
            prepared = self._prepare()
            if isinstance(prepared, dict):
                return prepared
            self._ask(context, prepared)
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
