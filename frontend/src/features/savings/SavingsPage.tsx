import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";

import type { RollupDimension, SavingsCumulativePublic, SavingsRollupPublic } from "../../api/client";
import { EChart } from "../../charts/EChart";
import { PageGuard } from "../../components/PageGuard";
import { QueryView } from "../../components/QueryStatus";
import { Card, CardHeader, Empty, Field, FilterBar, KpiCard, KpiGrid, Toolbar } from "../../components/ui";
import { text } from "../../components/styles";
import { NEEDS } from "../../auth/permissions";
import { formatMoney } from "../../lib/money";
import { actionLabel } from "../actions/actions";
import { MeasurementPanel } from "./MeasurementDetail";
import { MeasurementsTable } from "./MeasurementsTable";
import { useSavingsCumulative, useSavingsMeasurements, useSavingsRollup } from "./queries";
import { RollupTable } from "./RollupTable";
import { buildRealizedOption } from "./realizedOption";
import { CONFIDENCES, formatRate, OUTSIDE, SAVINGS_STATUSES } from "./savings";
import { type SavingsSearch, validateSavingsSearch } from "./search";

export const SAVINGS_PAGE_SIZE = 25;

const route = getRouteApi("/savings");

const OUTSIDE_LABEL = "outside the platform";

function Totals({ months }: { months: SavingsRollupPublic }) {
  const { total, currency } = months;
  return (
    <KpiGrid label="Realized savings">
      <KpiCard
        label="Realized savings"
        value={formatMoney(total.realized_effective, currency)}
        testId="savings-realized"
        caption={`Effective cost, ${months.start} – ${months.end}`}
      />
      <KpiCard
        label="At list price"
        value={formatMoney(total.realized_list, currency)}
        testId="savings-realized-list"
        caption="The same changes at on-demand prices"
      />
      <KpiCard
        label="Estimated"
        value={formatMoney(total.estimated, currency)}
        testId="savings-estimated"
        caption="What the proposals estimated over the same days"
      />
      <KpiCard
        label="Realization rate"
        value={formatRate(total.realization_rate)}
        testId="savings-rate"
        caption="Realized ÷ the estimate of measured changes"
      />
    </KpiGrid>
  );
}

function RealizedChart({ months, cumulative }: { months: SavingsRollupPublic; cumulative: SavingsCumulativePublic }) {
  const option = useMemo(
    () => buildRealizedOption(months.data, cumulative.data, months.currency),
    [months, cumulative],
  );
  return (
    <Card>
      <CardHeader title="Realized vs estimated savings" subtitle="By month, with the running total" />
      {months.data.length === 0 ? (
        <Empty>No measured savings yet.</Empty>
      ) : (
        <div className="h-[300px]" data-testid="savings-chart">
          <EChart
            option={option}
            renderKey={`${months.start}:${months.end}:${String(months.count)}`}
            ariaLabel="Realized and estimated savings by month"
          />
        </div>
      )}
    </Card>
  );
}

function Select<T extends string>({
  label,
  testId,
  value,
  options,
  onChange,
}: {
  label: string;
  testId: string;
  value: T | undefined;
  options: readonly { value: T; label: string }[];
  onChange: (value: string | undefined) => void;
}) {
  return (
    <Field label={label}>
      <select
        data-testid={testId}
        value={value ?? ""}
        onChange={(event) => {
          onChange(event.target.value === "" ? undefined : event.target.value);
        }}
      >
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

interface Grouping {
  by: RollupDimension;
  title: string;
  subtitle: string;
  keyLabel: string;
  name: string;
  label?: (key: string) => string;
  /** across both columns (a table with more columns) */
  wide?: boolean;
}

/** The rollup tables below the chart: by team, action type and account. */
const GROUPINGS: readonly Grouping[] = [
  { by: "cost_center", title: "By team", subtitle: "Cost centers, by the allocation rules", keyLabel: "cost_center", name: "team" },
  {
    by: "action",
    title: "By action type",
    subtitle: "Remediation actions, and fixes made outside the platform",
    keyLabel: "action",
    name: "action",
    label: (key) => (key === OUTSIDE_LABEL ? "Fixed outside the platform" : actionLabel(key)),
  },
  {
    by: "account",
    title: "By account",
    subtitle: "With the account's spend and the share of it saved",
    keyLabel: "account",
    name: "account",
    wide: true,
  },
];

function RollupPanel({ grouping, account }: { grouping: Grouping; account: string | undefined }) {
  const query = useSavingsRollup(grouping.by, account);
  return (
    <QueryView query={query} loading="Loading savings…" failed={`Could not load the savings ${grouping.title.toLowerCase()}`}>
      {(r) => (
        <RollupTable
          title={grouping.title}
          subtitle={grouping.subtitle}
          keyLabel={grouping.keyLabel}
          csvName={`savings-by-${grouping.name}`}
          rollup={r}
          testId={`savings-by-${grouping.name}`}
          label={grouping.label}
        />
      )}
    </QueryView>
  );
}

function Overviews({ account }: { account: string | undefined }) {
  const months = useSavingsRollup("month", account);
  const cumulative = useSavingsCumulative(account);
  return (
    <>
      <QueryView query={months} loading="Loading savings…" failed="Could not load the savings">
        {(m) => (
          <>
            <Totals months={m} />
            <QueryView query={cumulative} loading="Loading savings…" failed="Could not load the savings">
              {(c) => <RealizedChart months={m} cumulative={c} />}
            </QueryView>
          </>
        )}
      </QueryView>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        {GROUPINGS.map((grouping) => (
          <div key={grouping.by} className={grouping.wide === true ? "xl:col-span-2" : undefined}>
            <RollupPanel grouping={grouping} account={account} />
          </div>
        ))}
      </div>
    </>
  );
}

function SavingsContent() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const offset = search.offset ?? 0;
  const selected = search.id ?? null;
  const measurements = useSavingsMeasurements({
    status: search.status === undefined ? null : [search.status],
    confidence: search.confidence === undefined ? null : [search.confidence],
    account: search.account ?? null,
    action: search.action ?? null,
    limit: SAVINGS_PAGE_SIZE,
    offset,
  });

  function filter(key: "status" | "confidence" | "action", raw: string | undefined) {
    const value = validateSavingsSearch({ [key]: raw })[key];
    void navigate({ search: (prev: SavingsSearch) => ({ ...prev, [key]: value, offset: undefined }) });
  }

  return (
    <>
      <Toolbar>
        <FilterBar>
          <Select label="Status" testId="savings-status" value={search.status} options={SAVINGS_STATUSES} onChange={(v) => { filter("status", v); }} />
          <Select
            label="Confidence"
            testId="savings-confidence-filter"
            value={search.confidence}
            options={CONFIDENCES.map((c) => ({ value: c, label: c }))}
            onChange={(v) => { filter("confidence", v); }}
          />
          <Select
            label="Change"
            testId="savings-action"
            value={search.action}
            options={[{ value: OUTSIDE, label: "Fixed outside the platform" }]}
            onChange={(v) => { filter("action", v); }}
          />
        </FilterBar>
        <span className={text.muted}>Measured from the bills after each change · docs/savings.md</span>
      </Toolbar>
      <Overviews account={search.account} />
      <QueryView query={measurements} loading="Loading measurements…" failed="Could not load the measurements">
        {(data) => (
          <MeasurementsTable
            measurements={data}
            offset={offset}
            pageSize={SAVINGS_PAGE_SIZE}
            selected={selected}
            onSelect={(id) => {
              void navigate({ search: (prev: SavingsSearch) => ({ ...prev, id }) });
            }}
            onOffsetChange={(next) => {
              void navigate({ search: (prev: SavingsSearch) => ({ ...prev, offset: next === 0 ? undefined : next }) });
            }}
          />
        )}
      </QueryView>
      {selected === null ? (
        <Card>
          <Empty className="py-4">Select a measurement to see its bill before and after the change.</Empty>
        </Card>
      ) : (
        <MeasurementPanel id={selected} />
      )}
    </>
  );
}

export function SavingsPage() {
  return (
    <PageGuard need={NEEDS.readSavings}>
      <SavingsContent />
    </PageGuard>
  );
}
