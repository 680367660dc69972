import { QueryClientProvider } from "@tanstack/react-query";
import { createBrowserHistory, RouterProvider } from "@tanstack/react-router";
import { act, render } from "@testing-library/react";

import { createApiClient } from "../api/client";
import { ApiClientContext } from "../api/context";
import { createQueryClient } from "../api/queryClient";
import { createAppRouter } from "../app/router";
import { sendToLogin } from "../auth/expired";
import { meFixture } from "./authFixtures";

export interface FakeResponse {
  status?: number;
  /** sent as JSON; leave it out for an answer without a body (204 No Content) */
  body?: unknown;
  /** response headers besides Content-Type (`Retry-After`) */
  headers?: Record<string, string>;
}

/** A request the page made: its method, URL, JSON body (`undefined` without one) and headers. */
export interface FakeCall {
  method: string;
  url: URL;
  body: unknown;
  headers: Headers;
}

/**
 * Answers a request to the API, given its URL (and the whole call); `undefined` means 404, except
 * for `/auth/me`, which then answers for a signed-in admin.
 */
export type FakeRoute = (url: URL, call?: FakeCall) => FakeResponse | undefined;

/**
 * Opens the dashboard at `path` (a URL path with its query string, as a link or a reload would)
 * through the app's own router, against an API client whose fetch is answered by `route`
 * instead of a server (a 401 opens the login page, as in the app), through the same generated client and query setup as the app. Returns
 * the requested URLs, every call with its method and body, and the router.
 */
export async function renderPage(path: string, route: FakeRoute) {
  const requests: URL[] = [];
  const calls: FakeCall[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url);
    const text = await request.text();
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const call = { method: request.method, url, body, headers: request.headers };
    calls.push(call);
    const answer = route(url, call) ??
      (url.pathname === "/api/v1/auth/me"
        ? { body: meFixture("admin") }
        : { status: 404, body: { detail: "Not Found" } });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { "Content-Type": "application/json", ...answer.headers },
    });
  };
  window.history.replaceState(null, "", path);
  const router = createAppRouter(createBrowserHistory());
  await act(() => router.load());
  const client = createApiClient({
    baseUrl: "http://finops.test",
    fetch,
    onUnauthorized: () => {
      sendToLogin(router);
    },
  });
  const queryClient = createQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ApiClientContext value={client}>
        <RouterProvider router={router} />
      </ApiClientContext>
    </QueryClientProvider>,
  );
  return { ...result, requests, calls, router };
}

/** The query string of the address bar as a plain object (`?a=1&b=x` → `{ a: "1", b: "x" }`). */
export function addressSearch(): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(window.location.search));
}
