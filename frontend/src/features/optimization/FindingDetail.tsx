import { Link } from "@tanstack/react-router";

import type { FindingPublic } from "../../api/client";
import { useScrollIntoView } from "../../components/inView";
import { cx, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";

function detailValue(value: unknown): string {
  if (value === null || value === undefined) {
    return "—";
  }
  if (typeof value === "string") {
    return value;
  }
  return JSON.stringify(value);
}

/** A finding opened under its row (the row's next line, across every column): when it was
 * seen, its costs, how the savings were estimated, the evidence, and its resource. */
export function FindingDetailRow({ finding, columns }: { finding: FindingPublic; columns: number }) {
  const ref = useScrollIntoView<HTMLTableRowElement>(finding.fingerprint);
  const money = (value: string | null) => (value === null ? "—" : formatMoney(value, finding.currency));
  const facts: [string, string][] = [
    ["First seen", finding.first_seen],
    ["Last seen", finding.last_seen],
    ["Cost, last 7 days", money(finding.cost_7d)],
    ["Cost, month to date", money(finding.cost_mtd)],
    ["Cost, previous month", money(finding.cost_prev_month)],
    ["Savings method", finding.savings_method.replaceAll("_", " ")],
  ];
  return (
    <tr ref={ref} data-testid="finding-detail" data-fingerprint={finding.fingerprint} className="bg-slate-50">
      <td colSpan={columns}>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-3">
          {[...facts, ...Object.entries(finding.details).map(([key, value]): [string, string] => [key.replaceAll("_", " "), detailValue(value)])].map(
            ([label, value]) => (
              <div key={label} className="flex justify-between gap-3 border-b border-slate-100 py-1">
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className={cx("text-right", text.main)}>{value}</dd>
              </div>
            ),
          )}
        </dl>
        {finding.resource_id !== null && (
          <p className="mt-2">
            <Link to="/resources" search={{ id: finding.resource_id }} className="text-blue-600" data-testid="finding-resource-link">
              Open {finding.resource_id} in Resources
            </Link>
          </p>
        )}
      </td>
    </tr>
  );
}
