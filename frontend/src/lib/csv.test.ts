import { describe, expect, it } from "vitest";

import { type CsvColumn, toCsv } from "./csv";

interface Row {
  name: string;
  cost: string;
  count: number | null;
}

const COLUMNS: CsvColumn<Row>[] = [
  { header: "name", value: (row) => row.name },
  { header: "cost", value: (row) => row.cost },
  { header: "count", value: (row) => row.count },
];

describe("toCsv", () => {
  it("writes a header and one CRLF-ended line per row, money as sent", () => {
    expect(
      toCsv(COLUMNS, [
        { name: "a", cost: "20.52022672899", count: 3 },
        { name: "b", cost: "-0.000000000000001", count: null },
      ]),
    ).toBe("name,cost,count\r\na,20.52022672899,3\r\nb,-0.000000000000001,\r\n");
  });

  it("quotes commas, quotes and line breaks", () => {
    expect(toCsv(COLUMNS, [{ name: 'x, "y"\nz', cost: "1", count: 0 }])).toBe(
      'name,cost,count\r\n"x, ""y""\nz",1,0\r\n',
    );
  });

  it("keeps spreadsheets from running a cell as a formula", () => {
    expect(toCsv(COLUMNS, [{ name: "=HYPERLINK(1)", cost: "@x", count: 1 }])).toBe(
      "name,cost,count\r\n'=HYPERLINK(1),'@x,1\r\n",
    );
  });

  it("writes only the header for no rows", () => {
    expect(toCsv(COLUMNS, [])).toBe("name,cost,count\r\n");
  });
});
