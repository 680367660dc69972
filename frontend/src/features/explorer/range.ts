/** The Explorer's date range presets, counted back from the last day with data (not today:
 * a bill arrives days late, and the demo estate is older). */

export interface DateRange {
  start: string;
  end: string;
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parse(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

/** The first day of the month `back` months before the month of `isoDate`. */
function monthStart(isoDate: string, back: number): string {
  const day = parse(isoDate);
  return iso(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() - back, 1)));
}

function daysBefore(isoDate: string, days: number): string {
  const day = parse(isoDate);
  day.setUTCDate(day.getUTCDate() - days);
  return iso(day);
}

export const PRESETS = [
  { value: "30d", label: "Last 30 days", range: (end: string) => ({ start: daysBefore(end, 29), end }) },
  { value: "mtd", label: "Month to date", range: (end: string) => ({ start: monthStart(end, 0), end }) },
  { value: "3m", label: "Last 3 months", range: (end: string) => ({ start: monthStart(end, 2), end }) },
  { value: "6m", label: "Last 6 months", range: (end: string) => ({ start: monthStart(end, 5), end }) },
  { value: "12m", label: "Last 12 months", range: (end: string) => ({ start: monthStart(end, 11), end }) },
  {
    value: "ytd",
    label: "Year to date",
    range: (end: string) => ({ start: `${end.slice(0, 4)}-01-01`, end }),
  },
] as const satisfies readonly { value: string; label: string; range: (end: string) => DateRange }[];

/** The preset whose range is exactly `range` (counted back from `dataEnd`), or `undefined`. */
export function matchingPreset(range: DateRange, dataEnd: string): string | undefined {
  return PRESETS.find((preset) => {
    const candidate = preset.range(dataEnd);
    return candidate.start === range.start && candidate.end === range.end;
  })?.value;
}

export function presetRange(value: string, dataEnd: string): DateRange | undefined {
  return PRESETS.find((preset) => preset.value === value)?.range(dataEnd);
}
