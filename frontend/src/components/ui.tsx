import type { ComponentProps, ReactNode } from "react";

import { cx, fieldLabel, text } from "./styles";

/** Small building blocks with the dashboard's look (Tailwind utilities), shared by the pages. */

/** The product's mark and name (the header's, and the login page's). */
export function Brand() {
  return (
    <div className="flex items-center gap-2.5">
      <span
        className="size-[22px] rounded-md bg-linear-135 from-sky-400 via-blue-600 via-55% to-violet-600"
        aria-hidden="true"
      />
      <h1 className="text-[17px] font-semibold tracking-[0.01em]">FinOps Platform</h1>
    </div>
  );
}

export type Tone = "success" | "warning" | "danger" | "info" | "neutral";

const BADGE_TONES: Record<Tone, string> = {
  success: "bg-green-100 text-green-700",
  warning: "bg-amber-100 text-amber-700",
  danger: "bg-red-100 text-red-700",
  info: "bg-blue-100 text-blue-700",
  neutral: "bg-slate-100 text-slate-600",
};

/** A status pill; `data-tone` names its meaning (what tests and people read from the colour). */
export function Badge({
  tone,
  children,
  className,
  ...rest
}: { tone: Tone } & ComponentProps<"span">) {
  return (
    <span
      data-tone={tone}
      className={cx(
        "inline-block rounded-full px-2 py-px text-xs font-medium whitespace-nowrap capitalize",
        BADGE_TONES[tone],
        className,
      )}
      {...rest}
    >
      {children}
    </span>
  );
}

const CARD = "min-w-0 rounded-card border border-slate-200 bg-white px-5 py-[18px] shadow-card";

export function Card({ className, ...rest }: ComponentProps<"article">) {
  return <article className={cx(CARD, className)} {...rest} />;
}

export function CardSection({ className, ...rest }: ComponentProps<"section">) {
  return <section className={cx(CARD, className)} {...rest} />;
}

/** A card's title row: title and subtitle on the left, `children` (actions) on the right. */
export function CardHeader({
  title,
  titleId,
  subtitle,
  children,
}: {
  title: ReactNode;
  titleId?: string;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="mb-3 flex items-start justify-between gap-4">
      <div>
        <h2 className="text-[15px] font-semibold" id={titleId}>
          {title}
        </h2>
        {subtitle !== undefined && <span className={text.muted}>{subtitle}</span>}
      </div>
      {children}
    </header>
  );
}

export function Empty({ className, ...rest }: ComponentProps<"p">) {
  return <p className={cx("py-8 text-center text-slate-500", className)} {...rest} />;
}

/** The row above a page's content: its filters on the left, a headline on the right. */
export function Toolbar({ children }: { children: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-x-6 gap-y-3">{children}</div>
  );
}

export function FilterBar({ children }: { children: ReactNode }) {
  return (
    <section className="flex flex-wrap gap-x-4 gap-y-3" aria-label="Filters">
      {children}
    </section>
  );
}


/** A label around a control, its name above it (or beside it, `inline`). */
export function Field({
  label,
  inline = false,
  grow = false,
  children,
}: {
  label: string;
  inline?: boolean;
  grow?: boolean;
  children: ReactNode;
}) {
  return (
    <label
      className={cx(
        "flex",
        inline ? "flex-row items-center gap-2" : "flex-col gap-1",
        grow && "flex-[1_1_280px]",
      )}
    >
      <span className={fieldLabel}>{label}</span>
      {children}
    </label>
  );
}

// each variant sets its own background: two background utilities on one element would be
// decided by the stylesheet's order, not the class list's (white won over blue)
const BUTTON_VARIANTS = {
  danger: "border-red-300 bg-white text-red-800",
  plain: "border-slate-300 bg-white text-slate-900",
  primary: "border-blue-600 bg-blue-600 text-white",
} as const;

export function Button({
  variant = "plain",
  className,
  type = "button",
  ...rest
}: { variant?: keyof typeof BUTTON_VARIANTS } & ComponentProps<"button">) {
  return (
    <button
      type={type}
      className={cx(
        "cursor-pointer rounded-lg border px-3.5 py-1.5 font-medium disabled:cursor-default disabled:opacity-45",
        BUTTON_VARIANTS[variant],
        className,
      )}
      {...rest}
    />
  );
}

/** A button that looks like a link (a row's name that selects it). */
export function LinkButton({ className, type = "button", ...rest }: ComponentProps<"button">) {
  return (
    <button
      type={type}
      className={cx(
        "cursor-pointer border-none bg-transparent p-0 text-left font-medium text-blue-600",
        className,
      )}
      {...rest}
    />
  );
}

/** A grid of KPI cards: four across, two on narrow screens, one on phones. */
export function KpiGrid({ label, children }: { label: string; children: ReactNode }) {
  return (
    <section
      className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4"
      aria-label={label}
    >
      {children}
    </section>
  );
}

export type Trend = "up" | "down" | "flat";

const TREND_COLORS: Record<Trend, string> = {
  up: "text-red-600",
  down: "text-green-600",
  flat: "",
};

/** One figure in a card: label, value (`data-testid={testId}`), caption; `trend` colours it. */
export function KpiCard({
  label,
  value,
  testId,
  caption,
  captionTestId,
  trend,
}: {
  label: string;
  value: ReactNode;
  testId?: string;
  caption: ReactNode;
  captionTestId?: string;
  trend?: Trend;
}) {
  return (
    <Card>
      <h2 className="text-[13px] font-medium text-slate-500">{label}</h2>
      <p
        className={cx(
          "mt-1.5 truncate text-[28px] font-[650] tracking-tight tabular-nums",
          trend !== undefined && TREND_COLORS[trend],
        )}
        data-testid={testId}
        data-trend={trend}
      >
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-500" data-testid={captionTestId}>
        {caption}
      </p>
    </Card>
  );
}

/** A share of a whole as a thin bar with its percentage; `marker` adds a second position. */
export function ShareBar({
  percent,
  label,
  fillClass = "bg-blue-600",
  marker,
}: {
  percent: number;
  label: string;
  fillClass?: string;
  marker?: number;
}) {
  const clamp = (value: number) => Math.min(100, Math.max(0, value));
  return (
    <div className="mt-1 flex items-center gap-2.5">
      <div className="relative h-1.5 flex-1 overflow-hidden rounded-[3px] bg-slate-200" aria-hidden="true">
        <div className={cx("h-full rounded-[3px]", fillClass)} style={{ width: `${String(clamp(percent))}%` }} />
        {marker !== undefined && (
          <div
            className="absolute inset-y-0 -ml-px w-0.5 bg-slate-900"
            style={{ left: `${String(clamp(marker))}%` }}
          />
        )}
      </div>
      <span className="w-12 text-right text-xs text-slate-500 tabular-nums">{label}</span>
    </div>
  );
}

/** A headline figure on the right of the toolbar. */
export function Headline({
  label,
  value,
  unit,
  plain = false,
  testId,
  children,
}: {
  label: string;
  value: ReactNode;
  unit?: string;
  plain?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-end gap-0.5" data-testid={testId}>
      <span className="text-xs font-medium text-slate-500">{label}</span>
      <span
        className={cx(
          "text-[26px] font-[650] tabular-nums",
          plain ? "text-slate-900" : "text-green-600",
        )}
      >
        {value}
        {unit !== undefined && (
          <span className="text-sm font-medium text-slate-500"> {unit}</span>
        )}
      </span>
      {children}
    </div>
  );
}

/** A labelled figure in a detail panel (`data-testid={testId}` on the value). */
export function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex flex-col gap-1">
      <span className="text-[13px] font-medium text-slate-500">{label}</span>
      <span className="text-lg font-[650] tabular-nums" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
