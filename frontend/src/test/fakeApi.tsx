import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import { createApiClient } from "../api/client";
import { ApiClientContext } from "../api/context";
import { createQueryClient } from "../api/queryClient";

export interface FakeResponse {
  status?: number;
  /** sent as JSON; leave it out for an answer without a body (204 No Content) */
  body?: unknown;
}

/** A request the page made: its method, URL and JSON body (`undefined` without one). */
export interface FakeCall {
  method: string;
  url: URL;
  body: unknown;
}

/** Answers a request to the API, given its URL (and the whole call); `undefined` means 404. */
export type FakeRoute = (url: URL, call?: FakeCall) => FakeResponse | undefined;

/**
 * Renders `ui` against an API client whose fetch is answered by `route` instead of a server,
 * through the same generated client and query setup as the app. Returns the requested URLs and
 * every call with its method and body.
 */
export function renderWithApi(ui: ReactElement, route: FakeRoute) {
  const requests: URL[] = [];
  const calls: FakeCall[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url);
    const text = await request.text();
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const call = { method: request.method, url, body };
    calls.push(call);
    const answer = route(url, call) ?? { status: 404, body: { detail: "Not Found" } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { "Content-Type": "application/json" },
    });
  };
  const client = createApiClient({ baseUrl: "http://finops.test", fetch });
  const queryClient = createQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ApiClientContext value={client}>{ui}</ApiClientContext>
    </QueryClientProvider>,
  );
  return { ...result, requests, calls };
}
