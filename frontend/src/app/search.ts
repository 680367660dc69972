/**
 * The address bar's query string as page state. The router reads and writes plain
 * `key=value` pairs (no JSON quoting, so `?account=111111111111` stays readable and links
 * written before this router keep working); each page validates what it reads with the
 * helpers below, ignoring anything malformed, so a hand-edited link never breaks a page.
 */

/** What a query string holds before a page validates it: a key's value, or the list of its
 * values when it repeats (`?group_by=a&group_by=b`, the Explorer's repeatable parameters). */
export type RawSearch = Record<string, unknown>;

export function parseSearch(search: string): RawSearch {
  const raw: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    const before = raw[key];
    raw[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return raw;
}

/** Leaves out `undefined`, `null` and empty values: a page's defaults are never written. A list
 * is written as its key repeated, once per value (empty values included: "" is a value there). */
export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        params.append(key, typeof item === "string" ? item : JSON.stringify(item));
      }
      continue;
    }
    if (value === undefined || value === null || value === "") {
      continue;
    }
    params.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}

export const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A non-empty string value (the last one of a repeated key), or `undefined`. */
export function text(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return text(value.at(-1));
  }
  if (typeof value === "number") {
    return String(value);
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A string matching `pattern`, or `undefined`. */
export function matching(value: unknown, pattern: RegExp): string | undefined {
  const found = text(value);
  return found !== undefined && pattern.test(found) ? found : undefined;
}

/** One of `allowed`, or `undefined`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  const found = text(value);
  return allowed.find((candidate) => candidate === found);
}

/** A row offset into a paged list: a positive integer, or `undefined` (the first page). */
export function offset(value: unknown): number | undefined {
  const found = text(value);
  if (found === undefined || !/^\d+$/.test(found)) {
    return undefined;
  }
  const parsed = Number(found);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/** A row's id: a positive integer, or `undefined`. */
export function positiveId(value: unknown): number | undefined {
  const found = text(value);
  if (found === undefined || !/^[1-9]\d*$/.test(found)) {
    return undefined;
  }
  const parsed = Number(found);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** Every string value of a key (repeated or not), empty strings included, in order. */
export function texts(value: unknown): string[] {
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((item) =>
    typeof item === "string" ? [item] : typeof item === "number" ? [String(item)] : [],
  );
}
