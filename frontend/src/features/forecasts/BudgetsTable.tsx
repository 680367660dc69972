import { type ReactNode, useId, useState } from "react";

import type { BudgetPublic, BudgetsPublic } from "../../api/client";
import { DataTable, TableHead } from "../../components/DataTable";
import { ErrorMessage, QueryView } from "../../components/QueryStatus";
import { Button, Card, CardHeader, Empty, ShareBar } from "../../components/ui";
import { formatBillingPeriod, formatDayLabel, formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { scopeLabel } from "../../lib/scopes";
import { Can } from "../../auth/Can";
import { NEEDS } from "../../auth/permissions";
import { BudgetForm } from "./BudgetForm";
import { useBudgets, useDeleteBudget } from "./queries";
import { rowTone, text } from "../../components/styles";

export function BudgetsPanel() {
  const budgets = useBudgets();
  return (
    <QueryView query={budgets} loading="Loading budgets…" failed="Could not load the budgets">
      {(data) => <BudgetsTable budgets={data} />}
    </QueryView>
  );
}

function periodText(budget: BudgetPublic): string {
  const evaluation = budget.evaluation;
  if (evaluation === null) {
    return budget.period;
  }
  if (budget.period === "monthly") {
    return formatBillingPeriod(evaluation.period_start.slice(0, 7));
  }
  return `${formatDayLabel(evaluation.period_start)} – ${formatLongDate(evaluation.period_end)}`;
}

/** The budget bar: actual cost's share of the amount, with the forecast's share as a marker. */
function BudgetBar({ budget }: { budget: BudgetPublic }) {
  const evaluation = budget.evaluation;
  if (evaluation === null) {
    return <span className={text.sub}>not evaluated yet</span>;
  }
  const actual = moneyToNumber(evaluation.actual_pct);
  return (
    <ShareBar
      percent={actual}
      label={`${evaluation.actual_pct}%`}
      fillClass={actual >= 100 ? "bg-red-600" : "bg-blue-600"}
      marker={moneyToNumber(evaluation.forecast_pct)}
    />
  );
}

/**
 * Delete, then a confirm step: "Delete this budget?" with Yes, delete and Cancel. The focus
 * goes to Cancel on the way in and back to Delete on cancelling (`focusDelete`).
 */
function DeleteBudget({
  budget,
  confirming,
  pending,
  focusDelete,
  onAsk,
  onConfirm,
  onCancel,
}: {
  budget: BudgetPublic;
  confirming: boolean;
  pending: boolean;
  focusDelete: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  if (!confirming) {
    return (
      <Button aria-label={`Delete budget ${budget.name}`} autoFocus={focusDelete} onClick={onAsk}>
        Delete
      </Button>
    );
  }
  return (
    <div className="flex items-center gap-2" role="group" aria-label={`Confirm deleting budget ${budget.name}`}>
      <span>Delete this budget?</span>
      <Button variant="danger" disabled={pending} onClick={onConfirm}>
        {pending ? "Deleting…" : "Yes, delete"}
      </Button>
      <Button
        disabled={pending}
        // the safe choice takes the focus: pressing Enter twice on Delete deletes nothing
        autoFocus
        onClick={onCancel}
      >
        Cancel
      </Button>
    </div>
  );
}

const COLUMNS = [
  "Budget",
  "Period",
  { label: "Amount", num: true },
  { label: "Actual", num: true },
  { label: "Forecast", num: true },
  { label: "Used", className: "w-[260px]" },
  "Alerts fired",
  { label: <span className="sr-only">Actions</span> },
];

function BudgetsHeader({
  count,
  creating,
  formId,
  onToggle,
}: {
  count: number;
  creating: boolean;
  formId: string;
  onToggle: () => void;
}) {
  return (
    <CardHeader
      title="Budgets"
      subtitle="Actual cost to date and the forecast for the period against each budget (budget check job, latest run)"
    >
      <div className="flex items-center gap-3">
        <span className={text.muted}>
          {count} {count === 1 ? "budget" : "budgets"}
        </span>
        <Can need={NEEDS.manageBudgets}>
          <Button variant="primary" aria-expanded={creating} aria-controls={formId} onClick={onToggle}>
            New budget
          </Button>
        </Can>
      </div>
    </CardHeader>
  );
}

/** One budget: amount, actual and forecast to date, the bar, alerts fired; `children` are its
 * actions. A budget whose forecast reaches its amount is marked. */
function BudgetRow({ budget, children }: { budget: BudgetPublic; children: ReactNode }) {
  const evaluation = budget.evaluation;
  const over = evaluation !== null && moneyToNumber(evaluation.forecast_pct) >= 100;
  return (
    <tr
      data-testid="budget-row"
      data-tone={over ? "warning" : undefined}
      className={over ? rowTone.warning : undefined}
    >
      <td>
        <div className={text.main}>{budget.name}</div>
        <div className={text.sub}>{scopeLabel(budget.scope)}</div>
      </td>
      <td>{periodText(budget)}</td>
      <td className={text.num}>{formatMoney(budget.amount, budget.currency)}</td>
      <td className={text.num}>
        {evaluation === null ? "—" : formatMoney(evaluation.actual, budget.currency)}
      </td>
      <td className={text.num}>
        {evaluation === null ? (
          "—"
        ) : (
          <>
            <div className={text.strong}>{formatMoney(evaluation.forecast, budget.currency)}</div>
            <div className={text.sub}>{evaluation.forecast_pct}% of amount</div>
          </>
        )}
      </td>
      <td className="w-[260px]">
        <BudgetBar budget={budget} />
      </td>
      <td>
        {budget.alerts.length === 0
          ? "—"
          : budget.alerts.map((a) => `${a.threshold_kind} ≥ ${a.threshold_percent}%`).join(", ")}
      </td>
      <td className="whitespace-nowrap">{children}</td>
    </tr>
  );
}

/** The budgets' table; `actions` renders each row's last cell. */
function BudgetList({
  budgets,
  actions,
}: {
  budgets: readonly BudgetPublic[];
  actions: (budget: BudgetPublic) => ReactNode;
}) {
  return (
    budgets.length === 0 ? (
      <Empty>
        No budgets yet.
        <Can need={NEEDS.manageBudgets}> Create one with New budget.</Can>
      </Empty>
    ) : (
      <DataTable data-testid="budgets-table">
        <TableHead columns={COLUMNS} />
          <tbody>
            {budgets.map((budget) => (
              <BudgetRow key={budget.id} budget={budget}>
                {actions(budget)}
              </BudgetRow>
            ))}
          </tbody>
      </DataTable>
    )
  );
}

function BudgetsTable({ budgets }: { budgets: BudgetsPublic }) {
  const [creating, setCreating] = useState(false);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [cancelled, setCancelled] = useState<number | null>(null);
  const [notice, setNotice] = useState("");
  const remove = useDeleteBudget();
  const formId = useId();

  function deleteBudget(budget: BudgetPublic) {
    setNotice("");
    remove.mutate(budget.id, {
      onSuccess: () => {
        setNotice(`Deleted budget “${budget.name}”.`);
      },
      onSettled: () => {
        setConfirming(null);
      },
    });
  }

  return (
    <Card className="pb-3">
      <BudgetsHeader
        count={budgets.count}
        creating={creating}
        formId={formId}
        onToggle={() => {
          setCreating(!creating);
          setNotice("");
        }}
      />
      <div id={formId}>
        {creating && (
          <BudgetForm
            onCreated={(budget) => {
              setCreating(false);
              setNotice(
                `Created budget “${budget.name}”. ` +
                  "The budget check job evaluates it on its next run.",
              );
            }}
            onCancel={() => {
              setCreating(false);
            }}
          />
        )}
      </div>
      <p className="mb-3 text-green-700 empty:hidden" role="status" data-testid="budgets-notice">
        {notice}
      </p>
      {remove.isError && <ErrorMessage title="Could not delete the budget" error={remove.error} />}
      <BudgetList
        budgets={budgets.data}
        actions={(budget) => (
          <Can need={NEEDS.manageBudgets}>
            <DeleteBudget
              budget={budget}
              confirming={confirming === budget.id}
              pending={remove.isPending && remove.variables === budget.id}
              focusDelete={cancelled === budget.id}
              onAsk={() => {
                setConfirming(budget.id);
              }}
              onConfirm={() => {
                deleteBudget(budget);
              }}
              onCancel={() => {
                setConfirming(null);
                setCancelled(budget.id);
              }}
            />
          </Can>
        )}
      />
    </Card>
  );
}
