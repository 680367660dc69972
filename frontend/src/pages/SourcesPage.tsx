import { Fragment, useState } from "react";

import type {
  LoadPublic,
  LoadsPublic,
  QualityFindingPublic,
  QualityFindingsPublic,
  SourcePublic,
} from "../api/client";
import { useLoads, useQualityFindings, useSources } from "../api/queries";
import { CsvButton } from "../components/CsvButton";
import { Pager } from "../components/Pager";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { formatBillingPeriod } from "../lib/dates";
import { setSearchParams, useSearchParam } from "../lib/router";
import {
  exampleColumns,
  FINDING_CSV,
  formatAmount,
  formatTimestamp,
  isLoadStatus,
  isQualitySeverity,
  LOAD_CSV,
  LOAD_STATUSES,
  periodSpan,
  QUALITY_SEVERITIES,
  SOURCE_CSV,
} from "../lib/sources";

export const LOADS_PAGE_SIZE = 20;

const ALL = "";
const SHOWN_ACCOUNTS = 3;

function count(value: number | null): string {
  return value === null ? "—" : value.toLocaleString("en-US");
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function parseOffset(value: string | null): number {
  const offset = Number(value ?? "0");
  return Number.isInteger(offset) && offset > 0 ? offset : 0;
}

function QualityBadge({ findings }: { findings: number }) {
  return findings === 0 ? (
    <span className="badge badge-quality-clean">clean</span>
  ) : (
    <span className="badge badge-quality-findings">{plural(findings, "finding", "findings")}</span>
  );
}

function SourceRow({
  source,
  selected,
  onSelect,
}: {
  source: SourcePublic;
  selected: boolean;
  onSelect: () => void;
}) {
  const accounts = source.billing_account_ids;
  const hidden = accounts.length - SHOWN_ACCOUNTS;
  return (
    <tr
      data-testid="source-row"
      data-source-id={source.source_id}
      data-rows={source.rows}
      className={selected ? "row-selected" : undefined}
    >
      <td className="source-cell">
        <button
          type="button"
          className="link-button cell-main"
          aria-pressed={selected}
          title={selected ? "Show every source" : "Show only this source"}
          onClick={onSelect}
        >
          {source.source_id}
        </button>
        {source.export_name !== null && (
          <div className="cell-sub">export {source.export_name}</div>
        )}
      </td>
      <td>{source.source_format}</td>
      <td>{source.provider_names.join(", ") || "—"}</td>
      <td title={accounts.join("\n")}>
        {accounts.slice(0, SHOWN_ACCOUNTS).map((account) => (
          <div key={account} className="cell-main mono">
            {account}
          </div>
        ))}
        {hidden > 0 && <div className="cell-sub">+{hidden} more</div>}
        {accounts.length === 0 && "—"}
      </td>
      <td className="location-cell">
        {source.location === null ? (
          <span className="cell-sub">loaded before source identities</span>
        ) : (
          <span className="cell-main mono">{source.location}</span>
        )}
      </td>
      <td className="nowrap">{periodSpan(source.billing_periods)}</td>
      <td className="num">{count(source.rows)}</td>
      <td className="num">
        {source.billed_cost.length === 0
          ? "—"
          : source.billed_cost.map((cost) => (
              <div key={cost.currency}>{formatAmount(cost.amount, cost.currency)}</div>
            ))}
      </td>
      <td className="nowrap">{formatTimestamp(source.last_loaded_at)}</td>
      <td>
        <QualityBadge findings={source.quality_findings} />
      </td>
    </tr>
  );
}

function SourcesTable({
  sources,
  selected,
  onSelect,
}: {
  sources: SourcePublic[];
  selected: string | null;
  onSelect: (sourceId: string | null) => void;
}) {
  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Sources</h2>
          <span className="card-subtitle">
            Each billing export, identified by what it is; rows and cost now in the warehouse
          </span>
        </div>
        <CsvButton name="billing-sources" columns={SOURCE_CSV} rows={sources} />
      </header>
      {sources.length === 0 ? (
        <p className="empty">
          No billing sources yet. Load an export with <code>finops ingest billing SOURCE</code>.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="sources-table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Format</th>
                <th scope="col">Providers</th>
                <th scope="col">Billing accounts</th>
                <th scope="col">Location</th>
                <th scope="col">Billing periods</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col" className="num">
                  Billed cost
                </th>
                <th scope="col">Last loaded</th>
                <th scope="col">Data quality</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((source) => (
                <SourceRow
                  key={source.source_id}
                  source={source}
                  selected={source.source_id === selected}
                  onSelect={() => {
                    onSelect(source.source_id === selected ? null : source.source_id);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function LoadRow({ load }: { load: LoadPublic }) {
  return (
    <tr data-testid="load-row">
      <td className="nowrap">{formatTimestamp(load.started_at)}</td>
      <td className="cell-main source-cell">{load.source_id}</td>
      <td className="nowrap">
        {load.billing_period === null ? "—" : formatBillingPeriod(load.billing_period)}
      </td>
      <td>
        <span className={`badge badge-load-${load.status}`}>{load.status}</span>
      </td>
      <td className="num">{count(load.raw_line_items)}</td>
      <td className="num">{count(load.rows_loaded)}</td>
      <td className="num">
        {load.billed_cost === null ? "—" : formatAmount(load.billed_cost, load.billing_currency)}
      </td>
      <td className="num">
        {load.quality_findings === 0 ? "—" : plural(load.quality_findings, "rule", "rules")}
      </td>
      <td className="error-cell">
        {load.error !== null && <div className="error-text">{load.error}</div>}
      </td>
    </tr>
  );
}

function LoadsTable({
  loads,
  offset,
  onOffsetChange,
}: {
  loads: LoadsPublic;
  offset: number;
  onOffsetChange: (offset: number) => void;
}) {
  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Latest loads</h2>
          <span className="card-subtitle">
            The ingest log, newest first: each billing period loaded, reconciled to the source
          </span>
        </div>
        <CsvButton
          name="billing-loads"
          columns={LOAD_CSV}
          rows={loads.data}
          label="Download page as CSV"
        />
      </header>
      {loads.data.length === 0 ? (
        <p className="empty">No loads match these filters.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="loads-table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Source</th>
                <th scope="col">Period</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Line items
                </th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col" className="num">
                  Billed cost
                </th>
                <th scope="col" className="num">
                  Quality
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {loads.data.map((load) => (
                <LoadRow key={load.id} load={load} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        offset={offset}
        pageSize={LOADS_PAGE_SIZE}
        shown={loads.data.length}
        count={loads.count}
        onOffsetChange={onOffsetChange}
      />
    </article>
  );
}

function findingKey(finding: QualityFindingPublic): string {
  return `${finding.source_id}|${finding.billing_period}|${finding.rule_id}`;
}

function Examples({ finding }: { finding: QualityFindingPublic }) {
  const columns = exampleColumns(finding.examples);
  return (
    <div className="table-scroll examples">
      <table className="data-table" data-testid="quality-examples">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {finding.examples.map((example, index) => (
            <tr key={index}>
              {columns.map((column) => {
                const value = example[column];
                return (
                  <td key={column} className="mono">
                    {value === null || value === undefined ? (
                      <span className="null-value">NULL</span>
                    ) : (
                      value
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QualityTable({ findings }: { findings: QualityFindingsPublic }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const lineItems = findings.data.reduce((total, finding) => total + finding.line_items, 0);

  function toggle(key: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) {
        next.add(key);
      }
      return next;
    });
  }

  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Data-quality findings</h2>
          <span className="card-subtitle" data-testid="quality-total">
            FOCUS rules the loaded data breaks (values are kept as the export wrote them) ·{" "}
            {plural(findings.count, "finding", "findings")} ·{" "}
            {plural(lineItems, "line item", "line items")}
          </span>
        </div>
        <CsvButton name="data-quality" columns={FINDING_CSV} rows={findings.data} />
      </header>
      {findings.data.length === 0 ? (
        <p className="empty">No data-quality findings: the loaded data meets every rule checked.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="quality-table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Period</th>
                <th scope="col">Severity</th>
                <th scope="col">Rule</th>
                <th scope="col" className="num">
                  Line items
                </th>
                <th scope="col">What</th>
                <th scope="col">Examples</th>
              </tr>
            </thead>
            <tbody>
              {findings.data.map((finding) => {
                const key = findingKey(finding);
                const open = expanded.has(key);
                return (
                  <Fragment key={key}>
                    <tr data-testid="quality-row">
                      <td className="cell-main source-cell">{finding.source_id}</td>
                      <td className="nowrap">{formatBillingPeriod(finding.billing_period)}</td>
                      <td>
                        <span className={`badge badge-quality-${finding.severity}`}>
                          {finding.severity}
                        </span>
                      </td>
                      <td>
                        <div className="cell-main mono">{finding.rule_id}</div>
                        <div className="cell-sub">column {finding.column_name}</div>
                      </td>
                      <td className="num strong">{count(finding.line_items)}</td>
                      <td className="details-cell">{finding.message}</td>
                      <td className="nowrap">
                        {finding.examples.length === 0 ? (
                          "—"
                        ) : (
                          <button
                            type="button"
                            className="link-button"
                            aria-expanded={open}
                            onClick={() => {
                              toggle(key);
                            }}
                          >
                            {open
                              ? "Hide examples"
                              : `Show ${plural(finding.examples.length, "example", "examples")}`}
                          </button>
                        )}
                      </td>
                    </tr>
                    {open && (
                      <tr className="examples-row">
                        <td colSpan={7}>
                          <Examples finding={finding} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

export function SourcesPage() {
  const selected = useSearchParam("source");
  const statusParam = useSearchParam("status") ?? ALL;
  const severityParam = useSearchParam("severity") ?? ALL;
  const offset = parseOffset(useSearchParam("offset"));
  const status = isLoadStatus(statusParam) ? statusParam : null;
  const severity = isQualitySeverity(severityParam) ? severityParam : null;

  const sources = useSources();
  const loads = useLoads({ source_id: selected, status, limit: LOADS_PAGE_SIZE, offset });
  const quality = useQualityFindings({ source_id: selected, severity });

  const allSources = sources.data?.data ?? [];
  const names = allSources.map((source) => source.source_id);
  if (selected !== null && !names.includes(selected)) {
    names.push(selected); // a removed source still has loads in the log
  }
  const shown =
    selected === null ? allSources : allSources.filter((s) => s.source_id === selected);

  function selectSource(sourceId: string | null) {
    setSearchParams({ source: sourceId, offset: null });
  }

  return (
    <>
      <div className="toolbar">
        <section className="filter-bar" aria-label="Filters">
          <label className="field">
            <span className="field-label">Source</span>
            <select
              data-testid="source-select"
              value={selected ?? ALL}
              onChange={(event) => {
                selectSource(event.target.value === ALL ? null : event.target.value);
              }}
            >
              <option value={ALL}>All sources</option>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Load status</span>
            <select
              data-testid="load-status-select"
              value={status ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                setSearchParams({ status: isLoadStatus(value) ? value : null, offset: null });
              }}
            >
              <option value={ALL}>Every status</option>
              {LOAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Severity</span>
            <select
              data-testid="severity-select"
              value={severity ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                setSearchParams({ severity: isQualitySeverity(value) ? value : null });
              }}
            >
              <option value={ALL}>Errors and warnings</option>
              {QUALITY_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s === "error" ? "Errors" : "Warnings"}
                </option>
              ))}
            </select>
          </label>
        </section>
        {sources.isSuccess && (
          <div className="headline" data-testid="sources-headline">
            <span className="headline-label">Billing sources</span>
            <span className="headline-value headline-value-plain">{sources.data.count}</span>
            <span className="data-range">
              {plural(
                allSources.reduce((total, s) => total + s.quality_findings, 0),
                "data-quality finding",
                "data-quality findings",
              )}
            </span>
          </div>
        )}
      </div>
      {sources.isPending ? (
        <Loading label="Loading billing sources…" />
      ) : sources.isError ? (
        <ErrorMessage
          title="Could not load the billing sources"
          error={sources.error}
          onRetry={() => void sources.refetch()}
        />
      ) : (
        <SourcesTable sources={shown} selected={selected} onSelect={selectSource} />
      )}
      {loads.isPending ? (
        <Loading label="Loading the ingest log…" />
      ) : loads.isError ? (
        <ErrorMessage
          title="Could not load the ingest log"
          error={loads.error}
          onRetry={() => void loads.refetch()}
        />
      ) : (
        <LoadsTable
          loads={loads.data}
          offset={offset}
          onOffsetChange={(next) => {
            setSearchParams({ offset: next === 0 ? null : String(next) });
          }}
        />
      )}
      {quality.isPending ? (
        <Loading label="Loading data-quality findings…" />
      ) : quality.isError ? (
        <ErrorMessage
          title="Could not load the data-quality findings"
          error={quality.error}
          onRetry={() => void quality.refetch()}
        />
      ) : (
        <QualityTable findings={quality.data} />
      )}
    </>
  );
}
