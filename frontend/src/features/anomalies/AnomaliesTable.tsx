import type { AnomaliesPublic } from "../../api/client";
import { DataTable } from "../../components/DataTable";
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
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Scope</th>
                <th scope="col">Kind</th>
                <th scope="col">Days</th>
                <th scope="col" className={text.num}>
                  Actual
                </th>
                <th scope="col" className={text.num}>
                  Expected
                </th>
                <th scope="col" className={text.num}>
                  Impact
                </th>
                <th scope="col">Top cause</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {anomalies.data.map((anomaly) => {
                const active = anomaly.fingerprint === selected;
                return (
                  <tr
                    key={anomaly.fingerprint}
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
              })}
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

