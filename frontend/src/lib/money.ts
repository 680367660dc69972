/**
 * Money arrives from the API as a decimal string (e.g. "12345.6789012345") so that no precision is
 * lost in JSON. Display rounding happens on the string with integer arithmetic; `Number` is only
 * used where a float is good enough (chart geometry, compact axis labels).
 */

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal value as an integer count of 10^-scale units. */
interface ScaledDecimal {
  readonly units: bigint;
  readonly scale: number;
}

function parseDecimal(value: string): ScaledDecimal {
  const match = DECIMAL_PATTERN.exec(value.trim());
  const integerDigits = match?.[2] ?? "";
  const fractionDigits = match?.[3] ?? "";
  if (match === null || integerDigits + fractionDigits === "") {
    throw new RangeError(`Not a decimal money value: ${JSON.stringify(value)}`);
  }
  const sign = match[1] === "-" ? -1n : 1n;
  const exponent = Number(match[4] ?? "0");
  const digits = BigInt(integerDigits + fractionDigits);
  const scale = fractionDigits.length - exponent;
  if (scale >= 0) {
    return { units: sign * digits, scale };
  }
  return { units: sign * digits * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * Rounds a decimal string to cents, half away from zero (Python's ROUND_HALF_UP), and returns a
 * plain decimal string with exactly two fraction digits: "12345.675" → "12345.68".
 */
export function roundHalfUpToCents(value: string): string {
  const { units, scale } = parseDecimal(value);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  let cents: bigint;
  if (scale <= 2) {
    cents = magnitude * 10n ** BigInt(2 - scale);
  } else {
    const divisor = 10n ** BigInt(scale - 2);
    cents = magnitude / divisor;
    if ((magnitude % divisor) * 2n >= divisor) {
      cents += 1n;
    }
  }
  const whole = (cents / 100n).toString();
  const fraction = (cents % 100n).toString().padStart(2, "0");
  const sign = negative && cents !== 0n ? "-" : "";
  return `${sign}${whole}.${fraction}`;
}

const currencyFormats = new Map<string, Intl.NumberFormat>();
const compactFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string): Intl.NumberFormat {
  let format = currencyFormats.get(currency);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    currencyFormats.set(currency, format);
  }
  return format;
}

/** "1234567.891" → "$1,234,567.89", exact for any magnitude. */
export function formatMoney(value: string, currency: string): string {
  const cents = roundHalfUpToCents(value) as Intl.StringNumericLiteral;
  return currencyFormat(currency).format(cents);
}

/** Short labels for chart axes: 1234567 → "$1.2M". */
export function formatCompactMoney(value: number, currency: string): string {
  let format = compactFormats.get(currency);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      notation: "compact",
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    });
    compactFormats.set(currency, format);
  }
  return format.format(value);
}

/** Exact sum of decimal strings, as a decimal string: ["0.1", "0.2"] → "0.3". */
export function sumMoney(values: readonly string[]): string {
  const parsed = values.map(parseDecimal);
  const scale = Math.max(0, ...parsed.map((value) => value.scale));
  const units = parsed.reduce(
    (total, value) => total + value.units * 10n ** BigInt(scale - value.scale),
    0n,
  );
  if (scale === 0) {
    return units.toString();
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const sign = negative ? "-" : "";
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Parses an API money string for charting; throws on anything that is not a decimal. */
export function moneyToNumber(value: string): number {
  parseDecimal(value);
  return Number(value);
}

/** 12.345 → "+12.3%", -4 → "−4.0%", null → "n/a". */
export function formatPercentChange(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) {
    return "n/a";
  }
  const rounded = Math.round(Math.abs(pct) * 10) / 10;
  if (rounded === 0) {
    return "0.0%";
  }
  return `${pct > 0 ? "+" : "−"}${rounded.toFixed(1)}%`;
}

/** 37.456 → "37.5%". */
export function formatShare(pct: number): string {
  return `${pct.toFixed(1)}%`;
}

/** `a - b` for decimal strings, exactly (no floating point). */
export function subtractMoney(a: string, b: string): string {
  return sumMoney([a, b.startsWith("-") ? b.slice(1) : `-${b}`]);
}
