import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/errors";
import { budgetCreateBody, budgetFieldKey, budgetFormErrors, emptyBudgetDraft } from "./budgets";

describe("budgetCreateBody", () => {
  it("sends the whole bill, the default thresholds and no channels for an untouched form", () => {
    const body = budgetCreateBody({ ...emptyBudgetDraft(), name: " Whole bill ", amount: "1000" });
    expect(body).toEqual({
      name: "Whole bill",
      amount: "1000",
      period: "monthly",
      scope: {},
      thresholds: [
        { kind: "actual", percent: "80" },
        { kind: "actual", percent: "100" },
        { kind: "forecast", percent: "100" },
      ],
      channels: {},
      currency: "USD",
      cost_metric: "billed_cost",
    });
  });

  it("scopes to a dimension or a tag key and keeps amounts as typed decimal strings", () => {
    const draft = { ...emptyBudgetDraft(), name: "x", amount: "0.10", scopeValue: " eu-west-1 " };
    expect(budgetCreateBody({ ...draft, dimension: "region" }).scope).toEqual({
      region: "eu-west-1",
    });
    expect(budgetCreateBody({ ...draft, dimension: "tag", tagKey: "cost-center" }).scope).toEqual({
      "tag:cost-center": "eu-west-1",
    });
    expect(budgetCreateBody(draft).amount).toBe("0.10");
  });

  it("sends only the channels that were filled in", () => {
    const draft = { ...emptyBudgetDraft(), email: " finops@example.com " };
    expect(budgetCreateBody(draft).channels).toEqual({ email: ["finops@example.com"] });
  });
});

describe("budgetFieldKey", () => {
  it("maps a body location to the form field, threshold row or group it names", () => {
    expect(budgetFieldKey(["body", "name"])).toBe("name");
    expect(budgetFieldKey(["body", "amount"])).toBe("amount");
    expect(budgetFieldKey(["body", "scope"])).toBe("scope");
    expect(budgetFieldKey(["body", "thresholds"])).toBe("thresholds");
    expect(budgetFieldKey(["body", "thresholds", 1, "percent"])).toBe("thresholds.1");
    expect(budgetFieldKey(["body", "channels"])).toBe("channels");
    expect(budgetFieldKey(["body", "channels", "webhook", 0])).toBe("webhook");
    expect(budgetFieldKey(["body", "channels", "email", 0])).toBe("email");
  });

  it("has no field for the body as a whole, fields the form lacks or other sources", () => {
    expect(budgetFieldKey(["body"])).toBeNull();
    expect(budgetFieldKey(["body", "cost_metric"])).toBeNull();
    expect(budgetFieldKey(["query", "name"])).toBeNull();
  });
});

describe("budgetFormErrors", () => {
  it("puts a 422's messages on their fields, joined when one field has several", () => {
    const error = new ApiError(422, "…", [
      { loc: ["body", "amount"], msg: "amount must be positive, got 0" },
      { loc: ["body", "amount"], msg: "second complaint" },
      { loc: ["body", "currency"], msg: "String should match pattern '^[A-Z]{3}$'" },
    ]);
    expect(budgetFormErrors(error)).toEqual({
      fields: { amount: "amount must be positive, got 0; second complaint" },
      other: "currency: String should match pattern '^[A-Z]{3}$'",
    });
  });

  it("puts a 409 on the name and anything else on the form", () => {
    const duplicate = "a budget named 'x' exists already (id 3)";
    expect(budgetFormErrors(new ApiError(409, duplicate))).toEqual({
      fields: { name: duplicate },
      other: null,
    });
    expect(budgetFormErrors(new ApiError(500, "HTTP 500: boom"))).toEqual({
      fields: {},
      other: "HTTP 500: boom",
    });
    expect(budgetFormErrors(new TypeError("Failed to fetch"))).toEqual({
      fields: {},
      other: "Failed to fetch",
    });
  });
});
