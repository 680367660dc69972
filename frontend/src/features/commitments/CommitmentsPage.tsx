import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";

import { EChart } from "../../charts/EChart";
import { DataTable, TableHead } from "../../components/DataTable";
import { SelectField } from "../../components/fields";
import { QueryView } from "../../components/QueryStatus";
import { cx, text } from "../../components/styles";
import { Card, CardHeader, Empty, FilterBar, Toolbar } from "../../components/ui";
import { formatMoney } from "../../lib/money";
import { formatPeriod as periodLabel, GRANULARITIES } from "../../lib/dates";
import { coverageByPeriod, formatPct, type PeriodCoverage } from "./commitments";
import { buildCommitmentsOption } from "./commitmentsOption";
import { useCoverage, useRecommendations, useUtilization } from "./queries";
import { validateCommitmentsSearch } from "./search";
import type { RecommendationsPublic, UtilizationPublic } from "./types";

const route = getRouteApi("/commitments");

function UtilizationTable({ rows, granularity }: { rows: readonly UtilizationPublic[]; granularity: "daily" | "monthly" }) {
  return (
    <DataTable data-testid="utilization-table">
      <TableHead
        columns={[
          "Period",
          "Commitment",
          { label: "Committed", num: true },
          { label: "Used", num: true },
          { label: "Unused", num: true },
          { label: "Utilization", num: true },
        ]}
      />
      <tbody>
        {[...rows].reverse().map((row) => (
          <tr key={`${row.period}:${row.commitment_type}:${row.currency}`} data-testid="utilization-row" data-period={row.period} data-type={row.commitment_type}>
            <td className="whitespace-nowrap">{periodLabel(row.period, granularity)}</td>
            <td>{row.commitment_type}</td>
            <td className={text.num}>{formatMoney(row.committed_cost, row.currency)}</td>
            <td className={text.num}>{formatMoney(row.used_cost, row.currency)}</td>
            <td className={text.num} data-testid="utilization-unused">{formatMoney(row.unused_cost, row.currency)}</td>
            <td className={cx(text.num, text.strong)} data-testid="utilization-pct">{formatPct(row.utilization_pct)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function CoverageTable({ rows, granularity }: { rows: readonly PeriodCoverage[]; granularity: "daily" | "monthly" }) {
  return (
    <DataTable data-testid="coverage-table">
      <TableHead
        columns={["Period", { label: "Eligible (on-demand equivalent)", num: true }, { label: "Covered", num: true }, { label: "On demand", num: true }, { label: "Coverage", num: true }]}
      />
      <tbody>
        {[...rows].reverse().map((row) => (
          <tr key={row.period} data-testid="coverage-row" data-period={row.period}>
            <td className="whitespace-nowrap">{periodLabel(row.period, granularity)}</td>
            <td className={text.num} data-testid="coverage-eligible">{formatMoney(row.eligible, row.currency)}</td>
            <td className={text.num} data-testid="coverage-covered">{formatMoney(row.covered, row.currency)}</td>
            <td className={text.num}>{formatMoney(row.onDemand, row.currency)}</td>
            <td className={cx(text.num, text.strong)} data-testid="coverage-pct">{formatPct(row.pct)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function Recommendations({ data, currency }: { data: RecommendationsPublic; currency: string }) {
  return (
    <Card className="pb-3" data-testid="recommendations">
      <CardHeader title="Purchase recommendations" subtitle="Savings Plans sized from the recent on-demand usage" />
      {data.items.length === 0 ? (
        <Empty>No purchase recommended.</Empty>
      ) : (
        <DataTable>
          <TableHead
            columns={["As of", "Term", "Payment", { label: "Per hour", num: true }, { label: "Per month", num: true }, { label: "Savings / month", num: true }]}
          />
          <tbody>
            {data.items.map((r) => (
              <tr key={`${r.as_of}:${String(r.term_years)}:${r.payment_option}`} data-testid="recommendation-row" data-key={`${String(r.term_years)}|${r.payment_option}`}>
                <td className="whitespace-nowrap">{r.as_of}</td>
                <td>{r.term_years === 1 ? "1 year" : `${String(r.term_years)} years`}</td>
                <td>{r.payment_option}</td>
                <td className={text.num}>{formatMoney(r.hourly_commitment, currency)}</td>
                <td className={text.num}>{formatMoney(r.monthly_commitment, currency)}</td>
                <td className={cx(text.num, text.strong)} data-testid="recommendation-savings">
                  {formatMoney(r.estimated_monthly_savings, currency)}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}

/** Commitments (`/commitments`): Savings Plan and Reserved Instance utilization and coverage
 * over time, and purchase recommendations. */
export function CommitmentsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const granularity = search.granularity ?? "monthly";
  const utilization = useUtilization(granularity);
  const coverage = useCoverage(granularity);
  const recommendations = useRecommendations();
  const periods = useMemo(() => coverageByPeriod(coverage.data?.items ?? []), [coverage.data]);
  const option = useMemo(
    () => buildCommitmentsOption(utilization.data?.items ?? [], periods, granularity),
    [utilization.data, periods, granularity],
  );
  const currency = utilization.data?.items[0]?.currency ?? periods[0]?.currency ?? "USD";
  return (
    <>
      <Toolbar>
        <FilterBar>
          <SelectField
            label="Granularity"
            testId="commitments-granularity"
            value={granularity}
            options={GRANULARITIES}
            onChange={(value) => {
              void navigate({ search: validateCommitmentsSearch({ granularity: value }) });
            }}
          />
        </FilterBar>
      </Toolbar>
      <Card>
        <CardHeader title="Utilization and coverage" subtitle="Used ÷ committed per commitment type; covered ÷ eligible usage" />
        {utilization.isSuccess && coverage.isSuccess && utilization.data.items.length + periods.length > 0 ? (
          <div className="h-[300px]" data-testid="commitments-chart">
            <EChart option={option} renderKey={`${granularity}:${String(periods.length)}`} ariaLabel="Commitment utilization and coverage in percent" />
          </div>
        ) : (
          <Empty>{utilization.isPending || coverage.isPending ? "Loading…" : "No commitments in the data."}</Empty>
        )}
      </Card>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card className="pb-3">
          <CardHeader title="Utilization" subtitle="Newest first" />
          <QueryView query={utilization} loading="Loading utilization…" failed="Could not load the utilization">
            {(data) => (data.items.length === 0 ? <Empty>No commitments.</Empty> : <UtilizationTable rows={data.items} granularity={granularity} />)}
          </QueryView>
        </Card>
        <Card className="pb-3">
          <CardHeader title="Coverage" subtitle="All services, newest first" />
          <QueryView query={coverage} loading="Loading coverage…" failed="Could not load the coverage">
            {() => (periods.length === 0 ? <Empty>No eligible usage.</Empty> : <CoverageTable rows={periods} granularity={granularity} />)}
          </QueryView>
        </Card>
      </div>
      <QueryView query={recommendations} loading="Loading recommendations…" failed="Could not load the recommendations">
        {(data) => <Recommendations data={data} currency={currency} />}
      </QueryView>
    </>
  );
}
