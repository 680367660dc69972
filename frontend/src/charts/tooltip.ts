/**
 * The HTML of the charts' tooltips (ECharts inserts it as HTML), styled with the same Tailwind
 * utilities as the rest of the dashboard. Everything from data is escaped.
 */

// ECharts measures text on a canvas, so it needs a concrete font, not "inherit"; keep this in
// step with the font stack in index.css (--font-sans).
export const CHART_FONT_FAMILY =
  'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif';

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Series keys come from billing data (service names, tags): never trust them as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

export interface TooltipRow {
  key: string;
  value: string;
  /** a colour swatch before the key (a CSS colour from the chart's palette, never from data) */
  color?: string;
}

const ROW = "flex items-center gap-2 leading-[1.7]";
const TOTAL = "mt-1 border-t border-slate-200 pt-1 font-semibold";

function rowHtml({ key, value, color }: TooltipRow, extra = ""): string {
  const swatch =
    color === undefined
      ? ""
      : `<span class="size-2 rounded-xs" style="background:${escapeHtml(color)}"></span>`;
  return (
    `<div class="${ROW}${extra}">${swatch}<span class="flex-1">${escapeHtml(key)}</span>` +
    `<span class="tabular-nums" data-tooltip-value>${escapeHtml(value)}</span></div>`
  );
}

/** A day's tooltip: its title, one row per value, then an optional total row or a flag line. */
export function tooltipHtml({
  title,
  rows,
  total,
  flag,
}: {
  title: string;
  rows: readonly TooltipRow[];
  total?: TooltipRow;
  flag?: string;
}): string {
  const totalRow = total === undefined ? "" : rowHtml(total, ` ${TOTAL}`);
  const flagRow = flag === undefined ? "" : `<div class="${ROW} ${TOTAL}">${escapeHtml(flag)}</div>`;
  return (
    `<div class="min-w-[220px] text-xs"><div class="mb-1.5 font-semibold">${escapeHtml(title)}</div>` +
    `${rows.map((row) => rowHtml(row)).join("")}${totalRow}${flagRow}</div>`
  );
}
