import { AccountName } from "../../components/AccountName";
import type { SavingsMeasurementPublic, SavingsMeasurementsPublic } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { DataTable, TableHead } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { cx, rowTone, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import {
  changeLabel,
  CONFIDENCE_TONES,
  MEASUREMENTS_CSV,
  savingsStatusLabel,
  savingsStatusTone,
} from "./savings";

const COLUMNS = [
  "Change",
  "Account",
  "Changed on",
  { label: "Estimated / month", num: true },
  { label: "Realized / month", num: true },
  "Status",
  "Confidence",
];

function money(value: string | null, currency: string): string {
  return value === null ? "—" : formatMoney(value, currency);
}

function MeasurementRow({
  m,
  active,
  onSelect,
}: {
  m: SavingsMeasurementPublic;
  active: boolean;
  onSelect: (id: number) => void;
}) {
  return (
    <tr
      data-testid="measurement-row"
      data-id={m.id}
      className={cx("cursor-pointer", active && rowTone.selected)}
      aria-selected={active}
      onClick={() => {
        onSelect(m.id);
      }}
    >
      <td>
        <LinkButton
          className={text.main}
          onClick={(event) => {
            event.stopPropagation();
            onSelect(m.id);
          }}
        >
          {changeLabel(m)}
        </LinkButton>
        <div className={cx(text.sub, text.mono)}>{m.resource_id}</div>
      </td>
      <td>
        <AccountName id={m.account_id} />
      </td>
      <td className="whitespace-nowrap">{m.change_day}</td>
      <td className={text.num} data-testid="measurement-estimated">
        {money(m.estimated_monthly_savings, m.currency)}
      </td>
      <td className={cx(text.num, text.strong)} data-testid="measurement-realized">
        {money(m.realized_monthly_effective, m.currency)}
      </td>
      <td>
        <Badge tone={savingsStatusTone(m.status)}>{savingsStatusLabel(m.status)}</Badge>
      </td>
      <td>
        {m.confidence === null ? (
          <span className={text.muted}>—</span>
        ) : (
          <Badge tone={CONFIDENCE_TONES[m.confidence]}>{m.confidence}</Badge>
        )}
      </td>
    </tr>
  );
}

interface MeasurementsTableProps {
  measurements: SavingsMeasurementsPublic;
  offset: number;
  pageSize: number;
  selected: number | null;
  onSelect: (id: number) => void;
  onOffsetChange: (offset: number) => void;
}

export function MeasurementsTable({
  measurements,
  offset,
  pageSize,
  selected,
  onSelect,
  onOffsetChange,
}: MeasurementsTableProps) {
  return (
    <Card className="pb-3">
      <CardHeader title="Measured changes" subtitle="Select a row for its before/after bill">
        <span className={text.muted} data-testid="measurements-count">
          {measurements.count} {measurements.count === 1 ? "measurement" : "measurements"}
        </span>
        <CsvButton
          name="savings-measurements"
          columns={MEASUREMENTS_CSV}
          rows={measurements.data}
          label="Download page as CSV"
        />
      </CardHeader>
      {measurements.data.length === 0 ? (
        <Empty>
          No measurements here. The savings job (`finops run savings`, the savings_tracker DAG)
          measures every executed action once the bill after it arrives.
        </Empty>
      ) : (
        <DataTable data-testid="measurements-table">
          <TableHead columns={COLUMNS} />
          <tbody>
            {measurements.data.map((m) => (
              <MeasurementRow key={m.id} m={m} active={m.id === selected} onSelect={onSelect} />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={measurements.data.length}
        count={measurements.count}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}
