import type { components, paths } from "../../api/schema";
import type { CsvColumn } from "../../lib/csv";

/** The audit API's shapes, from the generated schema (`/audit`, `/audit/verify`). */
export type AuditEntry = components["schemas"]["AuditEntryPublic"];
export type AuditEntries = components["schemas"]["AuditEntriesPublic"];
export type AuditChain = components["schemas"]["AuditChainPublic"];
export type AuditQuery = NonNullable<paths["/api/v1/audit"]["get"]["parameters"]["query"]>;

/** A moment as the page's since/until fields hold it: `YYYY-MM-DDTHH:MM`, read as UTC. */
export const UTC_MINUTE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/;

/** "2026-11-02T10:00" (a field's value, UTC) → "2026-11-02T10:00:00Z" (what the API takes). */
export function apiInstant(utcMinute: string | undefined): string | null {
  return utcMinute === undefined ? null : `${utcMinute}:00Z`;
}

/** An audit row's time to the second, in UTC as the CLI prints it: "2026-11-01 10:00:00 UTC". */
export function formatAuditTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    return iso;
  }
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The run or request an entry belongs to (a request's id is also its run id). */
export function runOrRequest(entry: AuditEntry): string | null {
  return entry.request_id ?? entry.run_id;
}

/** Details on one line, for the collapsed row. */
export function detailsSummary(details: unknown, max = 80): string {
  const line = JSON.stringify(details);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

export const AUDIT_CSV: readonly CsvColumn<AuditEntry>[] = [
  { header: "chain_seq", value: (e) => e.chain_seq },
  { header: "id", value: (e) => e.id },
  { header: "occurred_at", value: (e) => e.occurred_at },
  { header: "actor", value: (e) => e.actor },
  { header: "action", value: (e) => e.action },
  { header: "subject", value: (e) => e.subject },
  { header: "run_id", value: (e) => e.run_id },
  { header: "request_id", value: (e) => e.request_id },
  { header: "details", value: (e) => JSON.stringify(e.details) },
];
