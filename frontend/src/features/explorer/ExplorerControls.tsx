import { COST_METRICS } from "../../lib/costMetrics";
import { DateField, SelectField } from "../../components/fields";
import type { Option } from "../../components/options";
import { FilterBar } from "../../components/ui";
import { matchingPreset, PRESETS, presetRange } from "./range";
import { type ExplorerSearch, GRANULARITIES, validateExplorerSearch } from "./search";
import type { ExplorerPublic } from "./types";

const NONE = "";
const CUSTOM = "custom";

interface ControlsProps {
  search: ExplorerSearch;
  /** the answer shown (its range is the API's default when the URL names none) */
  view: ExplorerPublic | undefined;
  /** the last day with data, which the presets count back from */
  dataEnd: string | undefined;
  dimensions: readonly Option[];
  onChange: (next: ExplorerSearch) => void;
}

/** Date range (presets or custom days), granularity, metric and the two group-by choices. */
export function ExplorerControls({ search, view, dataEnd, dimensions, onChange }: ControlsProps) {
  const start = search.start ?? view?.start ?? "";
  const end = search.end ?? view?.end ?? "";
  const preset =
    dataEnd === undefined || start === "" ? CUSTOM : (matchingPreset({ start, end }, dataEnd) ?? CUSTOM);
  const groupBy = search.group_by ?? [];
  const set = (patch: Partial<Record<keyof ExplorerSearch, string | string[] | undefined>>) => {
    const valid = validateExplorerSearch(patch);
    const next = { ...search };
    for (const key of Object.keys(patch) as (keyof ExplorerSearch)[]) {
      Object.assign(next, { [key]: valid[key] });
    }
    onChange(next);
  };
  const setGroup = (index: number, value: string) => {
    const chosen = [...groupBy];
    chosen[index] = value;
    set({
      group_by: chosen.filter((dim, i) => dim !== NONE && chosen.indexOf(dim) === i),
    });
  };
  return (
    <FilterBar>
      <SelectField
        label="Date range"
        testId="explorer-preset"
        value={preset}
        options={[...PRESETS.map((p) => ({ value: p.value, label: p.label })), { value: CUSTOM, label: "Custom" }]}
        onChange={(value) => {
          const range = dataEnd === undefined ? undefined : presetRange(value, dataEnd);
          if (range !== undefined) {
            set({ start: range.start, end: range.end });
          }
        }}
      />
      <DateField label="From" testId="explorer-start" value={start} max={end || undefined} onChange={(value) => { set({ start: value }); }} />
      <DateField label="To" testId="explorer-end" value={end} min={start || undefined} onChange={(value) => { set({ end: value }); }} />
      <SelectField
        label="Granularity"
        testId="explorer-granularity"
        value={search.granularity ?? view?.granularity ?? "monthly"}
        options={GRANULARITIES}
        onChange={(value) => { set({ granularity: value }); }}
      />
      <SelectField
        label="Metric"
        testId="explorer-metric"
        value={search.metric ?? "billed_cost"}
        options={COST_METRICS}
        onChange={(value) => { set({ metric: value }); }}
      />
      <SelectField
        label="Group by"
        testId="explorer-group-0"
        value={groupBy[0] ?? NONE}
        options={[{ value: NONE, label: "No grouping" }, ...dimensions]}
        onChange={(value) => { setGroup(0, value); }}
      />
      <SelectField
        label="Then by"
        testId="explorer-group-1"
        value={groupBy[1] ?? NONE}
        options={[{ value: NONE, label: "—" }, ...dimensions.filter((d) => d.value !== groupBy[0])]}
        onChange={(value) => { setGroup(1, value); }}
      />
    </FilterBar>
  );
}
