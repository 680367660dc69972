import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ActionDetailPublic } from "../../api/client";
import { asRole } from "../../test/authFixtures";
import {
  actionDetailFixture,
  actionFixture,
  actionsFixture,
  DIGEST,
} from "../../test/actionsFixtures";
import { addressSearch, type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import { ACTIONS_PAGE_SIZE } from "./ActionsPage";

const LIST = "/api/v1/actions";
const DETAIL = "/api/v1/actions/7";
const COUNTS = { proposed: 2, approved: 1, verified: 3, rejected: 1 };

/** A fake API that applies decisions, executions and rollbacks to proposal 7. */
function statefulApi(start: Partial<ActionDetailPublic> = {}) {
  let detail = actionDetailFixture(start);
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (call?.method === "POST") {
      const body = call.body as { reason?: string; digest?: string } | undefined;
      const kind = url.pathname.slice(`${DETAIL}/`.length);
      const decided = {
        id: 1,
        digest: body?.digest ?? "",
        actor: "user:approver1",
        source: "dashboard" as const,
        reason: body?.reason ?? "",
        decided_at: "2026-11-02T09:30:00Z",
        request_id: "r-1",
        run_id: null,
      };
      if (kind === "approve") {
        detail = {
          ...detail,
          status: "approved",
          decision: { ...decided, decision: "approve", expires_at: "2026-11-05T09:30:00Z" },
        };
      } else if (kind === "reject") {
        detail = { ...detail, status: "rejected", decision: { ...decided, decision: "reject", expires_at: null } };
      } else if (kind === "rollback") {
        detail = { ...detail, status: "rolled_back" };
      }
      return { body: detail };
    }
    switch (url.pathname) {
      case LIST: {
        const status = url.searchParams.getAll("status");
        const items = [actionFixture({ id: 9, resource_id: "i-0999", status: "proposed" }), actionFixture(detail)];
        return {
          body: actionsFixture(
            items.filter((item) => status.length === 0 || status.includes(item.status)),
            COUNTS,
          ),
        };
      }
      case DETAIL:
        return { body: detail };
      default:
        return undefined;
    }
  };
  return route;
}

function lastList(requests: URL[]): URL | undefined {
  return requests.filter((url) => url.pathname === LIST).at(-1);
}

describe("ActionsPage", () => {
  it("shows the queue by status with each tab's count, the waiting queue first", async () => {
    const { requests } = await renderPage("/actions", statefulApi());
    const rows = await screen.findAllByTestId("action-row");
    expect(rows.map((row) => row.dataset["id"])).toEqual(["9", "7"]);
    const list = lastList(requests);
    expect(list?.searchParams.getAll("status")).toEqual(["proposed"]);
    expect(list?.searchParams.get("limit")).toBe(String(ACTIONS_PAGE_SIZE));

    const tabs = screen.getAllByRole("tab");
    expect(tabs).toHaveLength(12);
    expect(screen.getByTestId("actions-tab-proposed")).toHaveTextContent("Waiting 2");
    expect(screen.getByTestId("actions-tab-proposed")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("actions-tab-approved")).toHaveTextContent("Approved 1");
    expect(screen.getByTestId("actions-tab-verified")).toHaveTextContent("Verified 3");
    expect(screen.getByTestId("actions-tab-failed")).toHaveTextContent("Failed 0");
    expect(screen.getByTestId("actions-tab-all")).toHaveTextContent("All 7");
    const first = within(rows[1] as HTMLElement);
    expect(first.getByText("#7 Stop instance")).toBeInTheDocument();
    expect(first.getByText("i-0abc123def4567890")).toBeInTheDocument();
    expect(first.getByText("$70.08")).toBeInTheDocument();
    expect(first.getByText("low")).toHaveAttribute("data-tone", "success");
    expect(first.getByText("Waiting")).toHaveAttribute("data-tone", "warning");
    expect(first.getByText("2026-11-05 06:00 UTC")).toBeInTheDocument();
    expect(screen.getByTestId("actions-total")).toHaveTextContent("2 proposals");

    await userEvent.click(screen.getByTestId("actions-tab-approved"));
    await waitFor(() => {
      expect(lastList(requests)?.searchParams.getAll("status")).toEqual(["approved"]);
    });
    expect(addressSearch()).toEqual({ status: "approved" });
    expect(await screen.findByText(/No proposals here/)).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("actions-tab-all"));
    await waitFor(() => {
      expect(lastList(requests)?.searchParams.has("status")).toBe(false);
    });
    expect(addressSearch()).toEqual({ status: "all" });
  });

  it("filters by account and action, from the first page", async () => {
    const { requests } = await renderPage("/actions?offset=25", statefulApi());
    await screen.findAllByTestId("action-row");
    expect(lastList(requests)?.searchParams.get("offset")).toBe("25");
    await userEvent.type(screen.getByTestId("actions-account"), "123456789012{Enter}");
    await userEvent.type(screen.getByTestId("actions-action"), "stop_instance{Enter}");
    await waitFor(() => {
      expect(lastList(requests)?.searchParams.get("action")).toBe("stop_instance");
    });
    const list = lastList(requests);
    expect(list?.searchParams.get("account")).toBe("123456789012");
    expect(list?.searchParams.get("offset")).toBe("0");
    expect(addressSearch()).toEqual({ account: "123456789012", action: "stop_instance" });
  });

  it("shows a proposal's evidence, digest and utilization chart", async () => {
    await renderPage("/actions", statefulApi());
    expect(await screen.findByText(/Select a proposal/)).toBeInTheDocument();
    const rows = await screen.findAllByTestId("action-row");
    await userEvent.click(rows[1] as HTMLElement);

    const detail = await screen.findByTestId("action-detail");
    expect(detail).toHaveAttribute("data-id", "7");
    expect(addressSearch()).toEqual({ id: "7" });
    expect(within(detail).getByTestId("action-savings")).toHaveTextContent("$70.08");
    expect(within(detail).getByTestId("action-cost-7d")).toHaveTextContent("$16.35");
    expect(within(detail).getByTestId("action-cost-30d")).toHaveTextContent("$70.08");
    expect(within(detail).getByTestId("action-risk")).toHaveTextContent("low");
    expect(within(detail).getByTestId("action-digest")).toHaveTextContent(DIGEST);
    expect(within(detail).getByTestId("action-decision")).toHaveTextContent(
      "No decision yet · waits until 2026-11-05 06:00 UTC",
    );
    expect(within(detail).getByTestId("action-observed")).toHaveTextContent('"instance_type": "m5.large"');
    expect(within(detail).getByTestId("action-finding")).toHaveTextContent('"max_cpu_percent": 2.1');
    expect(within(detail).getByText(/Nothing has run yet/)).toBeInTheDocument();
    const chart = within(detail).getByTestId("action-utilization");
    await waitFor(() => {
      expect(chart.querySelector("svg")).not.toBeNull();
    });
    expect(within(chart).getByText("CPUUtilization average")).toBeInTheDocument();
    expect(within(chart).getByText("CPUUtilization maximum")).toBeInTheDocument();
  });

  it("approves with a reason, sending the digest shown, then offers to execute", async () => {
    document.cookie = "finops_csrf=csrf-token-1; path=/";
    const { calls } = await renderPage("/actions?id=7", asRole("approver", statefulApi()));
    const detail = await screen.findByTestId("action-detail");
    const approve = within(detail).getByTestId("action-approve");
    expect(approve).toBeDisabled(); // no reason yet
    expect(within(detail).queryByTestId("action-execute")).toBeNull();

    await userEvent.type(within(detail).getByTestId("action-reason"), "idle for 14 days");
    await userEvent.click(approve);

    await waitFor(() => {
      expect(screen.getByTestId("action-detail-status")).toHaveTextContent("Approved");
    });
    const posts = calls.filter((call) => call.method === "POST");
    expect(posts.map((call) => [call.url.pathname, call.body])).toEqual([
      [`${DETAIL}/approve`, { reason: "idle for 14 days", digest: DIGEST }],
    ]);
    expect(posts[0]?.headers.get("X-CSRF-Token")).toBe("csrf-token-1");
    document.cookie = "finops_csrf=; path=/; max-age=0";
    expect(screen.getByTestId("action-decision-actor")).toHaveTextContent("user:approver1");
    expect(screen.getByTestId("action-decision")).toHaveTextContent(
      "Approved by user:approver1 (dashboard) on 2026-11-02 09:30 UTC: “idle for 14 days”",
    );
    expect(screen.queryByTestId("action-approve")).toBeNull();
    expect(screen.getByTestId("action-execute")).toBeEnabled();
  });

  it("rejects with a reason", async () => {
    const { calls } = await renderPage("/actions?id=7", asRole("approver", statefulApi()));
    await userEvent.type(await screen.findByTestId("action-reason"), "production box");
    await userEvent.click(screen.getByTestId("action-reject"));
    await waitFor(() => {
      expect(screen.getByTestId("action-detail-status")).toHaveTextContent("Rejected");
    });
    expect(calls.filter((call) => call.method === "POST").map((call) => call.body)).toEqual([
      { reason: "production box", digest: DIGEST },
    ]);
  });

  it("hides every decision control from a viewer", async () => {
    await renderPage("/actions?id=7", asRole("viewer", statefulApi()));
    const detail = await screen.findByTestId("action-detail");
    expect(within(detail).getByTestId("action-digest")).toHaveTextContent(DIGEST);
    expect(within(detail).queryByTestId("action-reason")).toBeNull();
    expect(within(detail).queryByTestId("action-approve")).toBeNull();
    expect(within(detail).queryByTestId("action-reject")).toBeNull();
    expect(screen.getByRole("link", { name: "Actions" })).toHaveAttribute("aria-current", "page");
  });

  it("hides execute (and approve) from an analyst on an approved proposal", async () => {
    await renderPage("/actions?id=7", asRole("analyst", statefulApi({ status: "approved" })));
    const detail = await screen.findByTestId("action-detail");
    expect(within(detail).getByTestId("action-detail-status")).toHaveTextContent("Approved");
    expect(within(detail).queryByTestId("action-execute")).toBeNull();
    expect(within(detail).queryByTestId("action-approve")).toBeNull();
  });

  it("shows the execution log and rolls back an executed reversible action", async () => {
    const steps: ActionDetailPublic["steps"] = [
      {
        id: 1,
        step: "dry_run",
        outcome: "ok",
        actor: "user:approver1",
        run_id: null,
        request_id: "r-2",
        started_at: "2026-11-02T10:00:00Z",
        finished_at: "2026-11-02T10:00:01Z",
        detail: { dry_run: "DryRunOperation" },
      },
      {
        id: 2,
        step: "execute",
        outcome: "ok",
        actor: "user:approver1",
        run_id: null,
        request_id: "r-2",
        started_at: "2026-11-02T10:00:01Z",
        finished_at: "2026-11-02T10:00:02Z",
        detail: { calls: ["ec2:StopInstances"] },
      },
    ];
    const { calls } = await renderPage(
      "/actions?id=7",
      asRole("approver", statefulApi({ status: "verified", steps, undo: { state: "running" } })),
    );
    const log = await screen.findByTestId("action-steps");
    const rows = within(log).getAllByTestId("action-step");
    expect(rows.map((row) => row.dataset["step"])).toEqual(["dry_run", "execute"]);
    expect(within(rows[0] as HTMLElement).getByText("ok")).toHaveAttribute("data-tone", "success");
    expect(rows[0]).toHaveTextContent('{"dry_run":"DryRunOperation"}');
    expect(screen.getByTestId("action-undo")).toHaveTextContent('{"state":"running"}');
    expect(screen.queryByTestId("action-approve")).toBeNull();

    const rollback = screen.getByTestId("action-rollback");
    expect(rollback).toBeDisabled();
    await userEvent.type(screen.getByTestId("action-reason"), "the team needs it back");
    await userEvent.click(rollback);
    await waitFor(() => {
      expect(screen.getByTestId("action-detail-status")).toHaveTextContent("Rolled back");
    });
    expect(calls.filter((call) => call.method === "POST").map((c) => [c.url.pathname, c.body])).toEqual([
      [`${DETAIL}/rollback`, { reason: "the team needs it back" }],
    ]);
  });

  it("shows the server's refusal, naming the first decision", async () => {
    const refusal = "proposal 7 was already approved by user:alice (dashboard) at 2026-11-02 09:00";
    await renderPage(
      "/actions?id=7",
      asRole("approver", (url, call) =>
        call?.method === "POST" ? { status: 409, body: { detail: refusal } } : statefulApi()(url, call),
      ),
    );
    await userEvent.type(await screen.findByTestId("action-reason"), "ok");
    await userEvent.click(screen.getByTestId("action-approve"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The server refused");
    expect(alert).toHaveTextContent(refusal);
    expect(screen.getByTestId("action-detail-status")).toHaveTextContent("Waiting");
  });
});
