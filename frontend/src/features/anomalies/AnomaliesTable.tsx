import type { AnomaliesPublic, AnomalyPublic } from "../../api/client";
import { DataTable, TableHead } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { cx, rowTone, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import { scopeLabel } from "../../lib/scopes";
import {
  anomalyKindLabel,
  dayRange,
  dimensionLabel,
  formatShareOfDeviation,
  impactText,
  scopeKindLabel,
  SEVERITY_TONES,
  STATUS_TONES,
  statusLabel,
} from "./anomalies";

const COLUMNS = [
  "Severity",
  "Scope",
  "Kind",
  "Days",
  { label: "Actual", num: true },
  { label: "Expected", num: true },
  { label: "Impact", num: true },
  "Top cause",
  "Status",
];

function AnomalyRow({
  anomaly,
  currency,
  active,
  onSelect,
}: {
  anomaly: AnomalyPublic;
  currency: string;
  active: boolean;
  onSelect: (fingerprint: string) => void;
}) {
  return (
    <tr
      data-testid="anomaly-row"
      data-fingerprint={anomaly.fingerprint}
      className={cx("cursor-pointer", active && rowTone.selected)}
      aria-selected={active}
      onClick={() => {
        onSelect(anomaly.fingerprint);
      }}
    >
      <td>
        <Badge tone={SEVERITY_TONES[anomaly.severity]}>{anomaly.severity}</Badge>
      </td>
      <td>
        <LinkButton
          className={text.main}
          onClick={(event) => {
            event.stopPropagation();
            onSelect(anomaly.fingerprint);
          }}
        >
          {scopeLabel(anomaly.scope)}
        </LinkButton>
        <div className={text.sub}>{scopeKindLabel(anomaly.scope_kind)}</div>
      </td>
      <td>{anomalyKindLabel(anomaly.kind)}</td>
      <td className="whitespace-nowrap">{dayRange(anomaly.first_day, anomaly.last_day)}</td>
      <td className={text.num}>{formatMoney(anomaly.actual, currency)}</td>
      <td className={text.num}>{formatMoney(anomaly.expected, currency)}</td>
      <td className={cx(text.num, text.strong)}>{impactText(anomaly, currency)}</td>
      <td>
        {anomaly.top_cause === null ? (
          "—"
        ) : (
          <>
            <div className={cx(text.main, text.mono)}>{anomaly.top_cause.value}</div>
            <div className={text.sub}>
              {dimensionLabel(anomaly.top_cause.dimension)} ·{" "}
              {formatShareOfDeviation(anomaly.top_cause.share)}
            </div>
          </>
        )}
      </td>
      <td>
        <Badge tone={STATUS_TONES[anomaly.status]}>{statusLabel(anomaly.status)}</Badge>
      </td>
    </tr>
  );
}

interface AnomaliesTableProps {
  anomalies: AnomaliesPublic;
  offset: number;
  pageSize: number;
  selected: string | null;
  onSelect: (fingerprint: string) => void;
  onOffsetChange: (offset: number) => void;
}

export function AnomaliesTable({
  anomalies,
  offset,
  pageSize,
  selected,
  onSelect,
  onOffsetChange,
}: AnomaliesTableProps) {
  const { currency } = anomalies;
  return (
    <Card className="pb-3">
      <CardHeader title="Anomalies" subtitle="Select a row for its root cause and actions">
        <span className={text.muted} data-testid="anomalies-total">
          {anomalies.count} {anomalies.count === 1 ? "incident" : "incidents"}
        </span>
      </CardHeader>
      {anomalies.data.length === 0 ? (
        <Empty>
          No incidents match these filters. The anomaly job (finops run anomalies) finds them.
        </Empty>
      ) : (
        <DataTable data-testid="anomalies-table">
          <TableHead columns={COLUMNS} />
            <tbody>
              {anomalies.data.map((anomaly) => (
                <AnomalyRow
                  key={anomaly.fingerprint}
                  anomaly={anomaly}
                  currency={currency}
                  active={anomaly.fingerprint === selected}
                  onSelect={onSelect}
                />
              ))}
            </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={anomalies.data.length}
        count={anomalies.count}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}

