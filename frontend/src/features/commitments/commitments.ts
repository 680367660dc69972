import { sumMoney } from "../../lib/money";
import type { CoveragePublic } from "./types";

/** One period's coverage across services: covered ÷ eligible on-demand equivalent. */
export interface PeriodCoverage {
  period: string;
  currency: string;
  eligible: string;
  covered: string;
  onDemand: string;
  /** percent, or null when nothing was eligible */
  pct: number | null;
}

/** The coverage rows (period × service) added up per period, oldest first; the sums exact. */
export function coverageByPeriod(rows: readonly CoveragePublic[]): PeriodCoverage[] {
  const periods = new Map<string, CoveragePublic[]>();
  for (const row of rows) {
    periods.set(row.period, [...(periods.get(row.period) ?? []), row]);
  }
  return [...periods]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, group]) => {
      const eligible = sumMoney(group.map((r) => r.eligible_list_cost));
      const covered = sumMoney(group.map((r) => r.covered_list_cost));
      return {
        period,
        currency: group[0]?.currency ?? "USD",
        eligible,
        covered,
        onDemand: sumMoney(group.map((r) => r.on_demand_cost)),
        pct: Number(eligible) === 0 ? null : (Number(covered) / Number(eligible)) * 100,
      };
    });
}

/** "37.25" → "37.3%"; null → "n/a". */
export function formatPct(value: string | number | null): string {
  return value === null ? "n/a" : `${Number(value).toFixed(1)}%`;
}
