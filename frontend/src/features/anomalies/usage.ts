import type { UsageIncidentDetailPublic } from "../../api/client";

const PATTERN_LABELS: Record<string, string> = {
  pinned: "Pinned",
  surge: "Surge",
  collapse: "Collapse",
  drop: "Drop",
};

/** How a usage incident moved: "Pinned" (a percent metric held near 100), "Surge", "Collapse"
 * (to a tenth of normal or less) or "Drop". */
export function patternLabel(pattern: string): string {
  return PATTERN_LABELS[pattern] ?? pattern;
}

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** "2026-09-28 09:00 – 2026-09-29 15:00 UTC (30 h)": the incident's start and exclusive end. */
export function usageWindow(startedAt: string, endedAt: string): string {
  const hours = (Date.parse(endedAt) - Date.parse(startedAt)) / 3_600_000;
  const duration = hours >= 1 ? `${String(Math.round(hours * 10) / 10)} h` : `${String(Math.round(hours * 60))} min`;
  return `${utc(startedAt)} – ${utc(endedAt)} UTC (${duration})`;
}

/** A metric value with its unit: percentages to one decimal, large counts and bytes compact. */
export function metricValue(value: number, unit: string | null): string {
  if (unit === "Percent") return `${value.toFixed(1)}%`;
  const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value);
  return unit === null || unit === "Count" || unit === "None" ? compact : `${compact} ${unit}`;
}

/** The sparkline's values and how many of its hours fall inside the incident. */
export function sparkValues(incident: UsageIncidentDetailPublic): { values: number[]; inside: number } {
  const start = Date.parse(incident.started_at);
  const end = Date.parse(incident.ended_at);
  const inside = incident.series.filter((p) => {
    const t = Date.parse(p.ts);
    return t >= start && t < end;
  }).length;
  return { values: incident.series.map((p) => p.value), inside };
}
