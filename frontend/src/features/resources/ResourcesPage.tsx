import { getRouteApi } from "@tanstack/react-router";
import { useMemo, useState } from "react";

import { useFilters } from "../../api/filters";
import { SelectField } from "../../components/fields";
import { accountOption } from "../../components/options";
import { QueryView } from "../../components/QueryStatus";
import { Field, FilterBar, Toolbar } from "../../components/ui";
import { cpuByResource, useCpuSeries, useResources } from "./queries";
import { NoResource, ResourcePanel } from "./ResourceDetail";
import { ResourcesTable } from "./ResourcesTable";
import { type ResourcesSearch, SORTS, validateResourcesSearch } from "./search";

export const RESOURCES_PAGE_SIZE = 25;

const route = getRouteApi("/resources");

function SearchBox({ value, onSearch }: { value: string | undefined; onSearch: (q: string) => void }) {
  const [draft, setDraft] = useState(value ?? "");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(draft.trim());
      }}
    >
      <Field label="Search">
        <input
          data-testid="resources-search"
          value={draft}
          placeholder="Id or name"
          onChange={(event) => {
            setDraft(event.target.value);
          }}
        />
      </Field>
    </form>
  );
}

/** Resources (`/resources`): the inventory with cost, CPU and links to its findings and
 * anomalies; a row opens the resource below the table. */
export function ResourcesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filters = useFilters();
  const offset = search.offset ?? 0;
  const resources = useResources({
    account_id: search.account_id === undefined ? undefined : [search.account_id],
    region_id: search.region_id === undefined ? undefined : [search.region_id],
    resource_type: search.resource_type === undefined ? undefined : [search.resource_type],
    q: search.q,
    sort: search.sort,
    limit: RESOURCES_PAGE_SIZE,
    offset,
  });
  const ids = useMemo(() => (resources.data?.items ?? []).map((r) => r.resource_id), [resources.data]);
  const cpuRows = useCpuSeries(ids);
  const cpu = useMemo(() => cpuByResource(cpuRows.data?.items ?? []), [cpuRows.data]);
  const currency = filters.data?.currency ?? "USD";

  function filter(key: keyof ResourcesSearch, raw: string) {
    const value = validateResourcesSearch({ [key]: raw })[key];
    void navigate({ search: (prev: ResourcesSearch) => ({ ...prev, [key]: value, offset: undefined }) });
  }

  return (
    <>
      <Toolbar>
        <FilterBar>
          <SelectField
            label="Account"
            testId="resources-account"
            value={search.account_id ?? ""}
            options={[{ value: "", label: "All accounts" }, ...(filters.data?.accounts ?? []).map(accountOption)]}
            onChange={(value) => { filter("account_id", value); }}
          />
          <SelectField
            label="Sort"
            testId="resources-sort"
            value={search.sort ?? "-cost_30d"}
            options={SORTS}
            onChange={(value) => { filter("sort", value); }}
          />
          <SearchBox key={search.q ?? ""} value={search.q} onSearch={(q) => { filter("q", q); }} />
        </FilterBar>
      </Toolbar>
      <QueryView query={resources} loading="Loading the inventory…" failed="Could not load the inventory">
        {(data) => (
          <ResourcesTable
            resources={data}
            currency={currency}
            cpu={cpu}
            offset={offset}
            pageSize={RESOURCES_PAGE_SIZE}
            selected={search.id}
            onSelect={(id) => {
              void navigate({ search: (prev: ResourcesSearch) => ({ ...prev, id }) });
            }}
            onOffsetChange={(next) => {
              void navigate({ search: (prev: ResourcesSearch) => ({ ...prev, offset: next === 0 ? undefined : next }) });
            }}
          />
        )}
      </QueryView>
      {search.id === undefined ? <NoResource /> : <ResourcePanel id={search.id} currency={currency} />}
    </>
  );
}
