import { describe, expect, it } from "vitest";

import {
  formatCompactMoney,
  formatMoney,
  formatPercentChange,
  formatShare,
  moneyToNumber,
  roundHalfUpToCents,
  sumMoney,
} from "./money";

describe("roundHalfUpToCents", () => {
  it.each([
    ["12345.6789012345", "12345.68"],
    ["12345.6749999999", "12345.67"],
    ["0.005", "0.01"],
    ["0.0049999999", "0.00"],
    ["1.005", "1.01"],
    ["2.675", "2.68"],
    ["-1.005", "-1.01"],
    ["-0.004", "0.00"],
    ["100", "100.00"],
    ["7.5", "7.50"],
    ["+3.10", "3.10"],
    [".5", "0.50"],
    ["0E-10", "0.00"],
    ["1.2345E+3", "1234.50"],
    ["5E-3", "0.01"],
    ["90071992547409.995", "90071992547410.00"],
    ["123456789012345678901234.565", "123456789012345678901234.57"],
  ])("rounds %s to %s", (input, expected) => {
    expect(roundHalfUpToCents(input)).toBe(expected);
  });

  it.each(["", "abc", "1.2.3", "1,000.00", "NaN", "Infinity", "-", "."])(
    "rejects %j",
    (input) => {
      expect(() => roundHalfUpToCents(input)).toThrow(RangeError);
    },
  );
});

describe("formatMoney", () => {
  it("formats USD with thousands separators and two decimals", () => {
    expect(formatMoney("1234567.891", "USD")).toBe("$1,234,567.89");
    expect(formatMoney("0", "USD")).toBe("$0.00");
    expect(formatMoney("-2.5", "USD")).toBe("-$2.50");
  });

  it("keeps cents exact beyond float precision", () => {
    expect(formatMoney("90071992547409.995", "USD")).toBe("$90,071,992,547,410.00");
    expect(formatMoney("1.005", "USD")).toBe("$1.01");
  });

  it("uses the currency it is given", () => {
    expect(formatMoney("1234.5", "EUR")).toBe("€1,234.50");
  });
});

describe("formatCompactMoney", () => {
  it("abbreviates large values", () => {
    expect(formatCompactMoney(1_234_567, "USD")).toBe("$1.2M");
    expect(formatCompactMoney(950, "USD")).toBe("$950");
  });
});

describe("moneyToNumber", () => {
  it("parses decimal strings", () => {
    expect(moneyToNumber("12.5")).toBe(12.5);
    expect(moneyToNumber("1E+2")).toBe(100);
  });

  it("rejects non-decimals", () => {
    expect(() => moneyToNumber("12,5")).toThrow(RangeError);
  });
});

describe("formatPercentChange", () => {
  it("signs changes and rounds to one decimal", () => {
    expect(formatPercentChange(12.345)).toBe("+12.3%");
    expect(formatPercentChange(-4)).toBe("−4.0%");
    expect(formatPercentChange(0.01)).toBe("0.0%");
  });

  it("shows n/a when there is no baseline", () => {
    expect(formatPercentChange(null)).toBe("n/a");
  });
});

describe("formatShare", () => {
  it("shows one decimal", () => {
    expect(formatShare(37.456)).toBe("37.5%");
  });
});

describe("sumMoney", () => {
  it("adds decimal strings without float error", () => {
    expect(sumMoney(["0.1", "0.2"])).toBe("0.3");
    expect(sumMoney(["12345.6789012345", "0.0000000005", "-45.6789"])).toBe("12300.0000012350");
    expect(sumMoney(["1E+2", "3"])).toBe("103");
    expect(sumMoney(["-0.5", "0.25"])).toBe("-0.25");
    expect(sumMoney([])).toBe("0");
  });
});
