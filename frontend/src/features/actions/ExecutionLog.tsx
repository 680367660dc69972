import type { ActionDetailPublic, StepPublic } from "../../api/client";
import { DataTable, TableHead } from "../../components/DataTable";
import { Badge, Empty } from "../../components/ui";
import { cx, text } from "../../components/styles";
import { formatTimestamp, stepTone } from "./actions";

const STEP_LABELS: Record<StepPublic["step"], string> = {
  describe: "Describe",
  dry_run: "Dry run",
  execute: "Execute",
  verify: "Verify",
  rollback: "Rollback",
};

/** The dry run's result and every later step: what was called, by whom, and what it found. */
export function ExecutionLog({ detail }: { detail: ActionDetailPublic }) {
  return (
    <div>
      <h3 className="mb-2 text-[13px] font-semibold text-slate-500">Execution log</h3>
      {detail.steps.length === 0 ? (
        <Empty className="py-3">Nothing has run yet: the dry run comes after the approval.</Empty>
      ) : (
        <DataTable data-testid="action-steps">
          <TableHead columns={["Step", "Outcome", "By", "Started", "Detail"]} />
          <tbody>
            {detail.steps.map((step) => (
              <tr key={step.id} data-testid="action-step" data-step={step.step}>
                <td>{STEP_LABELS[step.step]}</td>
                <td>
                  <Badge tone={stepTone(step.outcome)}>{step.outcome}</Badge>
                </td>
                <td className={text.mono}>{step.actor}</td>
                <td className="whitespace-nowrap">{formatTimestamp(step.started_at)}</td>
                <td className={cx(text.mono, text.main)}>{JSON.stringify(step.detail)}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {detail.undo !== null && (
        <p className={text.sub} data-testid="action-undo">
          A rollback restores: <code>{JSON.stringify(detail.undo)}</code>
        </p>
      )}
    </div>
  );
}
