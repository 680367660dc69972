import { describe, expect, it } from "vitest";

import type { UsageIncidentDetailPublic } from "../../api/client";
import { metricValue, patternLabel, sparkValues, usageWindow } from "./usage";

describe("usage incidents", () => {
  it("labels patterns, windows and values", () => {
    expect(patternLabel("pinned")).toBe("Pinned");
    expect(patternLabel("other")).toBe("other");
    expect(usageWindow("2026-09-28T09:00:00Z", "2026-09-29T15:00:00Z")).toBe(
      "2026-09-28 09:00 – 2026-09-29 15:00 UTC (30 h)",
    );
    expect(usageWindow("2026-09-28T09:00:00Z", "2026-09-28T09:45:00Z")).toBe(
      "2026-09-28 09:00 – 2026-09-28 09:45 UTC (45 min)",
    );
    expect(metricValue(99.96, "Percent")).toBe("100.0%");
    expect(metricValue(1_250_000, "Bytes")).toBe("1.3M Bytes");
    expect(metricValue(1200, "Count")).toBe("1.2K");
  });

  it("counts the sparkline's hours inside the incident", () => {
    const incident = {
      started_at: "2026-09-28T09:00:00Z",
      ended_at: "2026-09-28T11:00:00Z",
      series: [
        { ts: "2026-09-28T08:00:00Z", value: 40 },
        { ts: "2026-09-28T09:00:00Z", value: 100 },
        { ts: "2026-09-28T10:00:00Z", value: 100 },
        { ts: "2026-09-28T11:00:00Z", value: 41 },
      ],
    } as UsageIncidentDetailPublic;
    expect(sparkValues(incident)).toEqual({ values: [40, 100, 100, 41], inside: 2 });
  });
});
