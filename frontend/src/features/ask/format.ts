import { formatMoney } from "../../lib/money";
import type { Answer } from "./queries";

/** Intents whose headline number is a count, and those whose number is a percentage. */
const COUNTS = new Set(["anomaly_count", "budget_status"]);
const PERCENTS = new Set(["commitment_utilization", "commitment_coverage"]);

/** The headline number as shown: a count plainly, a percentage with %, money as dollars. */
export function valueText(answer: Answer): string {
  const value = answer.value ?? "";
  const intent = answer.plan?.["intent"];
  if (typeof intent === "string" && COUNTS.has(intent)) {
    return Number(value).toLocaleString("en-US");
  }
  if (typeof intent === "string" && PERCENTS.has(intent)) {
    return `${value} %`;
  }
  return formatMoney(value, "USD");
}
