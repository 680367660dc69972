import type { ScopePublic } from "./types";

/**
 * A user's scope as two text fields an administrator edits: accounts as a comma-separated list
 * (empty: every account) and tags as `key=value,value; key=value` (empty: no tag limit).
 */
export interface ScopeText {
  accounts: string;
  tags: string;
}

function list(text: string): string[] {
  return [...new Set(text.split(",").map((item) => item.trim()).filter((item) => item !== ""))];
}

export function scopeToText(scope: ScopePublic): ScopeText {
  const accounts = scope.accounts ?? null;
  return {
    accounts: accounts === null ? "" : accounts.join(", "),
    tags: Object.entries(scope.tags ?? {})
      .map(([key, values]) => `${key}=${values.join(",")}`)
      .join("; "),
  };
}

/** The scope the fields describe, or the message naming the part that is not understood. */
export function scopeFromText(
  text: ScopeText,
): { accounts: string[] | null; tags: Record<string, string[]> } | { error: string } {
  const accounts = list(text.accounts);
  const tags: Record<string, string[]> = {};
  for (const part of text.tags.split(";")) {
    if (part.trim() === "") {
      continue;
    }
    const [key = "", ...rest] = part.split("=");
    const values = list(rest.join("="));
    if (key.trim() === "" || rest.length === 0 || values.length === 0) {
      return { error: `tags: “${part.trim()}” is not key=value,value` };
    }
    tags[key.trim()] = [...(tags[key.trim()] ?? []), ...values];
  }
  return { accounts: accounts.length === 0 ? null : accounts, tags };
}

/** "all accounts" or "accounts 1, 2 · team=a,b". */
export function scopeSummary(scope: ScopePublic): string {
  const accounts = scope.accounts ?? null;
  const parts = [accounts === null ? "all accounts" : `accounts ${accounts.join(", ")}`];
  for (const [key, values] of Object.entries(scope.tags ?? {})) {
    parts.push(`${key}=${values.join(",")}`);
  }
  return parts.join(" · ");
}
