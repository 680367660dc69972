import type { Client } from "openapi-fetch";

import type { ApiClient } from "./client";

/**
 * Routes the dashboard calls before `openapi.json` describes them (issue 18: the pages and the
 * API were built at the same time, against the contract's shapes). Each is typed here the way
 * `openapi-typescript` writes a GET path, so the page calls it through the same client and
 * middleware (session, CSRF); once the schema has the route, the page switches to the generated
 * types and the entry here goes.
 */
type Query = Record<string, string | number | readonly string[] | null | undefined>;

export interface PendingGet<Q extends Query, R, P extends Record<string, string> | undefined = undefined> {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  get: {
    parameters: P extends Record<string, string>
      ? { query?: Q; header?: never; path: P; cookie?: never }
      : { query?: Q; header?: never; path?: never; cookie?: never };
    requestBody?: never;
    responses: { 200: { headers: Record<string, unknown>; content: { "application/json": R } } };
  };
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
}

/** The client seen as one with the `Paths` not yet generated. */
export function pendingClient<Paths extends object>(client: ApiClient): Client<Paths> {
  return client as unknown as Client<Paths>;
}
