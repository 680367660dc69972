import type { ChargebackCostCenterPublic } from "../../api/client";
import { formatMoney, subtractMoney } from "../../lib/money";

const UNALLOCATED = "unallocated";
const INVALID_TAG = "invalid-tag";
/** The rows of the report that are not cost centers: cost nobody owns, or owned by a bad tag. */
export const NOT_COST_CENTERS: readonly string[] = [UNALLOCATED, INVALID_TAG];

export function centerLabel(row: ChargebackCostCenterPublic): string {
  if (row.cost_center === UNALLOCATED) {
    return "Unallocated";
  }
  if (row.cost_center === INVALID_TAG) {
    const values = row.allocations.map((a) => a.allocation.split(":").slice(1).join(":"));
    return `Invalid tag (${values.filter((v) => v !== "").join(", ")})`;
  }
  return row.cost_center;
}

export function changeLabel(cost: string, previous: string | null | undefined, currency: string): string {
  if (previous === null || previous === undefined) {
    return "—";
  }
  const diff = formatMoney(subtractMoney(cost, previous), currency);
  return diff.startsWith("-") ? diff : `+${diff}`;
}
