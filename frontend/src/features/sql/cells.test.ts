import { describe, expect, it } from "vitest";

import { toCsv } from "../../lib/csv";
import { cellText, csvColumns, isNumericColumn, viewStatement } from "./cells";

describe("isNumericColumn", () => {
  it("takes JSON numbers and decimal strings for numbers, not digit-only ids or text", () => {
    const rows = [
      ["111111111111", "12.50", 3, "abc", null, "7"],
      ["222222222222", null, 4.5, "1.5", null, "8"],
    ];
    expect(rows[0]?.map((_, i) => isNumericColumn(rows, i))).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("cellText and csvColumns", () => {
  it("writes JSON compactly, keeps decimals exact and leaves NULL empty", () => {
    expect(cellText({ a: [1, 2], b: null })).toBe('{"a":[1,2],"b":null}');
    expect(cellText("0.000000001")).toBe("0.000000001");
    expect(cellText(false)).toBe("false");
    expect(cellText(null)).toBe("");
    expect(toCsv(csvColumns(["a", "b", "c"]), [["=1+1", null, ["x"]]])).toBe(
      'a,b,c\r\n\'=1+1,,"[""x""]"\r\n',
    );
  });

  it("selects the first hundred rows of a view", () => {
    expect(viewStatement("costs")).toBe("select * from costs limit 100");
  });
});
