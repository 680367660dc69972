import { getRouteApi } from "@tanstack/react-router";

import type { ChargebackPublic } from "../../api/client";
import { QueryView } from "../../components/QueryStatus";
import { SelectField } from "../../components/fields";
import { FilterBar, KpiCard, KpiGrid, Toolbar } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { formatMoney, sumMoney } from "../../lib/money";
import { NOT_COST_CENTERS } from "./centers";
import { ChargebackTable } from "./ChargebackTable";
import { useChargeback } from "./queries";
import { text } from "../../components/styles";

const route = getRouteApi("/chargeback");

export function ChargebackPage() {
  // the billing period lives in the URL (?period=2026-09), so a report can be linked
  const { period } = route.useSearch();
  const navigate = route.useNavigate();
  const setPeriod = (next: string) => {
    void navigate({ search: { period: next } });
  };
  const chargeback = useChargeback({ billing_period: period ?? null });
  return (
    <QueryView query={chargeback} loading="Loading the chargeback report…" failed="Could not load the chargeback report">
      {(data) => <Chargeback report={data} onPeriodChange={setPeriod} />}
    </QueryView>
  );
}

function Chargeback({
  report,
  onPeriodChange,
}: {
  report: ChargebackPublic;
  onPeriodChange: (period: string) => void;
}) {
  const { currency } = report;
  const owned = report.data.filter((row) => !NOT_COST_CENTERS.includes(row.cost_center));
  const allocated = sumMoney(owned.map((row) => row.cost));
  const coverage = sumMoney(owned.map((row) => row.share_pct));
  const centers = owned.length;
  return (
    <>
      <Toolbar>
        <FilterBar>
          <SelectField
            label="Billing period"
            testId="chargeback-period-select"
            value={report.billing_period}
            options={report.billing_periods.map((p) => ({
              value: p,
              label: formatBillingPeriod(p),
            }))}
            onChange={onPeriodChange}
          />
        </FilterBar>
        <span className={text.muted}>
          Amortized (effective) cost · shared costs split by the allocation rules · {currency}
        </span>
      </Toolbar>
      <KpiGrid label="Chargeback totals">
        <KpiCard
          label="Total bill"
          value={formatMoney(report.total, currency)}
          testId="chargeback-total"
          captionTestId="chargeback-total-caption"
          caption={
            report.previous_billing_period === null || report.previous_total === null
              ? `${formatBillingPeriod(report.billing_period)} · no report for the month before`
              : `${formatBillingPeriod(report.billing_period)} · ${formatBillingPeriod(
                  report.previous_billing_period,
                )}: ${formatMoney(report.previous_total, currency)}`
          }
        />
        <KpiCard
          label="Allocated"
          value={formatMoney(allocated, currency)}
          caption={`${centers} cost ${centers === 1 ? "center" : "centers"}`}
        />
        <KpiCard
          label="Unallocated"
          value={formatMoney(report.unallocated, currency)}
          testId="chargeback-unallocated"
          trend="up"
          caption={`${report.unallocated_share_pct}% of the bill has no owner`}
        />
        <KpiCard
          label="Invalid tag"
          value={formatMoney(report.invalid_tag, currency)}
          testId="chargeback-invalid-tag"
          trend="up"
          caption={
            report.invalid_tag_values.length === 0
              ? "No cost tagged with a cost center the tag policy forbids"
              : `${report.invalid_tag_share_pct}% tagged ${report.invalid_tag_values.join(", ")}, not allowed by the tag policy`
          }
        />
        <KpiCard
          label="Allocation coverage"
          value={`${coverage}%`}
          testId="chargeback-coverage"
          caption="Share of the bill charged to a cost center"
        />
      </KpiGrid>
      <ChargebackTable report={report} />
    </>
  );
}

