import type {
  LoadPublic,
  LoadStatus,
  QualityFindingPublic,
  QualitySeverity,
  SourcePublic,
} from "../../api/client";
import type { CsvColumn } from "../../lib/csv";
import { formatBillingPeriod } from "../../lib/dates";
import { formatMoney } from "../../lib/money";

export const LOAD_STATUSES = [
  "succeeded",
  "failed",
  "running",
  "skipped",
] as const satisfies readonly LoadStatus[];

export function isLoadStatus(value: string): value is LoadStatus {
  return (LOAD_STATUSES as readonly string[]).includes(value);
}

export const QUALITY_SEVERITIES = [
  "error",
  "warning",
] as const satisfies readonly QualitySeverity[];

export function isQualitySeverity(value: string): value is QualitySeverity {
  return (QUALITY_SEVERITIES as readonly string[]).includes(value);
}

const ISO_CURRENCY = /^[A-Z]{3}$/;

/** Money in its currency ("$1,234.57"); a currency code Intl does not know is written after. */
export function formatAmount(value: string, currency: string | null): string {
  if (currency !== null && ISO_CURRENCY.test(currency)) {
    return formatMoney(value, currency);
  }
  return currency === null ? value : `${value} ${currency}`;
}

/** "2026-12-03T04:35:38.1+00:00" → "2026-12-03 04:35 UTC" (the log's times are UTC). */
export function formatTimestamp(iso: string | null): string {
  if (iso === null) {
    return "—";
  }
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    return iso;
  }
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** ["2024-09", "2024-10"] → "Sep 2024 – Oct 2024 (2)"; one period is named alone. */
export function periodSpan(periods: readonly string[]): string {
  const first = periods.at(0);
  const last = periods.at(-1);
  if (first === undefined || last === undefined) {
    return "—";
  }
  if (periods.length === 1) {
    return formatBillingPeriod(first);
  }
  return `${formatBillingPeriod(first)} – ${formatBillingPeriod(last)} (${periods.length})`;
}

/** The columns of a finding's example rows, in the order the rows name them. */
export function exampleColumns(examples: readonly Record<string, string | null>[]): string[] {
  const names = new Set<string>();
  for (const example of examples) {
    for (const name of Object.keys(example)) {
      names.add(name);
    }
  }
  return [...names];
}

export const SOURCE_CSV: readonly CsvColumn<SourcePublic>[] = [
  { header: "source_id", value: (s) => s.source_id },
  { header: "source_format", value: (s) => s.source_format },
  { header: "provider_names", value: (s) => s.provider_names.join(";") },
  { header: "billing_account_ids", value: (s) => s.billing_account_ids.join(";") },
  { header: "export_name", value: (s) => s.export_name },
  { header: "location", value: (s) => s.location },
  { header: "billing_periods", value: (s) => s.billing_periods.join(";") },
  { header: "rows", value: (s) => s.rows },
  {
    header: "billed_cost",
    value: (s) => s.billed_cost.map((c) => `${c.amount} ${c.currency}`).join(";"),
  },
  { header: "last_loaded_at", value: (s) => s.last_loaded_at },
  { header: "quality_findings", value: (s) => s.quality_findings },
];

export const LOAD_CSV: readonly CsvColumn<LoadPublic>[] = [
  { header: "id", value: (l) => l.id },
  { header: "run_id", value: (l) => l.run_id },
  { header: "source_id", value: (l) => l.source_id },
  { header: "source_format", value: (l) => l.source_format },
  { header: "billing_period", value: (l) => l.billing_period },
  { header: "status", value: (l) => l.status },
  { header: "raw_line_items", value: (l) => l.raw_line_items },
  { header: "rows_loaded", value: (l) => l.rows_loaded },
  { header: "billing_currency", value: (l) => l.billing_currency },
  { header: "billed_cost", value: (l) => l.billed_cost },
  { header: "effective_cost", value: (l) => l.effective_cost },
  { header: "list_cost", value: (l) => l.list_cost },
  { header: "started_at", value: (l) => l.started_at },
  { header: "finished_at", value: (l) => l.finished_at },
  { header: "quality_findings", value: (l) => l.quality_findings },
  { header: "error", value: (l) => l.error },
];

export const FINDING_CSV: readonly CsvColumn<QualityFindingPublic>[] = [
  { header: "source_id", value: (f) => f.source_id },
  { header: "billing_period", value: (f) => f.billing_period },
  { header: "severity", value: (f) => f.severity },
  { header: "rule_id", value: (f) => f.rule_id },
  { header: "column_name", value: (f) => f.column_name },
  { header: "line_items", value: (f) => f.line_items },
  { header: "message", value: (f) => f.message },
  { header: "examples", value: (f) => JSON.stringify(f.examples) },
  { header: "run_id", value: (f) => f.run_id },
  { header: "loaded_at", value: (f) => f.loaded_at },
];

/** A count with thousands separators, "—" when unknown. */
export function count(value: number | null): string {
  return value === null ? "—" : value.toLocaleString("en-US");
}

/** "1 finding", "1,234 findings". */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
