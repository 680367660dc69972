import { describe, expect, it } from "vitest";

import { parseSearch, stringifySearch } from "../../app/search";
import {
  selectionFromSearch,
  selectionToSearch,
  validateOverviewSearch,
} from "./search";
import { INITIAL_SELECTION } from "./selection";

/** What the router does with a query string: parse, then validate. */
function fromUrl(query: string) {
  return selectionFromSearch(validateOverviewSearch(parseSearch(query)));
}

describe("the Overview selection in the URL", () => {
  it("reads a billing period, account and metric", () => {
    expect(fromUrl("?period=2026-10&account=111&metric=effective_cost")).toEqual({
      billingPeriod: "2026-10",
      start: null,
      end: null,
      accountId: "111",
      costMetric: "effective_cost",
    });
  });

  it("reads a range, and a billing period wins over one", () => {
    expect(fromUrl("?start=2026-10-08&end=2026-10-21")).toMatchObject({
      billingPeriod: null,
      start: "2026-10-08",
      end: "2026-10-21",
    });
    expect(fromUrl("?period=2026-09&start=2026-10-08")).toMatchObject({
      billingPeriod: "2026-09",
      start: null,
    });
  });

  it("ignores what is malformed", () => {
    expect(fromUrl("?period=Oct%202026&start=yesterday&metric=blended")).toEqual(
      INITIAL_SELECTION,
    );
    expect(fromUrl("?start=2026-13-01&end=2026-02-30x&dimension=colour")).toEqual(
      INITIAL_SELECTION,
    );
    expect(validateOverviewSearch(parseSearch("?dimension=colour&account="))).toEqual({});
  });

  it("reads the trend's dimension", () => {
    expect(validateOverviewSearch(parseSearch("?dimension=region_id"))).toEqual({
      dimension: "region_id",
    });
  });

  it("writes only what differs from the defaults", () => {
    expect(
      stringifySearch({ ...selectionToSearch({ ...INITIAL_SELECTION, billingPeriod: "2026-10" }) }),
    ).toBe("?period=2026-10");
    expect(stringifySearch({ ...selectionToSearch(INITIAL_SELECTION) })).toBe("");
    const roundTrip = { ...INITIAL_SELECTION, start: "2026-10-08", costMetric: "list_cost" as const };
    const query = stringifySearch({ ...selectionToSearch(roundTrip) });
    expect(query).toBe("?start=2026-10-08&metric=list_cost");
    expect(fromUrl(query)).toEqual(roundTrip);
  });

  it("keeps account ids as written (no JSON quoting of numeric strings)", () => {
    const query = stringifySearch({ ...selectionToSearch({ ...INITIAL_SELECTION, accountId: "222222222222" }) });
    expect(query).toBe("?account=222222222222");
    expect(fromUrl(query).accountId).toBe("222222222222");
  });
});
