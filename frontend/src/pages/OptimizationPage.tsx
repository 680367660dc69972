import { useMemo, useState } from "react";

import type { FindingStatus, FindingType } from "../api/client";
import { useFilters, useFindings, useFindingsSummary } from "../api/queries";
import { CohComparison } from "../components/CohComparison";
import { FindingSummaryCards } from "../components/FindingSummaryCards";
import { FindingsTable } from "../components/FindingsTable";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { formatLongDate } from "../lib/dates";
import {
  ACTIVE_STATUSES,
  FINDING_STATUSES,
  FINDING_TYPES,
  findingTypeLabel,
  isFindingType,
} from "../lib/findings";
import { formatMoney } from "../lib/money";

export const FINDINGS_PAGE_SIZE = 25;

const ALL = "";
const ACTIVE = "active";

type StatusChoice = typeof ACTIVE | FindingStatus | typeof ALL;

function statusQuery(choice: StatusChoice): FindingStatus[] | undefined {
  if (choice === ACTIVE) {
    return ACTIVE_STATUSES;
  }
  return choice === ALL ? undefined : [choice];
}

function isStatusChoice(value: string): value is StatusChoice {
  return value === ACTIVE || value === ALL || FINDING_STATUSES.some((s) => s.value === value);
}

export function OptimizationPage() {
  const filters = useFilters();
  const [findingType, setFindingType] = useState<FindingType | null>(null);
  const [accountId, setAccountId] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusChoice>(ACTIVE);
  const [offset, setOffset] = useState(0);

  const common = { account_id: accountId, status: statusQuery(status) };
  const summary = useFindingsSummary(common);
  const findings = useFindings({
    ...common,
    finding_type: findingType,
    limit: FINDINGS_PAGE_SIZE,
    offset,
  });
  const accountNames = useMemo(
    () =>
      new Map(
        (filters.data?.accounts ?? []).flatMap((a) =>
          a.account_name === null ? [] : [[a.account_id, a.account_name] as const],
        ),
      ),
    [filters.data],
  );

  function selectType(type: FindingType | null) {
    setFindingType(type);
    setOffset(0);
  }

  return (
    <>
      <div className="toolbar">
        <section className="filter-bar" aria-label="Filters">
          <label className="field">
            <span className="field-label">Finding type</span>
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
          </label>
          <label className="field">
            <span className="field-label">Account</span>
            <select
              data-testid="finding-account-select"
              value={accountId ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                setAccountId(value === ALL ? null : value);
                setOffset(0);
              }}
            >
              <option value={ALL}>All accounts</option>
              {(filters.data?.accounts ?? []).map((account) => (
                <option key={account.account_id} value={account.account_id}>
                  {account.account_name === null
                    ? account.account_id
                    : `${account.account_name} (${account.account_id})`}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Status</span>
            <select
              data-testid="finding-status-select"
              value={status}
              onChange={(event) => {
                const value = event.target.value;
                if (isStatusChoice(value)) {
                  setStatus(value);
                  setOffset(0);
                }
              }}
            >
              <option value={ACTIVE}>Needs action (new + open)</option>
              {FINDING_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
              <option value={ALL}>All statuses</option>
            </select>
          </label>
        </section>
        {summary.isSuccess && (
          <div className="headline" data-testid="savings-headline">
            <span className="headline-label">Potential savings</span>
            <span className="headline-value">
              {formatMoney(summary.data.total_estimated_monthly_savings, summary.data.currency)}
              <span className="headline-unit"> / month</span>
            </span>
            <span className="data-range">
              {summary.data.count} findings
              {summary.data.as_of === null
                ? ""
                : ` · jobs as of ${formatLongDate(summary.data.as_of)}`}
            </span>
          </div>
        )}
      </div>
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
          onOffsetChange={setOffset}
        />
      )}
      <CohComparison />
    </>
  );
}
