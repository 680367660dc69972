import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { asRole, tokenFixture } from "../../test/authFixtures";
import { type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import type { TokenCreate, TokenPublic } from "../../auth/types";

const SECRET = "fo_9c1d2e3f4a5b6c7d8e9f";

function tokensApi() {
  let tokens: TokenPublic[] = [];
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (call?.method === "POST" && url.pathname === "/api/v1/auth/tokens") {
      const body = call.body as TokenCreate;
      const created = tokenFixture({ id: 3, name: body.name, prefix: "fo_9c1d", username: "viewer1" });
      tokens = [created];
      const { id, name, prefix, created_at, expires_at } = created;
      return { status: 201, body: { id, name, prefix, created_at, expires_at, token: SECRET } };
    }
    if (call?.method === "DELETE" && url.pathname === "/api/v1/auth/tokens/3") {
      tokens = tokens.map((t) => ({ ...t, revoked_at: "2026-12-03T09:05:00Z" }));
      return { status: 204 };
    }
    return url.pathname === "/api/v1/auth/tokens"
      ? { body: { data: tokens, count: tokens.length } }
      : undefined;
  };
  return route;
}

describe("My API tokens", () => {
  it("lets a viewer create a token, shows it once with copy, lists it and revokes it", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { calls } = await renderPage("/account", asRole("viewer", tokensApi()));
    expect(await screen.findByText("No API tokens.")).toBeInTheDocument();

    await userEvent.type(screen.getByTestId("token-name"), "nightly-report");
    await userEvent.clear(screen.getByTestId("token-days"));
    await userEvent.type(screen.getByTestId("token-days"), "30");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));

    expect(await screen.findByTestId("new-token-secret")).toHaveTextContent(SECRET);
    await userEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(await screen.findByRole("button", { name: "Copied" })).toBeInTheDocument();
    expect(await screen.findByTestId("token-row")).toHaveTextContent("nightly-report");
    expect(screen.getByTestId("token-row")).not.toHaveTextContent(SECRET);

    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByText(SECRET)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Revoke token nightly-report" }));
    await waitFor(() => {
      expect(screen.getByTestId("token-row")).toHaveTextContent("revoked");
    });
    expect(
      calls.filter((call) => call.method !== "GET").map((call) => [call.method, call.url.pathname, call.body]),
    ).toEqual([
      ["POST", "/api/v1/auth/tokens", { name: "nightly-report", expires_in_days: 30 }],
      ["DELETE", "/api/v1/auth/tokens/3", undefined],
    ]);
  });
});
