import { useState } from "react";

import { useAccountNames } from "../../api/accounts";
import type { Option } from "../../components/options";
import { cx, fieldLabel } from "../../components/styles";
import { Button, Field } from "../../components/ui";
import { useExplorerValues } from "./queries";
import { addFilter, dimensionLabel, type ExplorerSearch, filterEntries, type FilterEntry, removeFilter } from "./search";

/** How a filter's value reads: an account's name, "(none)" for a missing value. */
function valueLabel(entry: FilterEntry, names: ReadonlyMap<string, string>): string {
  if (entry.value === "") {
    return "(none)";
  }
  return entry.dimension === "account_id" ? (names.get(entry.value) ?? entry.value) : entry.value;
}

function Chip({ entry, label, onRemove }: { entry: FilterEntry; label: string; onRemove: () => void }) {
  return (
    <li
      data-testid="explorer-filter"
      data-dimension={entry.dimension}
      data-value={entry.value}
      className="flex items-center gap-1 rounded-full bg-blue-50 py-0.5 pr-1 pl-2.5 text-xs text-blue-900"
    >
      <span>
        <span className="text-blue-700">{dimensionLabel(entry.dimension)}:</span> {label}
      </span>
      <button
        type="button"
        className="cursor-pointer rounded-full border-none bg-transparent px-1.5 text-blue-700 hover:bg-blue-100"
        aria-label={`Remove the filter ${dimensionLabel(entry.dimension)}: ${label}`}
        onClick={onRemove}
      >
        ×
      </button>
    </li>
  );
}

/** Picks a dimension, then one of its values in the data (narrowed by what is typed). */
function AddFilter({ dimensions, onAdd }: { dimensions: readonly Option[]; onAdd: (dim: string, value: string) => void }) {
  const [dim, setDim] = useState("");
  const [q, setQ] = useState("");
  const [value, setValue] = useState<string | null>(null);
  const values = useExplorerValues(dim === "" ? null : dim, q);
  const options = values.data?.values ?? [];
  const chosen = value ?? options[0]?.value ?? null;
  return (
    <div className="flex flex-wrap items-end gap-2" aria-label="Add a filter" role="group">
      <Field label="Filter by">
        <select
          data-testid="explorer-filter-dimension"
          value={dim}
          onChange={(event) => {
            setDim(event.target.value);
            setValue(null);
            setQ("");
          }}
        >
          <option value="">Choose…</option>
          {dimensions.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </Field>
      {dim !== "" && (
        <>
          <Field label="Search">
            <input
              data-testid="explorer-filter-search"
              value={q}
              placeholder="Type to narrow"
              onChange={(event) => {
                setQ(event.target.value);
                setValue(null);
              }}
            />
          </Field>
          <Field label="Value">
            <select
              data-testid="explorer-filter-value"
              value={chosen ?? ""}
              disabled={options.length === 0}
              onChange={(event) => {
                setValue(event.target.value);
              }}
            >
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          <Button
            data-testid="explorer-filter-add"
            disabled={chosen === null}
            onClick={() => {
              if (chosen !== null) {
                onAdd(dim, chosen);
                setValue(null);
              }
            }}
          >
            Add filter
          </Button>
        </>
      )}
    </div>
  );
}

/** The active filters as removable chips, and the control adding one. */
export function FilterPanel({
  search,
  dimensions,
  onChange,
}: {
  search: ExplorerSearch;
  dimensions: readonly Option[];
  onChange: (next: ExplorerSearch) => void;
}) {
  const names = useAccountNames();
  const entries = filterEntries(search);
  return (
    <section className="flex flex-col gap-2" aria-label="Explorer filters">
      <div className="flex flex-wrap items-center gap-2">
        <span className={fieldLabel}>Filters</span>
        {entries.length === 0 ? (
          <span className={cx("text-xs text-slate-500")}>None: every cost</span>
        ) : (
          <ul className="flex flex-wrap gap-1.5">
            {entries.map((entry) => (
              <Chip
                key={`${entry.dimension}=${entry.value}`}
                entry={entry}
                label={valueLabel(entry, names)}
                onRemove={() => {
                  onChange(removeFilter(search, entry));
                }}
              />
            ))}
          </ul>
        )}
      </div>
      <AddFilter
        dimensions={dimensions}
        onAdd={(dim, value) => {
          onChange(addFilter(search, dim, value));
        }}
      />
    </section>
  );
}
