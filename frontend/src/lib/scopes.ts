/** Scopes as the anomaly and forecast jobs key them: `{ account: "…", service: "…" }`,
 * tag scopes as `{ "tag:team": "data" }`. */

/** What a scope covers: "All accounts" for the whole bill, else its values in key order. */
export function scopeLabel(scope: Record<string, string>): string {
  const keys = Object.keys(scope).sort();
  if (keys.length === 0) {
    return "All accounts";
  }
  return keys
    .map((key) => (key.startsWith("tag:") ? `${key.slice(4)}=${scope[key] ?? ""}` : scope[key]))
    .join(" · ");
}
