import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { addressSearch, type FakeCall, type FakeResponse, type FakeRoute, renderPage } from "../../test/fakeApi";
import { buildAskOption, chartKind } from "./askChart";
import { valueText } from "./format";
import type { Answer } from "./queries";

const SQL = "SELECT label, amount FROM finops.costs";

function answer(fields: Partial<Answer>): Answer {
  return {
    question: "q",
    refused: false,
    value: null,
    columns: [],
    rows: [],
    sql: [SQL],
    explanation: "",
    provider: "offline",
    plan: null,
    ...fields,
  };
}

const BREAKDOWN = answer({
  question: "Top 2 services by cost last month",
  value: "1234.567890",
  columns: ["service_name", "billed_cost"],
  rows: [
    ["Amazon Elastic Compute Cloud", "1000.500000"],
    ["Amazon Simple Storage Service", "234.067890"],
  ],
  explanation: "Billed cost by service_name over last month: the top 2 of 2 rows shown.",
  plan: { intent: "breakdown", dim: "service_name" },
});

const DAILY = answer({
  question: "daily cost last 3 days",
  value: "30.000000",
  columns: ["day", "billed_cost"],
  rows: [
    ["2026-11-01", "10.000000"],
    ["2026-11-02", "12.000000"],
    ["2026-11-03", "8.000000"],
  ],
  plan: { intent: "breakdown", dim: "day" },
});

const REFUSED = answer({
  question: "drop table costs",
  refused: true,
  sql: [],
  explanation: "I can't answer that: the question asks for something the offline parser does not do.",
});

/** The assistant's API: `answers` by question (recorded in `asked`). */
function askApi(answers: Record<string, FakeResponse>) {
  const asked: unknown[] = [];
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (url.pathname === "/api/v1/assistant/ask" && call?.method === "POST") {
      asked.push(call.body);
      const question = (call.body as { question: string }).question;
      return answers[question] ?? { body: REFUSED };
    }
    return undefined;
  };
  return { route, asked };
}

async function askQuestion(question: string) {
  const input = await screen.findByTestId("ask-input");
  await userEvent.clear(input);
  await userEvent.type(input, `${question}{Enter}`);
}

describe("AskPage", () => {
  it("asks through the API and shows the number, paragraph, table, bar chart and SQL", async () => {
    const { route, asked } = askApi({ [BREAKDOWN.question]: { body: BREAKDOWN } });
    await renderPage("/ask", route);
    await askQuestion(BREAKDOWN.question);

    const value = await screen.findByTestId("ask-value");
    expect(value.dataset["value"]).toBe("1234.567890");
    expect(value).toHaveTextContent("$1,234.57");
    expect(asked).toEqual([{ question: BREAKDOWN.question }]);
    expect(addressSearch()).toEqual({ q: BREAKDOWN.question });
    expect(screen.getByTestId("ask-explanation")).toHaveTextContent(BREAKDOWN.explanation);
    const rows = within(screen.getByTestId("sql-result")).getAllByTestId("sql-row");
    expect(rows.map((row) => row.textContent)).toEqual([
      "Amazon Elastic Compute Cloud1000.500000",
      "Amazon Simple Storage Service234.067890",
    ]);
    expect(screen.getByTestId("ask-chart").dataset["kind"]).toBe("bar");
    const details = screen.getByTestId("ask-sql");
    expect(details).not.toHaveAttribute("open");
    expect(within(details).getByTestId("ask-sql-statement")).toHaveTextContent(SQL);
  });

  it("copies the SQL behind the answer", async () => {
    const user = userEvent.setup();
    const { route } = askApi({ [BREAKDOWN.question]: { body: BREAKDOWN } });
    await renderPage(`/ask?q=${encodeURIComponent(BREAKDOWN.question)}`, route);
    const details = await screen.findByTestId("ask-sql");
    await user.click(within(details).getByText(/The SQL behind it/));
    await user.click(within(details).getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(SQL);
    expect(within(details).getByRole("button", { name: "Copied" })).toBeInTheDocument();
  });

  it("asks the question in the address on opening (a link or a reload)", async () => {
    const { route, asked } = askApi({ [DAILY.question]: { body: DAILY } });
    await renderPage(`/ask?q=${encodeURIComponent(DAILY.question)}`, route);
    expect(await screen.findByTestId("ask-value")).toHaveTextContent("$30.00");
    expect(screen.getByTestId<HTMLInputElement>("ask-input").value).toBe(DAILY.question);
    expect(screen.getByTestId("ask-chart").dataset["kind"]).toBe("line");
    expect(asked).toHaveLength(1);
  });

  it("says clearly when the assistant refuses, with no number", async () => {
    const { route } = askApi({});
    await renderPage("/ask", route);
    await askQuestion(REFUSED.question);
    const refused = await screen.findByTestId("ask-refused");
    expect(refused).toHaveRole("alert");
    expect(refused).toHaveTextContent("The assistant can't answer that question");
    expect(refused).toHaveTextContent(REFUSED.explanation);
    expect(screen.queryByTestId("ask-value")).toBeNull();
    expect(screen.queryByTestId("ask-chart")).toBeNull();
  });

  it("shows the server's message when asking fails (rate limit)", async () => {
    const { route } = askApi({ slow: { status: 429, body: { detail: "too many queries: 30 a minute" } } });
    await renderPage("/ask", route);
    await askQuestion("slow");
    expect(await screen.findByText(/too many queries: 30 a minute/)).toBeInTheDocument();
  });

  it("is in the navigation and opens from Ctrl+K with the question box focused", async () => {
    const { route } = askApi({});
    await renderPage("/", route);
    const nav = await screen.findByRole("navigation", { name: "Pages" });
    expect(within(nav).getByRole("link", { name: "Ask" })).toHaveAttribute("href", "/ask");
    await userEvent.keyboard("{Control>}k{/Control}");
    await waitFor(() => {
      expect(window.location.pathname).toBe("/ask");
    });
    await waitFor(() => {
      expect(screen.getByTestId("ask-input")).toHaveFocus();
    });
  });
});

describe("chartKind and valueText", () => {
  it("draws time series as lines and breakdowns as bars, nothing for one number", () => {
    expect(chartKind(DAILY)).toBe("line");
    expect(chartKind(BREAKDOWN)).toBe("bar");
    expect(chartKind(answer({ value: "5", plan: { intent: "total" } }))).toBeNull();
    expect(chartKind(REFUSED)).toBeNull();
    expect(chartKind(answer({ ...BREAKDOWN, rows: [["a", "1"]] }))).toBeNull();
    const option = buildAskOption(BREAKDOWN, "bar");
    expect(option.series).toEqual([
      expect.objectContaining({ type: "bar", data: [1000.5, 234.06789] }),
    ]);
  });

  it("formats money, counts and percentages", () => {
    expect(valueText(BREAKDOWN)).toBe("$1,234.57");
    expect(valueText(answer({ value: "3", plan: { intent: "anomaly_count" } }))).toBe("3");
    expect(valueText(answer({ value: "87.50", plan: { intent: "commitment_utilization" } }))).toBe("87.50 %");
  });
});
