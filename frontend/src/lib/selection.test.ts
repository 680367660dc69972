import { describe, expect, it } from "vitest";

import { INITIAL_SELECTION, selectionFromSearch, selectionToSearch } from "./selection";

describe("the Overview selection in the URL", () => {
  it("reads a billing period, account and metric", () => {
    expect(selectionFromSearch("?period=2026-10&account=111&metric=effective_cost")).toEqual({
      billingPeriod: "2026-10",
      start: null,
      end: null,
      accountId: "111",
      costMetric: "effective_cost",
    });
  });

  it("reads a range, and a billing period wins over one", () => {
    expect(selectionFromSearch("?start=2026-10-08&end=2026-10-21")).toMatchObject({
      billingPeriod: null,
      start: "2026-10-08",
      end: "2026-10-21",
    });
    expect(selectionFromSearch("?period=2026-09&start=2026-10-08")).toMatchObject({
      billingPeriod: "2026-09",
      start: null,
    });
  });

  it("ignores what is malformed", () => {
    expect(selectionFromSearch("?period=Oct%202026&start=yesterday&metric=blended")).toEqual(
      INITIAL_SELECTION,
    );
  });

  it("writes only what differs from the defaults", () => {
    expect(selectionToSearch({ ...INITIAL_SELECTION, billingPeriod: "2026-10" })).toEqual({
      period: "2026-10",
      start: null,
      end: null,
      account: null,
      metric: null,
    });
    const roundTrip = { ...INITIAL_SELECTION, start: "2026-10-08", costMetric: "list_cost" as const };
    const params = new URLSearchParams(
      Object.entries(selectionToSearch(roundTrip)).flatMap(([k, v]) => (v === null ? [] : [[k, v]])),
    );
    expect(selectionFromSearch(`?${params.toString()}`)).toEqual(roundTrip);
  });
});
