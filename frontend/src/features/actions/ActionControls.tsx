import { useState } from "react";

import type { ActionDetailPublic } from "../../api/client";
import { ErrorMessage } from "../../components/QueryStatus";
import { Button, Field } from "../../components/ui";
import { controlsFor } from "./actions";
import { type ActionCommand, useActionCommand } from "./queries";

/** An approver's controls for the proposal's status: approve or reject with a reason (sent
 * with the digest shown), execute an approved one, roll back an executed reversible one. */
export function ActionControls({ detail }: { detail: ActionDetailPublic }) {
  const [reason, setReason] = useState("");
  const command = useActionCommand();
  const controls = controlsFor(detail);
  if (!controls.decide && !controls.execute && !controls.rollback) {
    return null;
  }
  const needsReason = controls.decide || controls.rollback;
  const blank = reason.trim() === "";

  function run(next: ActionCommand) {
    command.mutate(next, {
      onSuccess: () => {
        setReason("");
      },
    });
  }

  return (
    <section className="flex flex-wrap items-end gap-x-4 gap-y-3" aria-label="Decision">
      {needsReason && (
        <Field label="Reason (recorded with your name)" grow>
          <input
            type="text"
            data-testid="action-reason"
            value={reason}
            maxLength={1000}
            placeholder="Why, for the audit trail"
            onChange={(event) => {
              setReason(event.target.value);
            }}
          />
        </Field>
      )}
      <div className="flex flex-wrap gap-2">
        {controls.decide && (
          <>
            <Button
              variant="primary"
              data-testid="action-approve"
              disabled={command.isPending || blank}
              onClick={() => {
                run({ kind: "approve", id: detail.id, reason: reason.trim(), digest: detail.digest });
              }}
            >
              Approve
            </Button>
            <Button
              variant="danger"
              data-testid="action-reject"
              disabled={command.isPending || blank}
              onClick={() => {
                run({ kind: "reject", id: detail.id, reason: reason.trim(), digest: detail.digest });
              }}
            >
              Reject
            </Button>
          </>
        )}
        {controls.execute && (
          <Button
            variant="primary"
            data-testid="action-execute"
            disabled={command.isPending}
            onClick={() => {
              run({ kind: "execute", id: detail.id });
            }}
          >
            Execute now
          </Button>
        )}
        {controls.rollback && (
          <Button
            variant="danger"
            data-testid="action-rollback"
            disabled={command.isPending || blank}
            onClick={() => {
              run({ kind: "rollback", id: detail.id, reason: reason.trim() });
            }}
          >
            Roll back
          </Button>
        )}
      </div>
      {command.isError && <ErrorMessage title="The server refused" error={command.error} />}
    </section>
  );
}
