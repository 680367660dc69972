import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { asRole } from "../../test/authFixtures";
import {
  addressSearch,
  type FakeCall,
  type FakeResponse,
  type FakeRoute,
  renderPage,
} from "../../test/fakeApi";
import type { SqlResult, SqlTables } from "./queries";

const TABLES: SqlTables = {
  data: [
    {
      name: "costs",
      columns: [
        { name: "sub_account_id", type: "text" },
        { name: "billed_cost", type: "numeric" },
        { name: "tags", type: "jsonb" },
      ],
    },
    { name: "resources", columns: [{ name: "resource_id", type: "text" }] },
  ],
  count: 2,
};

const RESULT: SqlResult = {
  columns: ["sub_account_id", "total", "rows", "tags", "note"],
  rows: [
    ["111111111111", "1234.500000", 12, { team: "data", "cost-center": "cc-1" }, ""],
    ["222222222222", "-7.250000", 3, null, null],
  ],
  row_count: 2,
  truncated: false,
  duration_ms: 12.34,
};

/** The console's API: `/sql/tables`, and `answer` for every query (recorded in `queries`). */
function sqlApi(answer: (body: unknown) => FakeResponse = () => ({ body: RESULT })) {
  const queries: unknown[] = [];
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (url.pathname === "/api/v1/sql/tables") {
      return { body: TABLES };
    }
    if (url.pathname === "/api/v1/sql/query" && call?.method === "POST") {
      queries.push(call.body);
      return answer(call.body);
    }
    return undefined;
  };
  return { route, queries };
}

function editor(): HTMLTextAreaElement {
  return screen.getByTestId<HTMLTextAreaElement>("sql-editor");
}

async function typeAndRun(sql: string) {
  await screen.findByTestId("sql-editor");
  await userEvent.clear(editor());
  await userEvent.type(editor(), sql);
  await userEvent.click(screen.getByRole("button", { name: "Run" }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SqlPage", () => {
  it("runs a query and shows its columns, rows, NULL, JSON and exact decimals", async () => {
    const { route, queries } = sqlApi();
    await renderPage("/sql", route);
    await typeAndRun("select 1");

    const table = await screen.findByTestId("sql-result");
    const headers = within(table).getAllByRole("columnheader");
    expect(headers.map((th) => th.textContent)).toEqual([
      "sub_account_id",
      "total",
      "rows",
      "tags",
      "note",
    ]);
    // numbers (decimal strings and JSON numbers) right-aligned; account ids are text
    expect(headers.map((th) => th.className.includes("text-right"))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    const [first, second] = screen.getAllByTestId("sql-row");
    const firstCells = within(first as HTMLElement).getAllByRole("cell");
    expect(firstCells.map((td) => td.textContent)).toEqual([
      "111111111111",
      "1234.500000",
      "12",
      '{"team":"data","cost-center":"cc-1"}',
      "",
    ]);
    expect(firstCells[1]).toHaveClass("text-right");
    expect(firstCells[3]).toHaveAttribute("data-json", "true");
    expect(firstCells[4]).not.toHaveAttribute("data-null");
    const secondCells = within(second as HTMLElement).getAllByRole("cell");
    expect(secondCells.map((td) => td.textContent)).toEqual([
      "222222222222",
      "-7.250000",
      "3",
      "NULL",
      "NULL",
    ]);
    expect(secondCells[3]).toHaveAttribute("data-null", "true");
    expect(secondCells[4]).toHaveAttribute("data-null", "true");
    expect(screen.getByTestId("sql-summary")).toHaveTextContent("2 rows in 12.3 ms");
    expect(screen.queryByTestId("sql-truncated")).toBeNull();
    expect(queries).toEqual([{ sql: "select 1", limit: null }]);
  });

  it("runs with Ctrl+Enter, sends the row cap and keeps both in the address", async () => {
    const { route, queries } = sqlApi();
    await renderPage("/sql", route);
    await userEvent.type(await screen.findByTestId("sql-editor"), "select * from costs");
    await userEvent.type(screen.getByTestId("sql-cap"), "50");
    await userEvent.type(editor(), "{Control>}{Enter}{/Control}");
    await screen.findByTestId("sql-result");
    expect(queries).toEqual([{ sql: "select * from costs", limit: 50 }]);
    expect(addressSearch()).toEqual({ sql: "select * from costs", limit: "50" });
  });

  it("shows the server's message when a query is refused", async () => {
    const { route } = sqlApi(() => ({
      status: 400,
      body: { detail: 'relation "nope" does not exist' },
    }));
    await renderPage("/sql", route);
    await typeAndRun("select * from nope");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The query was refused or failed");
    expect(alert).toHaveTextContent('relation "nope" does not exist');
    expect(screen.queryByTestId("sql-result")).toBeNull();
  });

  it("shows the rate limit's message and when to try again", async () => {
    const { route } = sqlApi(() => ({
      status: 429,
      headers: { "Retry-After": "17" },
      body: {
        detail:
          "at most 30 SQL queries a minute (FINOPS_SQL_QUERIES_PER_MINUTE); try again in 17 s",
      },
    }));
    await renderPage("/sql", route);
    await typeAndRun("select 1");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many queries: try again in 17 s");
    expect(alert).toHaveTextContent("at most 30 SQL queries a minute");
  });

  it("says when the result was truncated at the row cap", async () => {
    const rows = Array.from({ length: 3 }, (_, i) => [i + 1]);
    const { route } = sqlApi(() => ({
      body: { columns: ["n"], rows, row_count: 3, truncated: true, duration_ms: 4 },
    }));
    await renderPage("/sql", route);
    await typeAndRun("select generate_series(1, 10) as n");
    expect(await screen.findByTestId("sql-truncated")).toHaveTextContent(
      "Truncated at 3 rows: the query has more.",
    );
    expect(screen.getAllByTestId("sql-row")).toHaveLength(3);
    expect(screen.getByTestId("sql-summary")).toHaveTextContent("3 rows in 4 ms");
  });

  it("lists the views, shows a view's columns and puts a select of it in the editor", async () => {
    await renderPage("/sql", sqlApi().route);
    const views = await screen.findAllByTestId("sql-view");
    expect(views.map((v) => v.dataset["view"])).toEqual(["costs", "resources"]);
    expect(screen.queryAllByTestId("sql-view-column")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Show the columns of costs" }));
    const columns = screen.getAllByTestId("sql-view-column");
    expect(columns.map((c) => c.textContent)).toEqual([
      "sub_account_idtext",
      "billed_costnumeric",
      "tagsjsonb",
    ]);

    await userEvent.click(screen.getByRole("button", { name: "resources" }));
    expect(editor()).toHaveValue("select * from resources limit 100");
    expect(editor()).toHaveFocus();
  });

  it("opens a linked statement in the editor and runs it on Run", async () => {
    const { route, queries } = sqlApi();
    await renderPage(
      `/sql?${new URLSearchParams({ sql: "select sub_account_id\nfrom costs", limit: "25" }).toString()}`,
      route,
    );
    expect(await screen.findByTestId("sql-editor")).toHaveValue("select sub_account_id\nfrom costs");
    expect(screen.getByTestId("sql-cap")).toHaveValue(25);
    expect(queries).toEqual([]);
    await userEvent.click(screen.getByRole("button", { name: "Run" }));
    await screen.findByTestId("sql-result");
    expect(queries).toEqual([{ sql: "select sub_account_id\nfrom costs", limit: 25 }]);
  });

  it("steps back to the statement run before", async () => {
    const { route, queries } = sqlApi();
    const { router } = await renderPage("/sql", route);
    await typeAndRun("select 1");
    await screen.findByTestId("sql-result");
    await typeAndRun("select 2");
    await waitFor(() => {
      expect(addressSearch()).toEqual({ sql: "select 2" });
    });
    router.history.back();
    await waitFor(() => {
      expect(editor()).toHaveValue("select 1");
    });
    expect(addressSearch()).toEqual({ sql: "select 1" });
    expect(queries).toEqual([
      { sql: "select 1", limit: null },
      { sql: "select 2", limit: null },
    ]);
  });

  it("downloads the result as CSV with NULL empty and JSON as JSON", async () => {
    const files: Blob[] = [];
    const names: string[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      files.push(blob as Blob);
      return "blob:finops/1";
    });
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    await renderPage("/sql", sqlApi().route);
    await typeAndRun("select 1");
    await userEvent.click(await screen.findByRole("button", { name: "Download CSV" }));
    expect(names).toEqual(["sql-result.csv"]);
    expect((await files[0]?.text())?.split("\r\n")).toEqual([
      "sub_account_id,total,rows,tags,note",
      '111111111111,1234.500000,12,"{""team"":""data"",""cost-center"":""cc-1""}",',
      "222222222222,-7.250000,3,,",
      "",
    ]);
  });

  it("is not offered to a viewer, and /sql tells them why without asking for the views", async () => {
    const { requests } = await renderPage("/sql", asRole("viewer", sqlApi().route));
    expect(await screen.findByTestId("forbidden")).toHaveTextContent(
      "This page needs the “sql” permission; you are signed in as viewer.",
    );
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(within(nav).queryByRole("link", { name: "SQL" })).toBeNull();
    expect(screen.queryByTestId("sql-editor")).toBeNull();
    expect(requests.map((url) => url.pathname)).not.toContain("/api/v1/sql/tables");
  });

  it("is in the navigation of an analyst", async () => {
    await renderPage("/sql", asRole("analyst", sqlApi().route));
    await screen.findAllByTestId("sql-view");
    const nav = screen.getByRole("navigation", { name: "Pages" });
    await waitFor(() => {
      expect(within(nav).getByRole("link", { name: "SQL" })).toHaveAttribute("aria-current", "page");
    });
  });
});
