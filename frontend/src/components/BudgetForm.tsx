import { type ReactNode, useId, useState } from "react";

import type { BudgetPublic } from "../api/client";
import { useCreateBudget } from "../api/queries";
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
  isThresholdKind,
  SCOPE_DIMENSIONS,
  THRESHOLD_KINDS,
  type ThresholdDraft,
} from "../lib/budgets";

const NO_ERRORS: BudgetFormErrors = { fields: {}, other: null };

/** What a control needs to point at its label's field error. */
interface ErrorProps {
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

function errorProps(errorId: string, message: string | undefined): ErrorProps {
  return message === undefined
    ? { "aria-invalid": undefined, "aria-describedby": undefined }
    : { "aria-invalid": true, "aria-describedby": errorId };
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message === undefined ? null : (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** A labelled control with the API's message for it below; `children` renders the control. */
function FormField({
  label,
  error,
  grow = false,
  children,
}: {
  label: string;
  error: string | undefined;
  grow?: boolean;
  children: (control: { id: string } & ErrorProps) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={grow ? "field field-grow" : "field"}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, ...errorProps(errorId, error) })}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A group of fields (scope, thresholds, notifications) with the API's message for the group. */
function FieldGroup({
  legend,
  error,
  stacked = false,
  children,
}: {
  legend: string;
  error: string | undefined;
  /** one item under the other instead of side by side */
  stacked?: boolean;
  children: ReactNode;
}) {
  const errorId = `${useId()}-error`;
  return (
    <fieldset
      className="form-group"
      aria-describedby={error === undefined ? undefined : errorId}
    >
      <legend className="form-group-legend">{legend}</legend>
      <div className={stacked ? "form-row form-row-stacked" : "form-row"}>{children}</div>
      <FieldError id={errorId} message={error} />
    </fieldset>
  );
}

function ThresholdRow({
  index,
  threshold,
  error,
  onChange,
  onRemove,
}: {
  index: number;
  threshold: ThresholdDraft;
  error: string | undefined;
  onChange: (threshold: ThresholdDraft) => void;
  onRemove: () => void;
}) {
  const errorId = `${useId()}-error`;
  const name = `Threshold ${String(index + 1)}`;
  const invalid = errorProps(errorId, error);
  return (
    <li className="threshold-row" data-testid="budget-threshold">
      <select
        aria-label={`${name} kind`}
        value={threshold.kind}
        {...invalid}
        onChange={(event) => {
          const kind = event.target.value;
          if (isThresholdKind(kind)) {
            onChange({ ...threshold, kind });
          }
        }}
      >
        {THRESHOLD_KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
      <span aria-hidden="true">≥</span>
      <input
        type="text"
        inputMode="decimal"
        className="input-short"
        aria-label={`${name} percent of the amount`}
        value={threshold.percent}
        required
        {...invalid}
        onChange={(event) => {
          onChange({ ...threshold, percent: event.target.value });
        }}
      />
      <span>% of the amount</span>
      <button type="button" className="button button-plain" onClick={onRemove}>
        Remove <span className="visually-hidden">{name.toLowerCase()}</span>
      </button>
      <FieldError id={errorId} message={error} />
    </li>
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
      className="budget-form"
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
      <div className="form-row">
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

      <FieldGroup legend="Alert thresholds" error={fieldError("thresholds")} stacked>
        <ol className="threshold-list">
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
        <button
          type="button"
          className="button button-plain"
          onClick={() => {
            setThresholds([...draft.thresholds, { kind: "actual", percent: "" }]);
          }}
        >
          Add threshold
        </button>
      </FieldGroup>

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

      {create.isError && (
        <div className="status status-error" role="alert" data-testid="budget-form-error">
          <div>
            <strong>Could not create the budget</strong>
            <p className="status-detail">{errors.other ?? "Check the fields marked above."}</p>
          </div>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create budget"}
        </button>
        <button type="button" className="button button-plain" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
