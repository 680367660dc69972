import { oneOf, type RawSearch } from "../../app/search";

/** The Commitments page's state in the URL: the periods' granularity. */
export interface CommitmentsSearch {
  granularity?: "daily" | "monthly" | undefined;
}

export function validateCommitmentsSearch(raw: RawSearch): CommitmentsSearch {
  return { granularity: oneOf(raw["granularity"], ["daily", "monthly"] as const) };
}
