import { CsvButton } from "../../components/CsvButton";
import { DataTable, TableHead } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { cx, rowTone, text } from "../../components/styles";
import { Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import {
  AUDIT_CSV,
  type AuditEntries,
  type AuditEntry,
  detailsSummary,
  formatAuditTime,
  plural,
  runOrRequest,
} from "./audit";

const COLUMNS = [
  { label: "Seq", num: true },
  "Time",
  "Actor",
  "Action",
  "Subject",
  "Run / request",
  "Details",
];

function AuditRow({
  entry,
  open,
  broken,
  onToggle,
}: {
  entry: AuditEntry;
  open: boolean;
  broken: boolean;
  onToggle: (id: number) => void;
}) {
  const run = runOrRequest(entry);
  return (
    <tr
      data-testid="audit-row"
      data-id={entry.id}
      data-seq={entry.chain_seq}
      data-broken={broken || undefined}
      className={cx(broken && rowTone.warning, open && rowTone.selected)}
      title={broken ? "The chain check names this row" : undefined}
    >
      <td className={text.num}>{entry.chain_seq}</td>
      <td className="whitespace-nowrap">{formatAuditTime(entry.occurred_at)}</td>
      <td className={cx(text.mono, "whitespace-nowrap")} data-testid="audit-actor">
        {entry.actor}
      </td>
      <td className={cx(text.mono, "whitespace-nowrap")} data-testid="audit-action">
        {entry.action}
      </td>
      <td className={text.main} data-testid="audit-subject">
        {entry.subject}
      </td>
      <td className={cx(text.main, text.mono)}>{run ?? "—"}</td>
      <td className="min-w-60">
        <LinkButton
          aria-expanded={open}
          data-testid="audit-details-toggle"
          onClick={() => {
            onToggle(entry.id);
          }}
        >
          {open ? "Hide details" : "Show details"}
        </LinkButton>
        {open ? (
          <pre
            data-testid="audit-details"
            className="mt-1 max-w-xl overflow-x-auto rounded bg-slate-50 p-2 text-xs"
          >
            {JSON.stringify(entry.details, null, 2)}
          </pre>
        ) : (
          <div className={cx(text.sub, text.mono, "[overflow-wrap:anywhere]")}>
            {detailsSummary(entry.details)}
          </div>
        )}
      </td>
    </tr>
  );
}

interface AuditTableProps {
  entries: AuditEntries;
  offset: number;
  pageSize: number;
  openEntry: number | null;
  /** the row the chain check names (highlighted), if it is on this page */
  brokenId: number | null;
  onToggle: (id: number) => void;
  onOffsetChange: (offset: number) => void;
}

export function AuditTable({
  entries,
  offset,
  pageSize,
  openEntry,
  brokenId,
  onToggle,
  onOffsetChange,
}: AuditTableProps) {
  return (
    <Card className="pb-3">
      <CardHeader title="Audit trail" subtitle="Newest first, in chain order">
        <div className="flex items-center gap-3">
          <span className={text.muted} data-testid="audit-total">
            {plural(entries.total, "entry", "entries")}
          </span>
          <CsvButton
            name="audit-trail"
            columns={AUDIT_CSV}
            rows={entries.items}
            label="Download page as CSV"
          />
        </div>
      </CardHeader>
      {entries.items.length === 0 ? (
        <Empty>No audit entries match these filters.</Empty>
      ) : (
        <DataTable data-testid="audit-table">
          <TableHead columns={COLUMNS} />
          <tbody>
            {entries.items.map((entry) => (
              <AuditRow
                key={entry.id}
                entry={entry}
                open={entry.id === openEntry}
                broken={entry.id === brokenId}
                onToggle={onToggle}
              />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={entries.items.length}
        count={entries.total}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}
