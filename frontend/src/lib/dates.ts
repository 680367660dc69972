const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** "2025-03-07" → "Mar 7"; the string is read as a calendar date, never shifted by time zone. */
export function formatDayLabel(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  const month = match === null ? undefined : MONTHS[Number(match[2]) - 1];
  if (match === null || month === undefined) {
    return isoDate;
  }
  return `${month} ${Number(match[3])}`;
}

/** "2025-03-07" → "Mar 7, 2025". */
export function formatLongDate(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  if (match === null) {
    return isoDate;
  }
  return `${formatDayLabel(isoDate)}, ${match[1] ?? ""}`;
}

/** "2025-03" → "Mar 2025". */
export function formatBillingPeriod(period: string): string {
  const match = ISO_MONTH.exec(period);
  const month = match === null ? undefined : MONTHS[Number(match[2]) - 1];
  if (match === null || month === undefined) {
    return period;
  }
  return `${month} ${match[1] ?? ""}`;
}

/** The billing period before the month of `isoDate`: "2025-01-15" → "2024-12". */
export function previousBillingPeriod(isoDate: string): string | null {
  const match = ISO_DATE.exec(isoDate);
  if (match === null) {
    return null;
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

/** A breakdown's periods: a row per day or per month (its first day). */
export const GRANULARITIES = [
  { value: "monthly", label: "Monthly" },
  { value: "daily", label: "Daily" },
] as const;

export type Granularity = (typeof GRANULARITIES)[number]["value"];

/** A period's first day as a label: "2026-01-01" → "Jan 2026" by month, "Jan 1" by day. */
export function formatPeriod(period: string, granularity: Granularity): string {
  return granularity === "monthly" ? formatBillingPeriod(period.slice(0, 7)) : formatDayLabel(period);
}
