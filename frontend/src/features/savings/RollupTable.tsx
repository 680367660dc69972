import type { SavingsRollupLinePublic, SavingsRollupPublic } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { DataTable, TableHead } from "../../components/DataTable";
import { Card, CardHeader, Empty } from "../../components/ui";
import { cx, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import { formatRate, rollupCsv } from "./savings";

interface RollupTableProps {
  title: string;
  subtitle: string;
  /** the first column's header, and the CSV's */
  keyLabel: string;
  csvName: string;
  rollup: SavingsRollupPublic;
  testId: string;
  label?: (key: string) => string;
}

function RollupRow({
  line,
  currency,
  label,
  withSpend,
}: {
  line: SavingsRollupLinePublic;
  currency: string;
  label: (key: string) => string;
  withSpend: boolean;
}) {
  return (
    <tr data-testid="rollup-row" data-key={line.key}>
      <td className={text.main}>{label(line.key)}</td>
      <td className={text.num}>{line.subjects}</td>
      <td className={cx(text.num, text.strong)} data-testid="rollup-realized">
        {formatMoney(line.realized_effective, currency)}
      </td>
      <td className={text.num} data-testid="rollup-realized-list">
        {formatMoney(line.realized_list, currency)}
      </td>
      <td className={text.num} data-testid="rollup-estimated">
        {formatMoney(line.estimated, currency)}
      </td>
      <td className={text.num} data-testid="rollup-rate">
        {formatRate(line.realization_rate)}
      </td>
      {withSpend && (
        <>
          <td className={text.num} data-testid="rollup-spend">
            {line.spend === null ? "—" : formatMoney(line.spend, currency)}
          </td>
          <td className={text.num} data-testid="rollup-share">
            {formatRate(line.share_of_spend)}
          </td>
        </>
      )}
    </tr>
  );
}

/** Realized vs estimated savings per group (a team, an action type), with CSV export. */
export function RollupTable({
  title,
  subtitle,
  keyLabel,
  csvName,
  rollup,
  testId,
  label = (key) => key,
}: RollupTableProps) {
  // spend and the share of it saved exist by month and by account only
  const withSpend = rollup.by === "month" || rollup.by === "account";
  const columns = [
    keyLabel,
    { label: "Measurements", num: true },
    { label: "Realized", num: true },
    { label: "Realized (list)", num: true },
    { label: "Estimated", num: true },
    { label: "Realization", num: true },
    ...(withSpend ? [{ label: "Spend", num: true }, { label: "Share of spend", num: true }] : []),
  ];
  return (
    <Card className="pb-3" data-testid={testId}>
      <CardHeader title={title} subtitle={subtitle}>
        <CsvButton name={csvName} columns={rollupCsv(keyLabel)} rows={rollup.data} />
      </CardHeader>
      {rollup.data.length === 0 ? (
        <Empty>No measured savings yet.</Empty>
      ) : (
        <DataTable>
          <TableHead columns={columns} />
          <tbody>
            {rollup.data.map((line) => (
              <RollupRow
                key={line.key}
                line={line}
                currency={rollup.currency}
                label={label}
                withSpend={withSpend}
              />
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}
