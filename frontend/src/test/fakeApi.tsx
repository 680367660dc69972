import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import { createApiClient } from "../api/client";
import { ApiClientContext } from "../api/context";
import { createQueryClient } from "../api/queryClient";

export interface FakeResponse {
  status?: number;
  body: unknown;
}

/** Answers a request to the API, given its URL; `undefined` means 404. */
export type FakeRoute = (url: URL) => FakeResponse | undefined;

/**
 * Renders `ui` against an API client whose fetch is answered by `route` instead of a server,
 * through the same generated client and query setup as the app. Returns the requested URLs.
 */
export function renderWithApi(ui: ReactElement, route: FakeRoute) {
  const requests: URL[] = [];
  const fetch = (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url);
    const answer = route(url) ?? { status: 404, body: { detail: "Not Found" } };
    return Promise.resolve(
      new Response(JSON.stringify(answer.body), {
        status: answer.status ?? 200,
        headers: { "Content-Type": "application/json" },
      }),
    );
  };
  const client = createApiClient({ baseUrl: "http://finops.test", fetch });
  const queryClient = createQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ApiClientContext value={client}>{ui}</ApiClientContext>
    </QueryClientProvider>,
  );
  return { ...result, requests };
}
