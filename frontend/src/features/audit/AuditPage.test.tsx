import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { asRole } from "../../test/authFixtures";
import { addressSearch, type FakeRoute, renderPage } from "../../test/fakeApi";
import type { AuditChain, AuditEntry } from "./audit";
import { AUDIT_PAGE_SIZE } from "./AuditPage";

const HEAD = "ab".repeat(32);

function entry(seq: number, fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: seq + 100,
    chain_seq: seq,
    occurred_at: `2026-11-0${String(1 + (seq % 9))}T10:00:0${String(seq % 10)}Z`,
    actor: "finops.analytics",
    action: "budgets.checked",
    subject: `s${String(seq)}`,
    run_id: null,
    request_id: null,
    details: { i: seq },
    ...fields,
  };
}

const ENTRIES: AuditEntry[] = [
  entry(121, { id: 117, actor: "cli", action: "user.create", subject: "dana" }),
  entry(120, {
    actor: "user:ann",
    action: "budget.save",
    subject: "team-a",
    occurred_at: "2026-11-05T10:29:07Z",
    request_id: "req-7",
    run_id: "req-7",
    details: { amount: "1200.50", thresholds: [80, 100] },
  }),
  entry(119, { actor: "ingest", action: "ingest.billing", run_id: "run-3" }),
];

const INTACT: AuditChain = {
  ok: true,
  rows_checked: 3412,
  head_seq: 3412,
  head_hash: HEAD,
  broken: null,
};

const ALTERED: NonNullable<AuditChain["broken"]> = {
  problem: "content altered",
  row_id: 117,
  chain_seq: 17,
  detail: `its content hashes to ${"cd".repeat(32)}, not to its row_hash ${"ef".repeat(32)}`,
  message: "content altered at row id 117 (chain_seq 17): …",
};

const BROKEN: AuditChain = {
  ok: false,
  rows_checked: 16,
  head_seq: 3412,
  head_hash: HEAD,
  broken: ALTERED,
};

/** The audit API: the list (every request recorded) with `total` rows, and the chain check. */
function auditApi(chain: AuditChain = INTACT, total = 120) {
  const lists: URLSearchParams[] = [];
  const route: FakeRoute = (url) => {
    if (url.pathname === "/api/v1/audit") {
      lists.push(url.searchParams);
      return { body: { items: ENTRIES, total } };
    }
    if (url.pathname === "/api/v1/audit/verify") {
      return { body: chain };
    }
    return undefined;
  };
  return { route: asRole("approver", route), lists };
}

function params(search: URLSearchParams | undefined): Record<string, string> {
  return Object.fromEntries(search ?? []);
}

describe("AuditPage", () => {
  it("shows the chain verified and each row's time, actor, action, subject, run and seq", async () => {
    const { route, lists } = auditApi();
    await renderPage("/audit", route);

    const banner = await screen.findByTestId("audit-chain");
    expect(banner).toHaveAttribute("data-ok", "true");
    expect(banner).toHaveTextContent("Chain verified: 3,412 rows intact");
    expect(banner).toHaveTextContent(`Head: chain_seq 3412, ${HEAD}`);

    const rows = (await screen.findAllByTestId("audit-row")).slice(1);
    expect(rows.map((row) => row.dataset["seq"])).toEqual(["120", "119"]);
    expect(screen.getAllByTestId("audit-row").filter((row) => row.dataset["broken"])).toEqual([]);
    const cells = within(rows[0] as HTMLElement)
      .getAllByRole("cell")
      .map((td) => td.textContent);
    expect(cells.slice(0, 6)).toEqual([
      "120",
      "2026-11-05 10:29:07 UTC",
      "user:ann",
      "budget.save",
      "team-a",
      "req-7",
    ]);
    expect(cells[6]).toBe('Show details{"amount":"1200.50","thresholds":[80,100]}');
    expect(within(rows[1] as HTMLElement).getAllByRole("cell")[5]).toHaveTextContent("run-3");
    expect(screen.getByTestId("audit-total")).toHaveTextContent("120 entries");
    expect(screen.getByTestId("pager-range")).toHaveTextContent("1–3 of 120");
    expect(params(lists.at(-1))).toEqual({ limit: String(AUDIT_PAGE_SIZE), offset: "0" });
  });

  it("applies the filters from the form into the URL and the request, from the first page", async () => {
    const { route, lists } = auditApi();
    await renderPage("/audit?offset=50&actor=user%3Aann", route);
    await screen.findAllByTestId("audit-row");
    expect(params(lists.at(-1))).toEqual({ actor: "user:ann", limit: "50", offset: "50" });
    expect(screen.getByTestId("audit-filter-actor")).toHaveValue("user:ann");

    await userEvent.type(screen.getByTestId("audit-filter-action"), "budget");
    await userEvent.type(screen.getByTestId("audit-filter-subject"), "team-a");
    await userEvent.type(screen.getByTestId("audit-filter-since"), "2026-11-02T10:00");
    await userEvent.type(screen.getByTestId("audit-filter-until"), "2026-11-04T00:30");
    expect(lists).toHaveLength(1); // typing asks for nothing until Apply
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));

    await waitFor(() => {
      expect(addressSearch()).toEqual({
        actor: "user:ann",
        action: "budget",
        subject: "team-a",
        since: "2026-11-02T10:00",
        until: "2026-11-04T00:30",
      });
    });
    await waitFor(() => {
      expect(params(lists.at(-1))).toEqual({
        actor: "user:ann",
        action: "budget",
        subject: "team-a",
        since: "2026-11-02T10:00:00Z",
        until: "2026-11-04T00:30:00Z",
        limit: "50",
        offset: "0",
      });
    });

    await userEvent.click(screen.getByRole("button", { name: "Clear" }));
    await waitFor(() => {
      expect(addressSearch()).toEqual({});
    });
    expect(screen.getByTestId("audit-filter-actor")).toHaveValue("");
  });

  it("pages with the pager and keeps the offset in the URL", async () => {
    const { route, lists } = auditApi();
    await renderPage("/audit?action=budget", route);
    await screen.findAllByTestId("audit-row");
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => {
      expect(addressSearch()).toEqual({ action: "budget", offset: "50" });
    });
    await waitFor(() => {
      expect(params(lists.at(-1))).toEqual({ action: "budget", limit: "50", offset: "50" });
    });
  });

  it("expands a row's details as indented JSON, the open row kept in the URL", async () => {
    const { route } = auditApi();
    await renderPage("/audit", route);
    const [, first] = await screen.findAllByTestId("audit-row");
    await userEvent.click(within(first as HTMLElement).getByRole("button", { name: "Show details" }));
    expect(await screen.findByTestId("audit-details")).toHaveTextContent(
      '{ "amount": "1200.50", "thresholds": [ 80, 100 ] }',
    );
    expect(addressSearch()).toEqual({ entry: "220" });
    await userEvent.click(screen.getByRole("button", { name: "Hide details" }));
    await waitFor(() => {
      expect(screen.queryByTestId("audit-details")).toBeNull();
    });
    expect(addressSearch()).toEqual({});
  });

  it("names the first broken row of the chain and why", async () => {
    const { route } = auditApi(BROKEN);
    await renderPage("/audit", route);
    const banner = await screen.findByTestId("audit-chain");
    expect(banner).toHaveAttribute("data-ok", "false");
    expect(banner).toHaveAttribute("role", "alert");
    expect(banner).toHaveTextContent("Chain broken: content altered at row id 117 (chain_seq 17)");
    expect(screen.getByTestId("audit-chain-detail")).toHaveTextContent(
      `its content hashes to ${"cd".repeat(32)}, not to its row_hash ${"ef".repeat(32)}`,
    );
    expect(banner).toHaveTextContent("16 rows verified before it.");
    await waitFor(() => {
      expect(
        screen.getAllByTestId("audit-row").filter((row) => row.dataset["broken"] === "true"),
      ).toHaveLength(1);
    });
    const marked = screen.getAllByTestId("audit-row").find((row) => row.dataset["broken"]);
    expect(marked?.dataset["id"]).toBe("117");
  });

  it("names rows missing at the end of the chain", async () => {
    const { route } = auditApi({
      ...BROKEN,
      rows_checked: 3411,
      broken: { ...ALTERED, problem: "row missing", row_id: null, chain_seq: 3412 },
    });
    await renderPage("/audit", route);
    expect(await screen.findByTestId("audit-chain")).toHaveTextContent(
      "Chain broken: rows missing at the end (chain_seq 3412)",
    );
  });

  it.each(["viewer", "analyst"] as const)(
    "tells a %s the page needs the approver role, and asks for no audit row",
    async (role) => {
      const { route, lists } = auditApi();
      const { requests } = await renderPage("/audit", asRole(role, route));
      expect(await screen.findByTestId("forbidden")).toHaveTextContent(
        `This page needs the approver role; you are signed in as ${role}.`,
      );
      expect(lists).toHaveLength(0);
      expect(requests.map((url) => url.pathname)).not.toContain("/api/v1/audit/verify");
      const nav = screen.getByRole("navigation", { name: "Pages" });
      expect(within(nav).queryByRole("link", { name: "Audit" })).toBeNull();
    },
  );
});
