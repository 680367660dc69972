import { Link } from "@tanstack/react-router";

import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { cx, text } from "../../components/styles";
import { Card, CardHeader, Empty } from "../../components/ui";
import { formatMoney } from "../../lib/money";
import { parseSort, type SortColumn } from "./search";
import type { AccountRowPublic, AccountsPublic } from "./types";

const COLUMNS: readonly { column: SortColumn; label: string; num?: boolean }[] = [
  { column: "account_name", label: "Account" },
  { column: "team", label: "Team" },
  { column: "cost_center", label: "Cost center" },
  { column: "cost_30d", label: "Cost (30 d)", num: true },
  { column: "cost_total", label: "Total cost", num: true },
  { column: "first_day", label: "First day" },
  { column: "last_day", label: "Last day" },
];

/** The header row: each column a button sorting by it (again: the other way round). */
function SortableHead({ sort, onSort }: { sort: string | undefined; onSort: (column: SortColumn) => void }) {
  const current = parseSort(sort);
  return (
    <thead>
      <tr>
        {COLUMNS.map(({ column, label, num = false }) => {
          const active = current.column === column;
          const direction = current.descending ? "descending" : "ascending";
          return (
            <th key={column} scope="col" className={cx(num && text.num)} aria-sort={active ? direction : "none"}>
              <button
                type="button"
                className={cx(
                  "cursor-pointer border-none bg-transparent p-0 font-semibold whitespace-nowrap",
                  active ? "text-slate-900" : "text-slate-500",
                )}
                data-testid={`sort-${column}`}
                onClick={() => {
                  onSort(column);
                }}
              >
                {label}
                <span aria-hidden="true" className="ml-1 inline-block w-2">
                  {active ? (current.descending ? "↓" : "↑") : ""}
                </span>
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

function AccountRow({ account, fallbackCurrency }: { account: AccountRowPublic; fallbackCurrency: string }) {
  const currency = account.currency ?? fallbackCurrency;
  const id = account.account_id;
  return (
    <tr data-testid="account-row" data-id={id}>
      <td className={cx(text.main, "min-w-40")}>
        <Link
          to="/explorer"
          search={{ account_id: [id], group_by: ["service_name"] }}
          className="font-medium text-blue-600"
          data-testid="account-explorer-link"
        >
          {account.account_name ?? id}
        </Link>
        <div className={cx(text.sub, "whitespace-nowrap")}>
          {account.account_name !== null && <span className="font-mono">{id} · </span>}
          <Link
            to="/resources"
            search={{ account_id: id }}
            className="text-blue-600"
            data-testid="account-resources-link"
          >
            Resources
          </Link>
        </div>
      </td>
      <td data-testid="account-team">{account.team ?? "—"}</td>
      <td data-testid="account-cost-center">{account.cost_center ?? "—"}</td>
      <td className={cx(text.num, text.strong)} data-testid="account-cost-30d">
        {formatMoney(account.cost_30d, currency)}
      </td>
      <td className={text.num} data-testid="account-cost-total">
        {formatMoney(account.cost_total, currency)}
      </td>
      <td className="whitespace-nowrap" data-testid="account-first-day">{account.first_day ?? "—"}</td>
      <td className="whitespace-nowrap" data-testid="account-last-day">{account.last_day ?? "—"}</td>
    </tr>
  );
}

/** One page of the accounts, sortable by each column; an account's name opens the Explorer
 * on it, "Resources" its inventory. */
export function AccountsTable({
  accounts,
  currency,
  sort,
  offset,
  pageSize,
  onSort,
  onOffsetChange,
}: {
  accounts: AccountsPublic;
  currency: string;
  sort: string | undefined;
  offset: number;
  pageSize: number;
  onSort: (column: SortColumn) => void;
  onOffsetChange: (offset: number) => void;
}) {
  return (
    <Card className="pb-3" data-testid="accounts-table">
      <CardHeader
        title="Accounts"
        subtitle={
          <span data-testid="accounts-count">
            {`${accounts.total.toLocaleString("en-US")} accounts · cost over the last 30 days of data and in total`}
          </span>
        }
      />
      {accounts.items.length === 0 ? (
        <Empty>No account has cost data.</Empty>
      ) : (
        <DataTable>
          <SortableHead sort={sort} onSort={onSort} />
          <tbody>
            {accounts.items.map((account) => (
              <AccountRow key={account.account_id} account={account} fallbackCurrency={currency} />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={accounts.items.length}
        count={accounts.total}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}
