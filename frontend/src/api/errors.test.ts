import { describe, expect, it } from "vitest";

import { describeApiError } from "./errors";

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

  it("falls back to the status and body text for non-JSON errors", () => {
    expect(describeApiError(502, "Bad Gateway")).toBe("HTTP 502: Bad Gateway");
    expect(describeApiError(500, "")).toBe("Request failed with HTTP 500");
    expect(describeApiError(500, { unexpected: true })).toBe("Request failed with HTTP 500");
  });
});
