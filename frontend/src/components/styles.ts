/** Tailwind class lists shared by the components (one place for each recurring look). */

/** Text styles used inside table cells and cards. */
export const text = {
  sub: "mt-0.5 text-xs text-slate-500",
  main: "[overflow-wrap:anywhere]",
  mono: "font-mono text-xs",
  num: "text-right whitespace-nowrap tabular-nums",
  strong: "font-semibold",
  muted: "text-xs text-slate-500",
} as const;

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(" ");
}

/** The look of every data table: header, cell padding, row lines, hover and footer. */
export const TABLE = [
  "w-full border-collapse text-[13px]",
  "[&_th]:px-3 [&_th]:py-2 [&_th]:text-xs [&_th]:font-semibold [&_th]:whitespace-nowrap [&_th]:text-slate-500",
  "[&_thead_th]:border-b [&_thead_th]:border-slate-200",
  "[&_td]:border-b [&_td]:border-slate-100 [&_td]:px-3 [&_td]:py-2.5 [&_td]:align-top",
  "[&>tbody>tr:hover]:bg-slate-50",
  "[&_tfoot_:is(th,td)]:border-t [&_tfoot_:is(th,td)]:border-b-0 [&_tfoot_:is(th,td)]:border-slate-200",
  "[&_tfoot_:is(th,td)]:font-semibold [&_tfoot_:is(th,td)]:text-slate-900",
].join(" ");

/** Row backgrounds: a row that needs attention, and the selected row. */
export const rowTone = {
  warning: "[&>td]:bg-amber-50",
  selected: "[&>td]:bg-blue-50",
} as const;

export const fieldLabel = "text-xs font-medium text-slate-500";
