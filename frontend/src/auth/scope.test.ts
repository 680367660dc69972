import { describe, expect, it } from "vitest";

import { scopeFromText, scopeSummary, scopeToText } from "./scope";

describe("scope fields", () => {
  it("reads accounts and tags, trimming and dropping repeats", () => {
    expect(
      scopeFromText({ accounts: " 111, 222,,111 ", tags: "team=data, web ; cost-center=cc-1" }),
    ).toEqual({ accounts: ["111", "222"], tags: { team: ["data", "web"], "cost-center": ["cc-1"] } });
  });

  it("reads empty fields as every account and no tag limit", () => {
    expect(scopeFromText({ accounts: "", tags: " " })).toEqual({ accounts: null, tags: {} });
  });

  it("names the part of the tags it does not understand", () => {
    expect(scopeFromText({ accounts: "", tags: "team=data; oops" })).toEqual({
      error: "tags: “oops” is not key=value,value",
    });
    expect(scopeFromText({ accounts: "", tags: "team=" })).toEqual({
      error: "tags: “team=” is not key=value,value",
    });
  });

  it("writes a scope back to the same fields and summarises it", () => {
    const scope = { accounts: ["111"], tags: { team: ["data", "web"] } };
    expect(scopeToText(scope)).toEqual({ accounts: "111", tags: "team=data,web" });
    expect(scopeFromText(scopeToText(scope))).toEqual(scope);
    expect(scopeSummary(scope)).toBe("accounts 111 · team=data,web");
    expect(scopeSummary({ accounts: null, tags: {} })).toBe("all accounts");
  });
});
