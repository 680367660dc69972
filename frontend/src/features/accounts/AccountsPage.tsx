import { getRouteApi } from "@tanstack/react-router";

import { useFilters } from "../../api/filters";
import { Can } from "../../auth/Can";
import { NEEDS } from "../../auth/permissions";
import { QueryView } from "../../components/QueryStatus";
import { AccountsTable } from "./AccountsTable";
import { accountsCsvUrl, useAccounts } from "./queries";
import { type AccountsSearch, nextSort } from "./search";

export const ACCOUNTS_PAGE_SIZE = 25;

const route = getRouteApi("/accounts");

/** Accounts (`/accounts`): every account of the bill with its team, cost center, 30-day and
 * total cost and days of data; sorted and paged in the URL, downloadable as CSV; an account
 * opens the Explorer on it, or its resources. */
export function AccountsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filters = useFilters();
  const offset = search.offset ?? 0;
  const accounts = useAccounts({ sort: search.sort, limit: ACCOUNTS_PAGE_SIZE, offset });
  const currency = filters.data?.currency ?? "USD";

  return (
    <>
      <div className="flex justify-end">
        <Can need={NEEDS.exportData}>
          <a
            className="rounded-lg border border-slate-300 bg-white px-3.5 py-1.5 font-medium text-slate-900 no-underline"
            href={accountsCsvUrl(search.sort)}
            download
            data-testid="accounts-csv"
          >
            Download CSV
          </a>
        </Can>
      </div>
      <QueryView query={accounts} loading="Loading the accounts…" failed="Could not load the accounts">
        {(data) => (
          <AccountsTable
            accounts={data}
            currency={currency}
            sort={search.sort}
            offset={offset}
            pageSize={ACCOUNTS_PAGE_SIZE}
            onSort={(column) => {
              void navigate({
                search: (prev: AccountsSearch) => ({ ...prev, sort: nextSort(prev.sort, column), offset: undefined }),
              });
            }}
            onOffsetChange={(next) => {
              void navigate({ search: (prev: AccountsSearch) => ({ ...prev, offset: next === 0 ? undefined : next }) });
            }}
          />
        )}
      </QueryView>
    </>
  );
}
