import { describe, expect, it } from "vitest";

import { describeApiError, validationIssues } from "./errors";

describe("describeApiError", () => {
  it("shows a string detail as is", () => {
    expect(describeApiError(404, { detail: "billing period 2031-01 has no data" })).toBe(
      "billing period 2031-01 has no data",
    );
  });

  it("names the parameter of each validation error", () => {
    const body = {
      detail: [
        {
          loc: ["query", "billing_period"],
          msg: "String should match pattern '^\\d{4}-\\d{2}$'",
          type: "string_pattern_mismatch",
        },
        { loc: ["query", "top"], msg: "Input should be less than or equal to 50", type: "x" },
      ],
    };
    expect(describeApiError(422, body)).toBe(
      "billing_period: String should match pattern '^\\d{4}-\\d{2}$'; top: Input should be less than or equal to 50",
    );
  });

  it("names a request body's field without the body prefix", () => {
    const body = {
      detail: [
        { loc: ["body", "amount"], msg: "budget 'x': amount must be positive, got 0", type: "x" },
        { loc: ["body", "thresholds", 1, "percent"], msg: "Input should be a valid decimal" },
      ],
    };
    expect(describeApiError(422, body)).toBe(
      "amount: budget 'x': amount must be positive, got 0; thresholds.1.percent: Input should be a valid decimal",
    );
  });

  it("falls back to the status and body text for non-JSON errors", () => {
    expect(describeApiError(502, "Bad Gateway")).toBe("HTTP 502: Bad Gateway");
    expect(describeApiError(500, "")).toBe("Request failed with HTTP 500");
    expect(describeApiError(500, { unexpected: true })).toBe("Request failed with HTTP 500");
  });
});

describe("validationIssues", () => {
  it("keeps each validation error's location and message", () => {
    const issue = { loc: ["body", "name"], msg: "String should have at least 1 character" };
    expect(validationIssues({ detail: [issue, { unexpected: true }] })).toEqual([issue]);
  });

  it("finds none in a string detail or a body without one", () => {
    expect(validationIssues({ detail: "a budget named 'x' exists already (id 3)" })).toEqual([]);
    expect(validationIssues("Bad Gateway")).toEqual([]);
    expect(validationIssues(undefined)).toEqual([]);
  });
});
