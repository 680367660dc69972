import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";

import { QueryView } from "../../components/QueryStatus";
import { Card, Empty, Field, FilterBar, Toolbar } from "../../components/ui";
import { cx, text } from "../../components/styles";
import { ACTION_STATUSES } from "./actions";
import { ActionPanel } from "./ActionDetail";
import { ActionsTable } from "./ActionsTable";
import { useActions } from "./queries";
import { ALL_STATUSES, type ActionsSearch, statusQuery, validateActionsSearch } from "./search";

export const ACTIONS_PAGE_SIZE = 25;

const route = getRouteApi("/actions");

const TAB =
  "cursor-pointer rounded-t-md border-b-2 px-3 py-1.5 text-[13px] font-medium whitespace-nowrap";

/** The queue's tabs: one per status with its count (the caller's scope, whatever the filters),
 * then every status. */
function StatusTabs({
  current,
  counts,
  onChange,
}: {
  current: ActionsSearch["status"];
  counts: Record<string, number>;
  onChange: (status: ActionsSearch["status"]) => void;
}) {
  const selected = current ?? "proposed";
  const all = Object.values(counts).reduce((total, n) => total + n, 0);
  const tabs: { value: NonNullable<ActionsSearch["status"]>; label: string; count: number }[] = [
    ...ACTION_STATUSES.map((s) => ({ value: s.value, label: s.label, count: counts[s.value] ?? 0 })),
    { value: ALL_STATUSES, label: "All", count: all },
  ];
  return (
    <div className="flex flex-wrap gap-1 border-b border-slate-200" role="tablist" aria-label="Status">
      {tabs.map((tab) => {
        const active = tab.value === selected;
        return (
          <button
            key={tab.value}
            type="button"
            role="tab"
            aria-selected={active}
            data-testid={`actions-tab-${tab.value}`}
            className={cx(
              TAB,
              active ? "border-blue-600 text-blue-700" : "border-transparent text-slate-500 hover:text-slate-800",
            )}
            onClick={() => {
              onChange(tab.value === "proposed" ? undefined : tab.value);
            }}
          >
            {tab.label} <span className="tabular-nums" data-testid="tab-count">{tab.count}</span>
          </button>
        );
      })}
    </div>
  );
}

/** A text filter applied when the field is left or Enter is pressed. */
function TextFilter({
  label,
  testId,
  value,
  onApply,
}: {
  label: string;
  testId: string;
  value: string | undefined;
  onApply: (value: string) => void;
}) {
  const [draft, setDraft] = useState(value ?? "");
  return (
    <Field label={label}>
      <input
        type="text"
        data-testid={testId}
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
        }}
        onBlur={() => {
          onApply(draft.trim());
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            onApply(draft.trim());
          }
        }}
      />
    </Field>
  );
}

export function ActionsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const offset = search.offset ?? 0;
  const selected = search.id ?? null;

  const actions = useActions({
    status: statusQuery(search.status),
    account: search.account ?? null,
    action: search.action ?? null,
    limit: ACTIONS_PAGE_SIZE,
    offset,
  });

  /** A new tab or filter starts the list from its first page; `raw` is validated like the URL. */
  function filter(key: "status" | "account" | "action", raw: string | undefined) {
    const value = validateActionsSearch({ [key]: raw })[key];
    void navigate({ search: (prev) => ({ ...prev, [key]: value, offset: undefined }) });
  }

  return (
    <>
      <Toolbar>
        <FilterBar>
          <TextFilter
            key={`account:${search.account ?? ""}`}
            label="Account"
            testId="actions-account"
            value={search.account}
            onApply={(value) => {
              filter("account", value);
            }}
          />
          <TextFilter
            key={`action:${search.action ?? ""}`}
            label="Action"
            testId="actions-action"
            value={search.action}
            onApply={(value) => {
              filter("action", value);
            }}
          />
        </FilterBar>
        <span className={text.muted}>
          Remediation proposals from your policies · nothing runs without an approval
        </span>
      </Toolbar>
      <QueryView query={actions} loading="Loading actions…" failed="Could not load the actions">
        {(data) => (
          <>
            <StatusTabs
              current={search.status}
              counts={data.counts}
              onChange={(status) => {
                filter("status", status);
              }}
            />
            <ActionsTable
              actions={data}
              offset={offset}
              pageSize={ACTIONS_PAGE_SIZE}
              selected={selected}
              onSelect={(id) => {
                void navigate({ search: (prev) => ({ ...prev, id }) });
              }}
              onOffsetChange={(next) => {
                void navigate({
                  search: (prev) => ({ ...prev, offset: next === 0 ? undefined : next }),
                });
              }}
            />
          </>
        )}
      </QueryView>
      {selected === null ? (
        <Card>
          <Empty className="py-4">
            Select a proposal to see its evidence, digest, decision and execution log.
          </Empty>
        </Card>
      ) : (
        <ActionPanel id={selected} />
      )}
    </>
  );
}
