import type { LoadPublic, LoadsPublic, LoadStatus } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Badge, Card, CardHeader, Empty, type Tone } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { count, formatAmount, formatTimestamp, LOAD_CSV, plural } from "./sources";
import { cx, text } from "../../components/styles";

const LOAD_TONES: Record<LoadStatus, Tone> = {
  succeeded: "success",
  failed: "danger",
  running: "info",
  skipped: "neutral",
};

function LoadRow({ load }: { load: LoadPublic }) {
  return (
    <tr data-testid="load-row">
      <td className="whitespace-nowrap">{formatTimestamp(load.started_at)}</td>
      <td className={cx(text.main, "min-w-40")}>{load.source_id}</td>
      <td className="whitespace-nowrap">
        {load.billing_period === null ? "—" : formatBillingPeriod(load.billing_period)}
      </td>
      <td>
        <Badge tone={LOAD_TONES[load.status]}>{load.status}</Badge>
      </td>
      <td className={text.num}>{count(load.raw_line_items)}</td>
      <td className={text.num}>{count(load.rows_loaded)}</td>
      <td className={text.num}>
        {load.billed_cost === null ? "—" : formatAmount(load.billed_cost, load.billing_currency)}
      </td>
      <td className={text.num}>
        {load.quality_findings === 0 ? "—" : plural(load.quality_findings, "rule", "rules")}
      </td>
      <td className="min-w-70">
        {load.error !== null && <div className="whitespace-pre-wrap text-red-700 [overflow-wrap:anywhere]">{load.error}</div>}
      </td>
    </tr>
  );
}

export function LoadsTable({
  loads,
  offset,
  pageSize,
  onOffsetChange,
}: {
  loads: LoadsPublic;
  offset: number;
  pageSize: number;
  onOffsetChange: (offset: number) => void;
}) {
  return (
    <Card className="pb-3">
      <CardHeader
        title="Latest loads"
        subtitle="The ingest log, newest first: each billing period loaded, reconciled to the source"
      >
        <CsvButton
          name="billing-loads"
          columns={LOAD_CSV}
          rows={loads.data}
          label="Download page as CSV"
        />
      </CardHeader>
      {loads.data.length === 0 ? (
        <Empty>No loads match these filters.</Empty>
      ) : (
        <DataTable data-testid="loads-table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Source</th>
              <th scope="col">Period</th>
              <th scope="col">Status</th>
              <th scope="col" className={text.num}>
                Line items
              </th>
              <th scope="col" className={text.num}>
                Rows
              </th>
              <th scope="col" className={text.num}>
                Billed cost
              </th>
              <th scope="col" className={text.num}>
                Quality
              </th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {loads.data.map((load) => (
              <LoadRow key={load.id} load={load} />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={loads.data.length}
        count={loads.count}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}

