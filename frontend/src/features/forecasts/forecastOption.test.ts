import { describe, expect, it } from "vitest";

import { forecastsFixture } from "../../test/intelligenceFixtures";
import { buildForecastOption, forecastDays, forecastTooltipHtml } from "./forecastOption";

const forecast = forecastsFixture("total").data[0];
if (forecast === undefined) {
  throw new Error("the fixture has a forecast");
}

describe("buildForecastOption", () => {
  it("puts actual days before forecast days and draws both intervals as bands", () => {
    expect(forecastDays(forecast)).toEqual([
      "2026-03-28",
      "2026-03-29",
      "2026-03-30",
      "2026-03-31",
    ]);
    const option = buildForecastOption(forecast, "USD");
    const series = option.series as { name: string; data: unknown[]; stack?: string }[];
    const byName = new Map(series.map((s) => [s.name, s]));
    expect(byName.get("95% interval (base)")?.data).toEqual([null, null, 116, 115]);
    expect(byName.get("95% interval")?.data).toEqual([null, null, 9, 9]);
    expect(byName.get("80% interval (base)")?.data).toEqual([null, null, 118, 117]);
    expect(byName.get("80% interval")?.data).toEqual([null, null, 5, 5]);
    expect(byName.get("Forecast")?.data).toEqual([null, null, 120.5, 119.5]);
    expect(byName.get("Actual")?.data).toEqual([90.25, 91.75, null, null]);
    expect(byName.get("80% interval")?.stack).toBe("band80");
  });
});

describe("forecastTooltipHtml", () => {
  it("shows the actual cost or the forecast with its intervals", () => {
    expect(forecastTooltipHtml(forecast, "2026-03-29", "USD")).toContain("$91.75");
    const ahead = forecastTooltipHtml(forecast, "2026-03-30", "USD");
    expect(ahead).toContain("$120.50");
    expect(ahead).toContain("$118.00 – $123.00");
    expect(ahead).toContain("$116.00 – $125.00");
    expect(forecastTooltipHtml(forecast, undefined, "USD")).toBe("");
  });
});
