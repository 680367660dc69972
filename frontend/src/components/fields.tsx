import type { Option } from "./options";
import { Field } from "./ui";


/** A labelled `<select>`; `onChange` gets the chosen option's value. */
export function SelectField({
  label,
  testId,
  value,
  options,
  onChange,
  inline = false,
}: {
  label: string;
  testId: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  inline?: boolean;
}) {
  return (
    <Field label={label} inline={inline}>
      <select
        data-testid={testId}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled date input (ISO `YYYY-MM-DD`, "" when empty). */
export function DateField({
  label,
  testId,
  value,
  min,
  max,
  onChange,
}: {
  label: string;
  testId: string;
  value: string;
  min?: string | undefined;
  max?: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label}>
      <input
        type="date"
        data-testid={testId}
        value={value}
        min={min}
        max={max}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </Field>
  );
}

