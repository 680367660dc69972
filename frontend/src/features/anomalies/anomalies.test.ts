import { describe, expect, it } from "vitest";

import {
  anomalyKindLabel,
  dayRange,
  dimensionLabel,
  formatShareOfDeviation,
  scopeKindLabel,
  statusActions,
  statusLabel,
} from "./anomalies";

describe("labels", () => {
  it("reads scope kinds, kinds, statuses and dimensions", () => {
    expect(scopeKindLabel("account_service")).toBe("Account × service");
    expect(scopeKindLabel("tag:owner")).toBe("Tag owner");
    expect(scopeKindLabel("new_kind")).toBe("new kind");
    expect(anomalyKindLabel("level_shift")).toBe("Level shift");
    expect(statusLabel("false_positive")).toBe("False positive");
    expect(dimensionLabel("usage_type")).toBe("Usage type");
    expect(formatShareOfDeviation(0.87349)).toBe("87.3%");
  });

  it("shows one day or a range", () => {
    expect(dayRange("2026-03-20", "2026-03-20")).toBe("Mar 20, 2026");
    expect(dayRange("2026-03-20", "2026-03-26")).toBe("Mar 20 – Mar 26, 2026");
  });
});

describe("statusActions", () => {
  it("offers every lifecycle move but the current status", () => {
    expect(statusActions({ status: "open" }).map((a) => a.label)).toEqual([
      "Acknowledge",
      "Resolve",
      "Mark false positive",
    ]);
    expect(statusActions({ status: "false_positive" }).map((a) => a.status)).toEqual([
      "acknowledged",
      "resolved",
      "open",
    ]);
  });
});
