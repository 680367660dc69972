import type { SourcePublic } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { DataTable } from "../../components/DataTable";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { count, formatAmount, formatTimestamp, periodSpan, plural, SOURCE_CSV } from "./sources";
import { cx, rowTone, text } from "../../components/styles";

const SHOWN_ACCOUNTS = 3;

function QualityBadge({ findings }: { findings: number }) {
  return findings === 0 ? (
    <Badge tone="success">clean</Badge>
  ) : (
    <Badge tone="warning">{plural(findings, "finding", "findings")}</Badge>
  );
}

function SourceRow({
  source,
  selected,
  onSelect,
}: {
  source: SourcePublic;
  selected: boolean;
  onSelect: () => void;
}) {
  const accounts = source.billing_account_ids;
  const hidden = accounts.length - SHOWN_ACCOUNTS;
  return (
    <tr
      data-testid="source-row"
      data-source-id={source.source_id}
      data-rows={source.rows}
      className={selected ? rowTone.selected : undefined}
    >
      <td className="min-w-40">
        <LinkButton
          className={text.main}
          aria-pressed={selected}
          title={selected ? "Show every source" : "Show only this source"}
          onClick={onSelect}
        >
          {source.source_id}
        </LinkButton>
        {source.export_name !== null && (
          <div className={text.sub}>export {source.export_name}</div>
        )}
      </td>
      <td>{source.source_format}</td>
      <td>{source.provider_names.join(", ") || "—"}</td>
      <td title={accounts.join("\n")}>
        {accounts.slice(0, SHOWN_ACCOUNTS).map((account) => (
          <div key={account} className={cx(text.main, text.mono)}>
            {account}
          </div>
        ))}
        {hidden > 0 && <div className={text.sub}>+{hidden} more</div>}
        {accounts.length === 0 && "—"}
      </td>
      <td className="max-w-80 min-w-50">
        {source.location === null ? (
          <span className={text.sub}>loaded before source identities</span>
        ) : (
          <span className={cx(text.main, text.mono)}>{source.location}</span>
        )}
      </td>
      <td className="whitespace-nowrap">{periodSpan(source.billing_periods)}</td>
      <td className={text.num}>{count(source.rows)}</td>
      <td className={text.num}>
        {source.billed_cost.length === 0
          ? "—"
          : source.billed_cost.map((cost) => (
              <div key={cost.currency}>{formatAmount(cost.amount, cost.currency)}</div>
            ))}
      </td>
      <td className="whitespace-nowrap">{formatTimestamp(source.last_loaded_at)}</td>
      <td>
        <QualityBadge findings={source.quality_findings} />
      </td>
    </tr>
  );
}

export function SourcesTable({
  sources,
  selected,
  onSelect,
}: {
  sources: SourcePublic[];
  selected: string | null;
  onSelect: (sourceId: string | null) => void;
}) {
  return (
    <Card className="pb-3">
      <CardHeader
        title="Sources"
        subtitle="Each billing export, identified by what it is; rows and cost now in the warehouse"
      >
        <CsvButton name="billing-sources" columns={SOURCE_CSV} rows={sources} />
      </CardHeader>
      {sources.length === 0 ? (
        <Empty>
          No billing sources yet. Load an export with <code>finops ingest billing SOURCE</code>.
        </Empty>
      ) : (
        <DataTable data-testid="sources-table">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Format</th>
              <th scope="col">Providers</th>
              <th scope="col">Billing accounts</th>
              <th scope="col">Location</th>
              <th scope="col">Billing periods</th>
              <th scope="col" className={text.num}>
                Rows
              </th>
              <th scope="col" className={text.num}>
                Billed cost
              </th>
              <th scope="col">Last loaded</th>
              <th scope="col">Data quality</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((source) => (
              <SourceRow
                key={source.source_id}
                source={source}
                selected={source.source_id === selected}
                onSelect={() => {
                  onSelect(source.source_id === selected ? null : source.source_id);
                }}
              />
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}

