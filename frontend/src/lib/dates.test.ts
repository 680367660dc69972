import { describe, expect, it } from "vitest";

import {
  formatBillingPeriod,
  formatDayLabel,
  formatLongDate,
  previousBillingPeriod,
} from "./dates";

describe("date labels", () => {
  it("formats days without time-zone shifts", () => {
    expect(formatDayLabel("2025-03-01")).toBe("Mar 1");
    expect(formatDayLabel("2025-12-31")).toBe("Dec 31");
    expect(formatLongDate("2025-01-09")).toBe("Jan 9, 2025");
  });

  it("formats billing periods", () => {
    expect(formatBillingPeriod("2025-02")).toBe("Feb 2025");
  });

  it("passes through values it does not understand", () => {
    expect(formatDayLabel("2025-13-01")).toBe("2025-13-01");
    expect(formatBillingPeriod("latest")).toBe("latest");
  });
});

describe("previousBillingPeriod", () => {
  it("steps back one month, across years", () => {
    expect(previousBillingPeriod("2025-03-18")).toBe("2025-02");
    expect(previousBillingPeriod("2025-01-01")).toBe("2024-12");
    expect(previousBillingPeriod("2025-11-30")).toBe("2025-10");
    expect(previousBillingPeriod("soon")).toBeNull();
  });
});
