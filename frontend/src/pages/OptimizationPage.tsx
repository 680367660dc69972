import { useMemo, useState } from "react";

import type { FindingsSummaryPublic, FindingStatus, FindingType } from "../api/client";
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
import { formatMoney, moneyToNumber } from "../lib/money";

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

/** Actionable savings at the price paid, with what they sum named, and commitment waste apart:
 * unused commitment is paid whatever is done this month, so it is never added to savings. */
export function SavingsHeadline({ summary }: { summary: FindingsSummaryPublic }) {
  const { currency } = summary;
  const hasWaste = moneyToNumber(summary.total_commitment_waste) !== 0;
  return (
    <>
      <div className="headline" data-testid="savings-headline">
        <span className="headline-label">Actionable savings</span>
        <span className="headline-value">
          {formatMoney(summary.total_estimated_monthly_savings, currency)}
          <span className="headline-unit"> / month</span>
        </span>
        <span className="data-range" data-testid="savings-basis">
          At the price paid (effective cost over the last 30 days, after Savings Plan and RI
          discounts) · {formatMoney(summary.total_on_demand_monthly_savings, currency)} at
          on-demand prices · commitment waste not included
        </span>
        <span className="data-range">
          {summary.count} findings
          {summary.as_of === null ? "" : ` · jobs as of ${formatLongDate(summary.as_of)}`}
        </span>
      </div>
      {hasWaste && (
        <div className="headline" data-testid="commitment-waste">
          <span className="headline-label">Commitment waste</span>
          <span className="headline-value">
            {formatMoney(summary.total_commitment_waste, currency)}
            <span className="headline-unit"> / month</span>
          </span>
          <span className="data-range">{summary.commitment_waste_advice}</span>
        </div>
      )}
    </>
  );
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
        {summary.isSuccess && <SavingsHeadline summary={summary.data} />}
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
