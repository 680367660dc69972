import { describe, expect, it } from "vitest";

import { scopeLabel } from "./scopes";

describe("scopeLabel", () => {
  it("names the whole bill and lists a scope's values in key order", () => {
    expect(scopeLabel({})).toBe("All accounts");
    expect(scopeLabel({ service: "Amazon S3", account: "222222222222" })).toBe(
      "222222222222 · Amazon S3",
    );
    expect(scopeLabel({ "tag:team": "data" })).toBe("team=data");
  });
});
