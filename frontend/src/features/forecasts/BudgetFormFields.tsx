import { type ReactNode, useId } from "react";

import { Button } from "../../components/ui";
import { cx, fieldLabel } from "../../components/styles";
import { isThresholdKind, THRESHOLD_KINDS, type ThresholdDraft } from "./budgets";

/** The budget form's building blocks: labelled fields and groups that show the API's message
 * for them, and one threshold row. */

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
    <span id={id} className="basis-full text-xs text-red-700 [overflow-wrap:anywhere]">
      {message}
    </span>
  );
}

/** A labelled control with the API's message for it below; `children` renders the control. */
export function FormField({
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
    <div className={cx("flex flex-col gap-1", grow && "flex-[1_1_280px]")}>
      <label className={fieldLabel} htmlFor={id}>
        {label}
      </label>
      {children({ id, ...errorProps(errorId, error) })}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A group of fields (scope, thresholds, notifications) with the API's message for the group. */
export function FieldGroup({
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
      className="m-0 min-w-0 border-none p-0"
      aria-describedby={error === undefined ? undefined : errorId}
    >
      <legend className="mb-2 p-0 text-[13px] font-semibold text-slate-500">{legend}</legend>
      <div className={cx("flex flex-wrap items-start", stacked ? "flex-col gap-2" : "gap-x-4 gap-y-3")}>{children}</div>
      <FieldError id={errorId} message={error} />
    </fieldset>
  );
}

export function ThresholdRow({
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
    <li className="flex flex-wrap items-center gap-2" data-testid="budget-threshold">
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
        className="w-[90px]"
        aria-label={`${name} percent of the amount`}
        value={threshold.percent}
        required
        {...invalid}
        onChange={(event) => {
          onChange({ ...threshold, percent: event.target.value });
        }}
      />
      <span>% of the amount</span>
      <Button onClick={onRemove}>
        Remove <span className="sr-only">{name.toLowerCase()}</span>
      </Button>
      <FieldError id={errorId} message={error} />
    </li>
  );
}
