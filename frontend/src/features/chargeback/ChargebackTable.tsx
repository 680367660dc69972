import type { ChargebackCostCenterPublic, ChargebackPublic } from "../../api/client";
import { DataTable, TableHead } from "../../components/DataTable";
import { Card, CardHeader, ShareBar } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { formatMoney, sumMoney } from "../../lib/money";
import { centerLabel, changeLabel, NOT_COST_CENTERS } from "./centers";
import { cx, rowTone, text } from "../../components/styles";

function CostCenterShare({ row }: { row: ChargebackCostCenterPublic }) {
  return (
    <ShareBar
      percent={Number(row.share_pct)}
      label={`${row.share_pct}%`}
      fillClass={NOT_COST_CENTERS.includes(row.cost_center) ? "bg-amber-500" : "bg-blue-600"}
    />
  );
}

/** The report's totals under the cost centers. */
function TotalRow({ report }: { report: ChargebackPublic }) {
  const { currency } = report;
  return (
    <tfoot>
      <tr>
        <th scope="row">Total</th>
        <td className={text.num}>
          {formatMoney(sumMoney(report.data.map((r) => r.direct_cost)), currency)}
        </td>
        <td className={text.num}>
          {formatMoney(sumMoney(report.data.map((r) => r.shared_cost)), currency)}
        </td>
        <td className={cx(text.num, text.strong)} data-testid="chargeback-table-total">
          {formatMoney(report.total, currency)}
        </td>
        <td className={text.num}>
          {report.previous_total === null ? "—" : formatMoney(report.previous_total, currency)}
        </td>
        <td className={text.num}>{changeLabel(report.total, report.previous_total, currency)}</td>
        <td className="w-[260px]">
          <span className="block text-right tabular-nums">
            {sumMoney(report.data.map((r) => r.share_pct))}%
          </span>
        </td>
      </tr>
    </tfoot>
  );
}

export function ChargebackTable({ report }: { report: ChargebackPublic }) {
  const { currency } = report;
  return (
    <Card className="pb-3">
      <CardHeader
        title="Cost centers"
        subtitle="Direct cost from the cost-center tag and rules; shared pools (support, tax, unused commitments) split in proportion to direct cost"
      />
      <DataTable data-testid="chargeback-table">
        <TableHead
          columns={[
            "Cost center",
            { label: "Direct", num: true },
            { label: "Shared", num: true },
            { label: "Total", num: true },
            {
              label:
                report.previous_billing_period === null
                  ? "Previous month"
                  : formatBillingPeriod(report.previous_billing_period),
              num: true,
            },
            { label: "Change", num: true },
            { label: "Share of bill", className: "w-[260px]" },
          ]}
        />
        <tbody>
          {report.data.map((row) => (
            <tr
              key={row.cost_center}
              data-testid="chargeback-row"
              data-tone={NOT_COST_CENTERS.includes(row.cost_center) ? "warning" : undefined}
              className={NOT_COST_CENTERS.includes(row.cost_center) ? rowTone.warning : undefined}
            >
              <td className={text.main}>{centerLabel(row)}</td>
              <td className={text.num}>{formatMoney(row.direct_cost, currency)}</td>
              <td className={text.num}>{formatMoney(row.shared_cost, currency)}</td>
              <td className={cx(text.num, text.strong)}>{formatMoney(row.cost, currency)}</td>
              <td className={text.num}>
                {row.previous_cost === null || row.previous_cost === undefined
                  ? "—"
                  : formatMoney(row.previous_cost, currency)}
              </td>
              <td className={text.num} data-testid="chargeback-change">
                {changeLabel(row.cost, row.previous_cost, currency)}
              </td>
              <td className="w-[260px]">
                <CostCenterShare row={row} />
              </td>
            </tr>
          ))}
        </tbody>
        <TotalRow report={report} />
      </DataTable>
    </Card>
  );
}
