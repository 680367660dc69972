import { ISO_MONTH, matching, type RawSearch } from "../../app/search";

/** The Chargeback page's state in the URL: `?period=2026-09` (absent: the latest report). */
export interface ChargebackSearch {
  period?: string;
}

export function validateChargebackSearch(raw: RawSearch): ChargebackSearch {
  return { period: matching(raw["period"], ISO_MONTH) };
}
