import { useState } from "react";

import { Button, Field, FilterBar } from "../../components/ui";
import { type AuditFilters, FILTER_KEYS } from "./search";

const LABELS: Record<(typeof FILTER_KEYS)[number], string> = {
  actor: "Actor",
  action: "Action starts with",
  subject: "Subject",
  since: "Since (UTC)",
  until: "Until (UTC)",
};

const PLACEHOLDERS: Partial<Record<(typeof FILTER_KEYS)[number], string>> = {
  actor: "user:alice",
  action: "budget",
  subject: "exact subject",
};

/**
 * The filters as a form: typing changes nothing until Apply (or Enter), which writes them into
 * the URL; Clear removes them all. Re-mounted (by its `key`) when the URL's filters change.
 */
export function AuditFilterForm({
  filters,
  onApply,
}: {
  filters: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}) {
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(FILTER_KEYS.map((key) => [key, filters[key] ?? ""])),
  );
  return (
    <form
      aria-label="Audit filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(Object.fromEntries(FILTER_KEYS.map((key) => [key, draft[key] ?? ""])));
      }}
    >
      <FilterBar>
        {FILTER_KEYS.map((key) => (
          <Field key={key} label={LABELS[key]}>
            <input
              type={key === "since" || key === "until" ? "datetime-local" : "text"}
              data-testid={`audit-filter-${key}`}
              placeholder={PLACEHOLDERS[key]}
              value={draft[key] ?? ""}
              onChange={(event) => {
                setDraft((prev) => ({ ...prev, [key]: event.target.value }));
              }}
            />
          </Field>
        ))}
        <div className="flex items-end gap-2">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button
            onClick={() => {
              onApply({});
            }}
          >
            Clear
          </Button>
        </div>
      </FilterBar>
    </form>
  );
}
