import { useState } from "react";

import type { BudgetPublic } from "../../api/client";
import { Button } from "../../components/ui";
import {
  BUDGET_PERIODS,
  type BudgetDraft,
  type BudgetFieldKey,
  type BudgetFormErrors,
  budgetCreateBody,
  budgetFormErrors,
  emptyBudgetDraft,
  isBudgetPeriod,
  isScopeDimension,
  SCOPE_DIMENSIONS,
  type ThresholdDraft,
} from "./budgets";
import { FieldGroup, FormField, ThresholdRow } from "./BudgetFormFields";
import { useCreateBudget } from "./queries";

const NO_ERRORS: BudgetFormErrors = { fields: {}, other: null };

/** What each section of the form gets: the draft, a way to change it, the API's errors. */
interface SectionProps {
  draft: BudgetDraft;
  update: (change: Partial<BudgetDraft>) => void;
  fieldError: (key: BudgetFieldKey) => string | undefined;
}

/** Name, amount and period. */
function BasicFields({ draft, update, fieldError }: SectionProps) {
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-3">
      <FormField label="Name" error={fieldError("name")} grow>
        {(control) => (
          <input
            type="text"
            {...control}
            value={draft.name}
            maxLength={200}
            required
            autoComplete="off"
            onChange={(event) => {
              update({ name: event.target.value });
            }}
          />
        )}
      </FormField>
      <FormField label="Amount" error={fieldError("amount")}>
        {(control) => (
          <input
            type="text"
            inputMode="decimal"
            {...control}
            value={draft.amount}
            required
            placeholder="e.g. 5000.00"
            onChange={(event) => {
              update({ amount: event.target.value });
            }}
          />
        )}
      </FormField>
      <FormField label="Period" error={fieldError("period")}>
        {(control) => (
          <select
            {...control}
            value={draft.period}
            onChange={(event) => {
              const period = event.target.value;
              if (isBudgetPeriod(period)) {
                update({ period });
              }
            }}
          >
            {BUDGET_PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
    </div>
  );
}

/** What the budget covers: the whole bill, or one account, service, region or tag value. */
function ScopeFields({ draft, update, fieldError }: SectionProps) {
  return (
    <FieldGroup legend="Scope" error={fieldError("scope")}>
      <FormField label="Scope dimension" error={undefined}>
        {(control) => (
          <select
            {...control}
            value={draft.dimension}
            onChange={(event) => {
              const dimension = event.target.value;
              if (isScopeDimension(dimension)) {
                update({ dimension });
              }
            }}
          >
            {SCOPE_DIMENSIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {draft.dimension === "tag" && (
        <FormField label="Tag key" error={undefined}>
          {(control) => (
            <input
              type="text"
              {...control}
              value={draft.tagKey}
              required
              placeholder="e.g. team"
              onChange={(event) => {
                update({ tagKey: event.target.value });
              }}
            />
          )}
        </FormField>
      )}
      {draft.dimension !== "" && (
        <FormField label="Scope value" error={undefined} grow>
          {(control) => (
            <input
              type="text"
              {...control}
              value={draft.scopeValue}
              required
              onChange={(event) => {
                update({ scopeValue: event.target.value });
              }}
            />
          )}
        </FormField>
      )}
    </FieldGroup>
  );
}

/** The alert thresholds, as rows to add and remove. */
function ThresholdFields({
  draft,
  update,
  setThresholds,
  fieldError,
}: SectionProps & { setThresholds: (thresholds: ThresholdDraft[]) => void }) {
  return (
    <FieldGroup legend="Alert thresholds" error={fieldError("thresholds")} stacked>
      <ol className="m-0 flex list-none flex-col gap-2 p-0">
        {draft.thresholds.map((threshold, index) => (
          <ThresholdRow
            // rows have no identity beyond their position
            key={index}
            index={index}
            threshold={threshold}
            error={fieldError(`thresholds.${index}`)}
            onChange={(changed) => {
              update({ thresholds: draft.thresholds.with(index, changed) });
            }}
            onRemove={() => {
              setThresholds(draft.thresholds.filter((_, i) => i !== index));
            }}
          />
        ))}
      </ol>
      <Button
        className="self-start"
        onClick={() => {
          setThresholds([...draft.thresholds, { kind: "actual", percent: "" }]);
        }}
      >
        Add threshold
      </Button>
    </FieldGroup>
  );
}

/** Where alerts go: a webhook and an email address. */
function NotificationFields({ draft, update, fieldError }: SectionProps) {
  return (
    <FieldGroup legend="Notifications (optional)" error={fieldError("channels")}>
      <FormField label="Webhook URL" error={fieldError("webhook")} grow>
        {(control) => (
          <input
            type="url"
            {...control}
            value={draft.webhook}
            placeholder="https://hooks.example.com/…"
            autoComplete="off"
            onChange={(event) => {
              update({ webhook: event.target.value });
            }}
          />
        )}
      </FormField>
      <FormField label="Email" error={fieldError("email")} grow>
        {(control) => (
          <input
            type="email"
            {...control}
            value={draft.email}
            placeholder="finops@example.com"
            onChange={(event) => {
              update({ email: event.target.value });
            }}
          />
        )}
      </FormField>
    </FieldGroup>
  );
}

/**
 * Creates a budget through POST /api/v1/budgets. The API judges every value: its 422 errors
 * appear next to the fields they name, a 409 (name in use) next to the name.
 */
export function BudgetForm({
  onCreated,
  onCancel,
}: {
  onCreated: (budget: BudgetPublic) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<BudgetDraft>(emptyBudgetDraft);
  const create = useCreateBudget();
  const errors = create.error === null ? NO_ERRORS : budgetFormErrors(create.error);
  const fieldError = (key: BudgetFieldKey): string | undefined => errors.fields[key];

  function update(change: Partial<BudgetDraft>) {
    setDraft((current) => ({ ...current, ...change }));
  }

  function setThresholds(thresholds: ThresholdDraft[]) {
    update({ thresholds });
    // a row's error names its index, which adding or removing rows changes
    create.reset();
  }

  return (
    <form
      className="mb-4 flex flex-col gap-4 rounded-card border border-slate-200 bg-slate-50 p-4"
      aria-label="New budget"
      data-testid="budget-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate(budgetCreateBody(draft), {
          onSuccess: (budget) => {
            setDraft(emptyBudgetDraft());
            onCreated(budget);
          },
        });
      }}
    >
      <BasicFields draft={draft} update={update} fieldError={fieldError} />

      <ScopeFields draft={draft} update={update} fieldError={fieldError} />

      <ThresholdFields
        draft={draft}
        update={update}
        setThresholds={setThresholds}
        fieldError={fieldError}
      />

      <NotificationFields draft={draft} update={update} fieldError={fieldError} />

      {create.isError && (
        <div
          className="rounded-card border border-red-200 bg-red-50 px-5 py-4 text-red-800"
          role="alert"
          data-testid="budget-form-error"
        >
          <div>
            <strong>Could not create the budget</strong>
            <p className="mt-0.5 break-words text-red-900">{errors.other ?? "Check the fields marked above."}</p>
          </div>
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create budget"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
