import { describe, expect, it } from "vitest";

import { actionDetailFixture } from "../../test/actionsFixtures";
import { actionLabel, controlsFor, formatTimestamp } from "./actions";
import { statusQuery, validateActionsSearch } from "./search";
import { utilizationSeries } from "./utilizationOption";

describe("actions helpers", () => {
  it("offers the controls the status allows", () => {
    expect(controlsFor({ status: "proposed", reversible: true })).toEqual({
      decide: true,
      execute: false,
      rollback: false,
    });
    expect(controlsFor({ status: "approved", reversible: false })).toEqual({
      decide: false,
      execute: true,
      rollback: false,
    });
    expect(controlsFor({ status: "verified", reversible: true }).rollback).toBe(true);
    expect(controlsFor({ status: "succeeded", reversible: false }).rollback).toBe(false);
    expect(controlsFor({ status: "rolled_back", reversible: true })).toEqual({
      decide: false,
      execute: false,
      rollback: false,
    });
  });

  it("labels actions and times in UTC", () => {
    expect(actionLabel("delete_unattached_volume")).toBe("Delete unattached volume");
    expect(formatTimestamp("2026-11-02T06:00:00Z")).toBe("2026-11-02 06:00 UTC");
    expect(formatTimestamp("2026-11-02T08:30:00+02:00")).toBe("2026-11-02 06:30 UTC");
    expect(formatTimestamp("soon")).toBe("soon");
  });

  it("reads the page's state from the URL, ignoring what is malformed", () => {
    expect(validateActionsSearch({ status: "approved", id: "12", offset: "25" })).toEqual({
      status: "approved",
      account: undefined,
      action: undefined,
      offset: 25,
      id: 12,
    });
    expect(validateActionsSearch({ status: "done", id: "0" })).toMatchObject({
      status: undefined,
      id: undefined,
    });
    expect(validateActionsSearch({ id: "1.5" }).id).toBeUndefined();
    expect(statusQuery(undefined)).toEqual(["proposed"]);
    expect(statusQuery("all")).toBeUndefined();
    expect(statusQuery("failed")).toEqual(["failed"]);
  });

  it("lines up utilization by day, one average and one maximum line per metric", () => {
    const series = utilizationSeries([
      { day: "2026-11-01", metric: "NetworkIn", average: 10, maximum: 20 },
      ...actionDetailFixture().evidence.utilization,
    ]);
    expect(series.days).toEqual(["2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(series.lines.map((l) => l.name)).toEqual([
      "CPUUtilization average",
      "CPUUtilization maximum",
      "NetworkIn average",
      "NetworkIn maximum",
    ]);
    expect(series.lines[0]?.values).toEqual([1.2, 0.9, 1.1]);
    expect(series.lines[1]?.values).toEqual([3.4, 2.8, 2.2]);
    expect(series.lines[2]?.values).toEqual([null, null, 10]);
    expect(series.lines[1]?.dashed).toBe(true);
  });
});
