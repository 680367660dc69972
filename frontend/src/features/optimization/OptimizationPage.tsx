import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";

import type { FiltersPublic, FindingType } from "../../api/client";
import { useFilters } from "../../api/filters";
import { QueryView } from "../../components/QueryStatus";
import { SelectField } from "../../components/fields";
import { accountOption, type Option } from "../../components/options";
import { FilterBar, Toolbar } from "../../components/ui";
import { FINDING_STATUSES, FINDING_TYPES, findingTypeLabel, isFindingType } from "../../lib/findings";
import { CohComparison } from "./CohComparison";
import { FindingSummaryCards } from "./FindingSummaryCards";
import { FindingsTable } from "./FindingsTable";
import { useFindings, useFindingsSummary } from "./queries";
import { SavingsHeadline } from "./SavingsHeadline";
import { ALL_STATUSES, type OptimizationSearch, statusQuery, validateOptimizationSearch } from "./search";

export const FINDINGS_PAGE_SIZE = 25;

const ALL = "";
const ACTIVE = "";
const route = getRouteApi("/optimization");

const TYPE_OPTIONS: Option[] = [
  { value: ALL, label: "All types" },
  ...FINDING_TYPES.map((type) => ({ value: type, label: findingTypeLabel(type) })),
];
const STATUS_OPTIONS: Option[] = [
  { value: ACTIVE, label: "Needs action (new + open)" },
  ...FINDING_STATUSES,
  { value: ALL_STATUSES, label: "All statuses" },
];

function OptimizationFilters({
  search,
  accounts,
  onFilter,
}: {
  search: OptimizationSearch;
  accounts: FiltersPublic["accounts"];
  onFilter: (changes: Partial<OptimizationSearch>) => void;
}) {
  return (
    <FilterBar>
      <SelectField
        label="Finding type"
        testId="finding-type-select"
        value={search.type ?? ALL}
        options={TYPE_OPTIONS}
        onChange={(value) => {
          onFilter({ type: isFindingType(value) ? value : undefined });
        }}
      />
      <SelectField
        label="Account"
        testId="finding-account-select"
        value={search.account ?? ALL}
        options={[{ value: ALL, label: "All accounts" }, ...accounts.map(accountOption)]}
        onChange={(value) => {
          onFilter({ account: value === ALL ? undefined : value });
        }}
      />
      <SelectField
        label="Status"
        testId="finding-status-select"
        value={search.status ?? ACTIVE}
        options={STATUS_OPTIONS}
        onChange={(value) => {
          onFilter({ status: validateOptimizationSearch({ status: value }).status });
        }}
      />
    </FilterBar>
  );
}

export function OptimizationPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filters = useFilters();
  const findingType = search.type ?? null;
  const offset = search.offset ?? 0;

  const common = { account_id: search.account ?? null, status: statusQuery(search.status) };
  const summary = useFindingsSummary(common);
  const one = search.finding ?? null;
  const findings = useFindings(
    one === null
      ? { ...common, finding_type: findingType, limit: FINDINGS_PAGE_SIZE, offset }
      : { fingerprint: [one], limit: 1 },
  );
  const accounts = filters.data?.accounts ?? [];
  const accountNames = useMemo(
    () =>
      new Map(
        (filters.data?.accounts ?? []).flatMap((a) =>
          a.account_name === null ? [] : [[a.account_id, a.account_name] as const],
        ),
      ),
    [filters.data],
  );

  /** A new filter starts the findings from their first page. */
  function filter(changes: Partial<OptimizationSearch>) {
    void navigate({ search: (prev) => ({ ...prev, ...changes, offset: undefined }) });
  }
  function selectType(type: FindingType | null) {
    filter({ type: type ?? undefined });
  }

  return (
    <>
      <Toolbar>
        <OptimizationFilters search={search} accounts={accounts} onFilter={filter} />
        {summary.isSuccess && <SavingsHeadline summary={summary.data} />}
      </Toolbar>
      <QueryView query={summary} loading="Loading savings by type…" failed="Could not load the savings summary">
        {(data) => (
          <FindingSummaryCards summary={data} selected={findingType} onSelect={selectType} />
        )}
      </QueryView>
      <QueryView query={findings} loading="Loading findings…" failed="Could not load the findings">
        {(data) => (
          <FindingsTable
            key={one ?? "all"}
            findings={data}
            opened={one}
            onShowAll={
              one === null
                ? undefined
                : () => {
                    void navigate({ search: (prev) => ({ ...prev, finding: undefined }) });
                  }
            }
            offset={offset}
            pageSize={FINDINGS_PAGE_SIZE}
            accountNames={accountNames}
            onOffsetChange={(next) => {
              void navigate({ search: (prev) => ({ ...prev, offset: next === 0 ? undefined : next }) });
            }}
          />
        )}
      </QueryView>
      <CohComparison
        outcome={search.outcome ?? null}
        onOutcomeChange={(outcome) => {
          void navigate({ search: (prev) => ({ ...prev, outcome: outcome ?? undefined }) });
        }}
      />
    </>
  );
}
