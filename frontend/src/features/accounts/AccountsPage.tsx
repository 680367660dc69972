import { getRouteApi } from "@tanstack/react-router";

import { useFilters } from "../../api/filters";
import { CsvLink } from "../../components/CsvButton";
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
        <CsvLink href={accountsCsvUrl(search.sort)} testId="accounts-csv" />
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
