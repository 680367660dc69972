/** A small line of values (oldest first) without axes: a trend at a glance in a table cell.
 * `max` fixes the top of the scale (100 for a percentage), else the largest value is the top. */
export function Sparkline({
  values,
  label,
  max,
  width = 96,
  height = 24,
  testId,
}: {
  values: readonly number[];
  label: string;
  max?: number;
  width?: number;
  height?: number;
  testId?: string;
}) {
  if (values.length === 0) {
    return <span className="text-xs text-slate-400" data-testid={testId}>no data</span>;
  }
  const top = max ?? Math.max(...values, 0);
  const scale = top > 0 ? top : 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((value, index) => {
      const y = height - 1 - (Math.min(value, scale) / scale) * (height - 2);
      return `${(index * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${String(width)} ${String(height)}`}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={values.length}
    >
      <polyline points={points} fill="none" stroke="#2563eb" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
