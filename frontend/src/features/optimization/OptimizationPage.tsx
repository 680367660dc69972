import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";

import type { FiltersPublic, FindingType } from "../../api/client";
import { useFilters } from "../../api/filters";
import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { Field, FilterBar, Toolbar } from "../../components/ui";
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

function accountLabel(account: FiltersPublic["accounts"][number]): string {
  return account.account_name === null
    ? account.account_id
    : `${account.account_name} (${account.account_id})`;
}

export function OptimizationPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filters = useFilters();
  const findingType = search.type ?? null;
  const offset = search.offset ?? 0;

  const common = { account_id: search.account ?? null, status: statusQuery(search.status) };
  const summary = useFindingsSummary(common);
  const findings = useFindings({
    ...common,
    finding_type: findingType,
    limit: FINDINGS_PAGE_SIZE,
    offset,
  });
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
        <FilterBar>
          <Field label="Finding type">
            <select
              data-testid="finding-type-select"
              value={findingType ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                selectType(isFindingType(value) ? value : null);
              }}
            >
              <option value={ALL}>All types</option>
              {FINDING_TYPES.map((type) => (
                <option key={type} value={type}>
                  {findingTypeLabel(type)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Account">
            <select
              data-testid="finding-account-select"
              value={search.account ?? ALL}
              onChange={(event) => {
                filter({ account: event.target.value === ALL ? undefined : event.target.value });
              }}
            >
              <option value={ALL}>All accounts</option>
              {accounts.map((account) => (
                <option key={account.account_id} value={account.account_id}>
                  {accountLabel(account)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Status">
            <select
              data-testid="finding-status-select"
              value={search.status ?? ACTIVE}
              onChange={(event) => {
                const value = validateOptimizationSearch({ status: event.target.value }).status;
                filter({ status: value });
              }}
            >
              <option value={ACTIVE}>Needs action (new + open)</option>
              {FINDING_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
              <option value={ALL_STATUSES}>All statuses</option>
            </select>
          </Field>
        </FilterBar>
        {summary.isSuccess && <SavingsHeadline summary={summary.data} />}
      </Toolbar>
      {summary.isPending ? (
        <Loading label="Loading savings by type…" />
      ) : summary.isError ? (
        <ErrorMessage
          title="Could not load the savings summary"
          error={summary.error}
          onRetry={() => void summary.refetch()}
        />
      ) : (
        <FindingSummaryCards summary={summary.data} selected={findingType} onSelect={selectType} />
      )}
      {findings.isPending ? (
        <Loading label="Loading findings…" />
      ) : findings.isError ? (
        <ErrorMessage
          title="Could not load the findings"
          error={findings.error}
          onRetry={() => void findings.refetch()}
        />
      ) : (
        <FindingsTable
          findings={findings.data}
          offset={offset}
          pageSize={FINDINGS_PAGE_SIZE}
          accountNames={accountNames}
          onOffsetChange={(next) => {
            void navigate({ search: (prev) => ({ ...prev, offset: next === 0 ? undefined : next }) });
          }}
        />
      )}
      <CohComparison
        outcome={search.outcome ?? null}
        onOutcomeChange={(outcome) => {
          void navigate({ search: (prev) => ({ ...prev, outcome: outcome ?? undefined }) });
        }}
      />
    </>
  );
}
