import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { BudgetCreate, BudgetPublic } from "../../api/client";
import { addressSearch, type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import { budgetsFixture, forecastsFixture } from "../../test/intelligenceFixtures";
import { FORECAST_HISTORY_DAYS } from "./ForecastsPage";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/forecasts":
      return { body: forecastsFixture(url.searchParams.get("scope_kind") ?? "total") };
    case "/api/v1/budgets":
      return { body: budgetsFixture };
    default:
      return undefined;
  }
};

/** The page's API with a budget list that POST adds to and DELETE removes from. */
function budgetsApi() {
  let budgets: BudgetPublic[] = [...budgetsFixture.data];
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (call?.method === "POST" && url.pathname === "/api/v1/budgets") {
      const body = call.body as BudgetCreate;
      const created: BudgetPublic = {
        id: 4,
        name: body.name,
        scope_kind: Object.keys(body.scope ?? {}).join("+") || "total",
        scope: body.scope ?? {},
        period: body.period,
        amount: String(body.amount),
        currency: body.currency,
        cost_metric: body.cost_metric,
        thresholds: (body.thresholds ?? []).map((t) => ({
          kind: t.kind,
          percent: String(t.percent),
        })),
        channel_targets: Object.fromEntries(
          Object.entries(body.channels ?? {}).map(([channel, to]) => [channel, to.length]),
        ),
        evaluation: null,
        alerts: [],
      };
      budgets = [...budgets, created];
      return { status: 201, body: created };
    }
    const deleted = /^\/api\/v1\/budgets\/(\d+)$/.exec(url.pathname);
    if (call?.method === "DELETE" && deleted !== null) {
      budgets = budgets.filter((b) => String(b.id) !== deleted[1]);
      return { status: 204 };
    }
    if (url.pathname === "/api/v1/budgets") {
      return { body: { data: budgets, count: budgets.length } };
    }
    return api(url, call);
  };
  return route;
}

/** The page's API answering every POST with `answer`. */
function refusingApi(answer: { status: number; body: unknown }): FakeRoute {
  return (url, call) => (call?.method === "POST" ? answer : api(url, call));
}

function budgetReads(calls: FakeCall[]): number {
  return calls.filter((c) => c.method === "GET" && c.url.pathname === "/api/v1/budgets").length;
}

async function openBudgetForm(): Promise<HTMLElement> {
  await screen.findAllByTestId("budget-row");
  await userEvent.click(screen.getByRole("button", { name: "New budget" }));
  return screen.getByRole("form", { name: "New budget" });
}

function lastRequest(requests: URL[], path: string): URL | undefined {
  return requests.filter((url) => url.pathname === path).at(-1);
}

describe("ForecastsPage", () => {
  it("shows the whole bill's projections, model, accuracy and chart", async () => {
    const { requests } = await renderPage("/forecasts", api);

    expect(await screen.findByTestId("forecast-month-end")).toHaveTextContent("$3,892.93");
    expect(screen.getByText(/80%: \$3,890\.32 – \$3,895\.54/)).toBeInTheDocument();
    expect(screen.getByTestId("forecast-quarter-end")).toHaveTextContent("$9,976.64");
    expect(screen.getByText("Month end (Mar 31)")).toBeInTheDocument();
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("ets");
    expect(screen.getByTestId("forecast-mase")).toHaveTextContent("MASE 0.069");
    expect(screen.getByText(/sMAPE 0\.64%/)).toBeInTheDocument();
    expect(screen.queryByTestId("forecast-scope-select")).toBeNull();
    const chart = screen.getByTestId("forecast-chart");
    await waitFor(() => {
      expect(within(chart).getByText("95% interval")).toBeInTheDocument();
    });
    expect(within(chart).getByText("80% interval")).toBeInTheDocument();

    const query = lastRequest(requests, "/api/v1/forecasts")?.searchParams;
    expect(query?.get("scope_kind")).toBe("total");
    expect(query?.get("horizon")).toBe("30");
    expect(query?.get("history_days")).toBe(String(FORECAST_HISTORY_DAYS));
  });

  it("picks a scope of another kind and another horizon", async () => {
    const { requests } = await renderPage("/forecasts", api);
    await screen.findByTestId("forecast-month-end");

    await userEvent.selectOptions(screen.getByTestId("forecast-kind-select"), "account");
    const scopes = await screen.findByTestId("forecast-scope-select");
    expect(within(scopes).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "222222222222",
      "333333333333",
    ]);
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("seasonal_naive");

    await userEvent.selectOptions(scopes, "account:account=333333333333");
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("ensemble");
    expect(screen.getByText("ets 75%, moving_average 25%")).toBeInTheDocument();
    expect(screen.getByTestId("forecast-month-end")).toHaveTextContent("$1,254.69");
    expect(screen.getByTestId("forecast-chart")).toHaveAttribute(
      "data-scope-key",
      "account:account=333333333333",
    );

    await userEvent.selectOptions(screen.getByTestId("forecast-horizon-select"), "90");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/forecasts")?.searchParams.get("horizon")).toBe("90");
    });
    expect(lastRequest(requests, "/api/v1/forecasts")?.searchParams.get("scope_kind")).toBe(
      "account",
    );
  });

  it("lists budgets with actual and forecast against the amount and the alerts fired", async () => {
    await renderPage("/forecasts", api);
    const rows = await screen.findAllByTestId("budget-row");
    expect(rows.map((r) => r.firstElementChild?.firstElementChild?.textContent)).toEqual([
      "Data team",
      "Whole bill",
      "New budget",
    ]);
    const whole = within(rows[1] as HTMLElement);
    expect(whole.getByText("Mar 2026")).toBeInTheDocument();
    expect(whole.getByText("$1,000.00")).toBeInTheDocument();
    expect(whole.getByText("$3,652.79")).toBeInTheDocument();
    expect(whole.getByText("$3,892.93")).toBeInTheDocument();
    expect(whole.getByText("389.29% of amount")).toBeInTheDocument();
    expect(whole.getByText("365.28%")).toBeInTheDocument();
    expect(whole.getByText("actual ≥ 80.00%, forecast ≥ 100.00%")).toBeInTheDocument();
    expect(rows[1]).toHaveAttribute("data-tone", "warning");
    const data = within(rows[0] as HTMLElement);
    expect(data.getByText("Jan 1 – Mar 31, 2026")).toBeInTheDocument();
    expect(data.getByText("$1,000,000.00")).toBeInTheDocument();
    expect(rows[0]).not.toHaveAttribute("data-tone");
    expect(within(rows[2] as HTMLElement).getByText("not evaluated yet")).toBeInTheDocument();
  });

  it("says how to make forecasts when there are none", async () => {
    await renderPage("/forecasts", (url) =>
      url.pathname === "/api/v1/forecasts"
        ? { body: { data: [], count: 0, currency: "USD", horizon: 30 } }
        : api(url),
    );
    expect(await screen.findByText(/finops run forecasts/)).toBeInTheDocument();
  });

  it("creates a budget from the form, sends the API's body and reads the list again", async () => {
    const { calls } = await renderPage("/forecasts", budgetsApi());
    const form = within(await openBudgetForm());
    expect(form.getAllByTestId("budget-threshold")).toHaveLength(3);
    expect(form.getByLabelText("Threshold 1 kind")).toHaveValue("actual");
    expect(form.getByLabelText("Threshold 1 percent of the amount")).toHaveValue("80");
    expect(form.getByLabelText("Threshold 2 kind")).toHaveValue("actual");
    expect(form.getByLabelText("Threshold 2 percent of the amount")).toHaveValue("100");
    expect(form.getByLabelText("Threshold 3 kind")).toHaveValue("forecast");
    expect(form.getByLabelText("Threshold 3 percent of the amount")).toHaveValue("100");
    expect(form.queryByLabelText("Scope value")).toBeNull();

    await userEvent.type(form.getByLabelText("Name"), "Platform team");
    await userEvent.type(form.getByLabelText("Amount"), "2500.50");
    await userEvent.selectOptions(form.getByLabelText("Period"), "quarterly");
    await userEvent.selectOptions(form.getByLabelText("Scope dimension"), "tag");
    await userEvent.type(form.getByLabelText("Tag key"), "team");
    await userEvent.type(form.getByLabelText("Scope value"), "platform");
    await userEvent.type(form.getByLabelText("Webhook URL"), "https://hooks.example.com/finops");
    await userEvent.type(form.getByLabelText("Email"), "finops@example.com");
    const readsBefore = budgetReads(calls);
    await userEvent.click(form.getByRole("button", { name: "Create budget" }));

    await waitFor(() => {
      expect(screen.getAllByTestId("budget-row")).toHaveLength(4);
    });
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => [c.url.pathname, c.body])).toEqual([
      [
        "/api/v1/budgets",
        {
          name: "Platform team",
          amount: "2500.50",
          period: "quarterly",
          scope: { "tag:team": "platform" },
          thresholds: [
            { kind: "actual", percent: "80" },
            { kind: "actual", percent: "100" },
            { kind: "forecast", percent: "100" },
          ],
          channels: {
            webhook: ["https://hooks.example.com/finops"],
            email: ["finops@example.com"],
          },
          currency: "USD",
          cost_metric: "billed_cost",
        },
      ],
    ]);
    // the list is read again after the POST and shows the new budget
    expect(budgetReads(calls)).toBe(readsBefore + 1);
    const added = within(screen.getAllByTestId("budget-row")[3] as HTMLElement);
    expect(added.getByText("Platform team")).toBeInTheDocument();
    expect(added.getByText("$2,500.50")).toBeInTheDocument();
    expect(screen.getByTestId("budgets-notice")).toHaveTextContent(
      "Created budget “Platform team”.",
    );
    expect(screen.queryByRole("form", { name: "New budget" })).toBeNull();
  });

  it("sends a whole-bill budget with edited thresholds and no channels", async () => {
    const { calls } = await renderPage("/forecasts", budgetsApi());
    const form = within(await openBudgetForm());
    await userEvent.type(form.getByLabelText("Name"), "Small");
    await userEvent.type(form.getByLabelText("Amount"), "10");
    await userEvent.click(form.getByRole("button", { name: "Remove threshold 2" }));
    await userEvent.click(form.getByRole("button", { name: "Add threshold" }));
    await userEvent.selectOptions(form.getByLabelText("Threshold 3 kind"), "forecast");
    await userEvent.type(form.getByLabelText("Threshold 3 percent of the amount"), "120.5");
    await userEvent.click(form.getByRole("button", { name: "Create budget" }));

    await waitFor(() => {
      expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    });
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({
      period: "monthly",
      scope: {},
      thresholds: [
        { kind: "actual", percent: "80" },
        { kind: "forecast", percent: "100" },
        { kind: "forecast", percent: "120.5" },
      ],
      channels: {},
    });
  });

  it("shows each validation error of a 422 next to the field it names", async () => {
    const amountMessage = "budget 'Platform team': amount must be positive, got 0";
    const percentMessage = "Input should be a valid decimal";
    const metricMessage = "budget 'Platform team': cost metric 'x' is not one of billed_cost";
    const { calls } = await renderPage("/forecasts", refusingApi({
        status: 422,
        body: {
          detail: [
            { type: "value_error", loc: ["body", "amount"], msg: amountMessage, input: "0" },
            {
              type: "decimal_parsing",
              loc: ["body", "thresholds", 2, "percent"],
              msg: percentMessage,
            },
            { type: "value_error", loc: ["body", "cost_metric"], msg: metricMessage, input: "x" },
          ],
        },
      }),
    );
    const form = within(await openBudgetForm());
    await userEvent.type(form.getByLabelText("Name"), "Platform team");
    await userEvent.type(form.getByLabelText("Amount"), "0");
    const readsBefore = budgetReads(calls);
    await userEvent.click(form.getByRole("button", { name: "Create budget" }));

    const amount = form.getByLabelText("Amount");
    await waitFor(() => {
      expect(amount).toHaveAttribute("aria-invalid", "true");
    });
    expect(amount).toHaveAccessibleDescription(amountMessage);
    const percent = form.getByLabelText("Threshold 3 percent of the amount");
    expect(percent).toHaveAttribute("aria-invalid", "true");
    expect(percent).toHaveAccessibleDescription(percentMessage);
    expect(form.getByLabelText("Threshold 1 percent of the amount")).not.toHaveAttribute(
      "aria-invalid",
    );
    expect(form.getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
    // a field the form does not have is named in the form's message
    const alert = form.getByRole("alert");
    expect(alert).toHaveTextContent("Could not create the budget");
    expect(alert).toHaveTextContent(`cost_metric: ${metricMessage}`);
    expect(budgetReads(calls)).toBe(readsBefore);
    expect(screen.getAllByTestId("budget-row")).toHaveLength(3);
  });

  it("shows the API's message for a name in use next to the name", async () => {
    const duplicate = "a budget named 'Whole bill' exists already (id 1)";
    await renderPage("/forecasts", refusingApi({ status: 409, body: { detail: duplicate } }));
    const form = within(await openBudgetForm());
    await userEvent.type(form.getByLabelText("Name"), "Whole bill");
    await userEvent.type(form.getByLabelText("Amount"), "1000");
    await userEvent.click(form.getByRole("button", { name: "Create budget" }));

    const name = form.getByLabelText("Name");
    await waitFor(() => {
      expect(name).toHaveAccessibleDescription(duplicate);
    });
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(form.getByRole("alert")).toHaveTextContent("Could not create the budget");
    // the form keeps what was typed, to fix the name
    expect(form.getByLabelText("Amount")).toHaveValue("1000");
  });

  it("deletes a budget by id only after the confirm step, then reads the list again", async () => {
    const { calls } = await renderPage("/forecasts", budgetsApi());
    await screen.findAllByTestId("budget-row");
    const deletes = () => calls.filter((c) => c.method === "DELETE");

    await userEvent.click(screen.getByRole("button", { name: "Delete budget Whole bill" }));
    const confirm = screen.getByRole("group", { name: "Confirm deleting budget Whole bill" });
    expect(within(confirm).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("group", { name: /Confirm deleting/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Delete budget Whole bill" })).toHaveFocus();
    expect(deletes()).toEqual([]);

    await userEvent.click(screen.getByRole("button", { name: "Delete budget Whole bill" }));
    const readsBefore = budgetReads(calls);
    await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));

    await waitFor(() => {
      expect(screen.getAllByTestId("budget-row")).toHaveLength(2);
    });
    expect(deletes().map((c) => c.url.pathname)).toEqual(["/api/v1/budgets/1"]);
    expect(budgetReads(calls)).toBe(readsBefore + 1);
    expect(
      screen.getAllByTestId("budget-row").map((r) => r.firstElementChild?.firstElementChild?.textContent),
    ).toEqual(["Data team", "New budget"]);
    expect(screen.getByTestId("budgets-notice")).toHaveTextContent(
      "Deleted budget “Whole bill”.",
    );
  });

  it("shows the API's message when a delete fails", async () => {
    await renderPage("/forecasts", (url, call) =>
      call?.method === "DELETE"
        ? { status: 404, body: { detail: "no budget with id 2" } }
        : api(url, call),
    );
    await screen.findAllByTestId("budget-row");
    await userEvent.click(screen.getByRole("button", { name: "Delete budget Data team" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not delete the budget");
    expect(alert).toHaveTextContent("no budget with id 2");
  });

  it("opens the scope kind, scope and horizon a link names", async () => {
    const { requests } = await renderPage(
      "/forecasts?kind=account&scope=account%3Aaccount%3D333333333333&horizon=90",
      api,
    );
    expect(await screen.findByTestId("forecast-model")).toHaveTextContent("ensemble");
    expect(screen.getByTestId("forecast-kind-select")).toHaveValue("account");
    expect(screen.getByTestId("forecast-scope-select")).toHaveValue("account:account=333333333333");
    expect(screen.getByTestId("forecast-horizon-select")).toHaveValue("90");
    expect(screen.getByTestId("forecast-month-end")).toHaveTextContent("$1,254.69");
    const sent = requests.filter((url) => url.pathname === "/api/v1/forecasts");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.searchParams.get("scope_kind")).toBe("account");
    expect(sent[0]?.searchParams.get("horizon")).toBe("90");
  });

  it("writes the choices into the URL; a new scope kind forgets the scope", async () => {
    await renderPage("/forecasts", api);
    await screen.findByTestId("forecast-month-end");
    await userEvent.selectOptions(screen.getByTestId("forecast-kind-select"), "account");
    await userEvent.selectOptions(
      await screen.findByTestId("forecast-scope-select"),
      "account:account=333333333333",
    );
    await userEvent.selectOptions(screen.getByTestId("forecast-horizon-select"), "180");
    expect(addressSearch()).toEqual({
      kind: "account",
      scope: "account:account=333333333333",
      horizon: "180",
    });
    await userEvent.selectOptions(screen.getByTestId("forecast-kind-select"), "total");
    expect(addressSearch()).toEqual({ horizon: "180" });
    // an unknown horizon or kind in a link falls back to the defaults
    await renderPage("/forecasts?kind=galaxy&horizon=7", api);
    expect(
      (await screen.findAllByTestId("forecast-horizon-select")).at(-1),
    ).toHaveValue("30");
  });
});
