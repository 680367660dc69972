import { getRouteApi } from "@tanstack/react-router";

import { NEEDS } from "../../auth/permissions";
import { PageGuard } from "../../components/PageGuard";
import { QueryView } from "../../components/QueryStatus";
import { text } from "../../components/styles";
import { Toolbar } from "../../components/ui";
import { apiInstant } from "./audit";
import { AuditFilterForm } from "./AuditFilterForm";
import { AuditTable } from "./AuditTable";
import { ChainBanner } from "./ChainBanner";
import { useAuditChain, useAuditEntries } from "./queries";
import { type AuditFilters, type AuditSearch, FILTER_KEYS, validateAuditSearch } from "./search";

export const AUDIT_PAGE_SIZE = 50;

const route = getRouteApi("/audit");

function AuditTrail() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const offset = search.offset ?? 0;
  const chain = useAuditChain(); // the banner's query (fetched once): marks the broken row

  const entries = useAuditEntries({
    actor: search.actor ?? null,
    action: search.action ?? null,
    subject: search.subject ?? null,
    since: apiInstant(search.since),
    until: apiInstant(search.until),
    limit: AUDIT_PAGE_SIZE,
    offset,
  });

  /** New filters start the list from its first page; they are validated like the URL. */
  function apply(filters: AuditFilters) {
    const valid = validateAuditSearch(filters);
    const next: AuditSearch = Object.fromEntries(FILTER_KEYS.map((key) => [key, valid[key]]));
    void navigate({ search: next });
  }

  const filters = Object.fromEntries(FILTER_KEYS.map((key) => [key, search[key]])) as AuditFilters;
  return (
    <>
      <ChainBanner />
      <Toolbar>
        <AuditFilterForm key={JSON.stringify(filters)} filters={filters} onApply={apply} />
        <span className={text.muted}>
          Every change, decision, job run and login, as recorded in the hash-chained audit_log
        </span>
      </Toolbar>
      <QueryView query={entries} loading="Loading the audit trail…" failed="Could not load the audit trail">
        {(data) => (
          <AuditTable
            entries={data}
            offset={offset}
            pageSize={AUDIT_PAGE_SIZE}
            openEntry={search.entry ?? null}
            brokenId={chain.data?.broken?.row_id ?? null}
            onToggle={(id) => {
              void navigate({
                search: (prev) => ({ ...prev, entry: prev.entry === id ? undefined : id }),
              });
            }}
            onOffsetChange={(next) => {
              void navigate({
                search: (prev) => ({ ...prev, offset: next === 0 ? undefined : next, entry: undefined }),
              });
            }}
          />
        )}
      </QueryView>
    </>
  );
}

/** The tamper-evident audit trail, for approvers: the chain check, then the filtered rows. */
export function AuditPage() {
  return (
    <PageGuard need={NEEDS.readAudit}>
      <AuditTrail />
    </PageGuard>
  );
}
