import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { tokenFixture, userFixture } from "../../test/authFixtures";
import { type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import type { TokenPublic, UserCreate, UserPublic, UserUpdate } from "../../auth/types";

const ALL = { accounts: null, tags: {} };

/** Users and tokens an admin manages; PATCH, POST and DELETE change them. */
function adminApi() {
  let users: UserPublic[] = [
    userFixture({ username: "root", display_name: "Root", role: "admin" }),
    userFixture({
      username: "dana",
      display_name: "Dana Analyst",
      role: "analyst",
      scope: { accounts: ["111111111111"], tags: {} },
    }),
  ];
  let tokens: TokenPublic[] = [
    tokenFixture({ id: 7, name: "ci", last_used_at: "2026-11-20T10:15:00Z" }),
    tokenFixture({ id: 8, name: "old", revoked_at: "2026-11-02T08:00:00Z" }),
  ];
  const route: FakeRoute = (url, call?: FakeCall) => {
    const user = /^\/api\/v1\/admin\/users\/([^/]+)$/.exec(url.pathname)?.[1];
    if (call?.method === "PATCH" && user !== undefined) {
      const update = call.body as UserUpdate;
      users = users.map((u) =>
        u.username === user
          ? {
              ...u,
              ...(update.role == null ? {} : { role: update.role }),
              ...(update.disabled == null ? {} : { disabled: update.disabled }),
              ...(update.scope == null ? {} : { scope: update.scope }),
            }
          : u,
      );
      return { body: users.find((u) => u.username === user) };
    }
    if (call?.method === "POST" && url.pathname === "/api/v1/admin/users/dana/password") {
      return { body: { password: "Tmp-7f3k-Q9" } };
    }
    if (call?.method === "POST" && url.pathname === "/api/v1/admin/users") {
      const body = call.body as UserCreate;
      const created = userFixture({
        username: body.username,
        display_name: body.display_name,
        role: body.role,
        scope: body.scope ?? ALL,
      });
      users = [...users, created];
      return { status: 201, body: created };
    }
    if (call?.method === "DELETE" && url.pathname === "/api/v1/admin/tokens/7") {
      tokens = tokens.map((t) => (t.id === 7 ? { ...t, revoked_at: "2026-12-03T09:00:00Z" } : t));
      return { status: 204 };
    }
    switch (url.pathname) {
      case "/api/v1/admin/users":
        return { body: { data: users, count: users.length } };
      case "/api/v1/admin/tokens":
        return { body: { data: tokens, count: tokens.length } };
      default:
        return undefined;
    }
  };
  return route;
}

function row(username: string): HTMLElement {
  const found = screen.getAllByTestId("user-row").find((r) => r.dataset["username"] === username);
  if (found === undefined) {
    throw new Error(`no row for ${username}`);
  }
  return found;
}

describe("AdminPage", () => {
  it("lists users with role, status and scope, and everyone's tokens", async () => {
    await renderPage("/admin", adminApi());
    const rows = await screen.findAllByTestId("user-row");
    expect(rows.map((r) => r.dataset["username"])).toEqual(["root", "dana"]);
    expect(within(row("dana")).getByTestId("user-role-select")).toHaveValue("analyst");
    expect(within(row("dana")).getByTestId("user-scope")).toHaveTextContent("accounts 111111111111");
    expect(within(row("root")).getByText("active")).toHaveAttribute("data-tone", "success");
    const [token, revoked] = await screen.findAllByTestId("token-row");
    expect(token).toHaveTextContent("ci");
    expect(token).toHaveTextContent("fo_ab12…");
    expect(token).toHaveTextContent("dana");
    expect(token).toHaveTextContent("2026-11-01 08:00");
    expect(token).toHaveTextContent("2026-11-20 10:15");
    expect(within(token as HTMLElement).getByText("active")).toHaveAttribute("data-tone", "success");
    expect(within(revoked as HTMLElement).getByText("revoked")).toHaveAttribute("data-tone", "neutral");
    expect(within(revoked as HTMLElement).queryByRole("button")).toBeNull();
  });

  it("changes a role, disables a user and edits a scope through PATCH", async () => {
    const { calls } = await renderPage("/admin", adminApi());
    await screen.findAllByTestId("user-row");
    await userEvent.selectOptions(within(row("dana")).getByTestId("user-role-select"), "approver");
    await waitFor(() => {
      expect(within(row("dana")).getByTestId("user-role-select")).toHaveValue("approver");
    });
    await userEvent.click(within(row("dana")).getByRole("button", { name: "Disable" }));
    expect(await within(row("dana")).findByText("disabled")).toBeInTheDocument();

    await userEvent.click(within(row("dana")).getByRole("button", { name: "Edit scope of dana" }));
    const accounts = within(row("dana")).getByTestId("scope-accounts");
    expect(accounts).toHaveValue("111111111111");
    await userEvent.type(accounts, ", 222222222222");
    await userEvent.type(within(row("dana")).getByTestId("scope-tags"), "team=data");
    await userEvent.click(within(row("dana")).getByRole("button", { name: "Save" }));
    await waitFor(() => {
      expect(within(row("dana")).getByTestId("user-scope")).toHaveTextContent(
        "accounts 111111111111, 222222222222 · team=data",
      );
    });

    const patches = calls.filter((call) => call.method === "PATCH");
    expect(patches.map((call) => [call.url.pathname, call.body])).toEqual([
      ["/api/v1/admin/users/dana", { role: "approver" }],
      ["/api/v1/admin/users/dana", { disabled: true }],
      [
        "/api/v1/admin/users/dana",
        { scope: { accounts: ["111111111111", "222222222222"], tags: { team: ["data"] } } },
      ],
    ]);
  });

  it("shows a reset password once", async () => {
    await renderPage("/admin", adminApi());
    await screen.findAllByTestId("user-row");
    await userEvent.click(within(row("dana")).getByRole("button", { name: "Reset password" }));
    expect(await screen.findByTestId("one-time-password")).toHaveTextContent("Tmp-7f3k-Q9");
    expect(screen.getByText("One-time password for dana")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("one-time-password")).toBeNull();
    expect(screen.queryByText("Tmp-7f3k-Q9")).toBeNull();
  });

  it("creates a user with a role and a scope", async () => {
    const { calls } = await renderPage("/admin", adminApi());
    await screen.findAllByTestId("user-row");
    await userEvent.click(screen.getByRole("button", { name: "New user" }));
    const form = screen.getByRole("form", { name: "New user" });
    await userEvent.type(within(form).getByTestId("new-user-username"), "vic");
    await userEvent.type(within(form).getByTestId("new-user-display-name"), "Vic Viewer");
    await userEvent.selectOptions(within(form).getByTestId("new-user-role"), "viewer");
    await userEvent.type(within(form).getByTestId("scope-tags"), "cost-center=cc-9");
    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));

    expect(await screen.findByTestId("users-notice")).toHaveTextContent("Created user vic (viewer).");
    await waitFor(() => {
      expect(screen.getAllByTestId("user-row")).toHaveLength(3);
    });
    const posts = calls.filter((call) => call.method === "POST" && call.url.pathname === "/api/v1/admin/users");
    expect(posts.map((call) => call.body)).toEqual([
      {
        username: "vic",
        display_name: "Vic Viewer",
        role: "viewer",
        password: null,
        scope: { accounts: null, tags: { "cost-center": ["cc-9"] } },
      },
    ]);
  });

  it("revokes a token", async () => {
    const { calls } = await renderPage("/admin", adminApi());
    await userEvent.click(await screen.findByRole("button", { name: "Revoke token ci" }));
    await waitFor(() => {
      expect(screen.queryByRole("button", { name: "Revoke token ci" })).toBeNull();
    });
    expect(screen.getAllByText("revoked")).toHaveLength(2);
    expect(calls.filter((call) => call.method === "DELETE").map((call) => call.url.pathname)).toEqual([
      "/api/v1/admin/tokens/7",
    ]);
  });
});
