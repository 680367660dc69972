import { useState } from "react";

import type { QualityFindingPublic, QualityFindingsPublic } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { DataTable, TableHead } from "../../components/DataTable";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { count, exampleColumns, FINDING_CSV, plural } from "./sources";
import { cx, TABLE, text } from "../../components/styles";

function findingKey(finding: QualityFindingPublic): string {
  return `${finding.source_id}|${finding.billing_period}|${finding.rule_id}`;
}

function Examples({ finding }: { finding: QualityFindingPublic }) {
  const columns = exampleColumns(finding.examples);
  return (
    <div className="w-0 min-w-full overflow-x-auto pt-1 pb-2">
      <table className={cx(TABLE, "bg-slate-50 text-xs")} data-testid="quality-examples">
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
                  <td key={column} className={text.mono}>
                    {value === null || value === undefined ? (
                      <span className="text-slate-500 italic">NULL</span>
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

const COLUMNS = [
  "Source",
  "Period",
  "Severity",
  "Rule",
  { label: "Line items", num: true },
  "What",
  "Examples",
];

/** A finding, and below it its example rows while `open`. */
function QualityRow({
  finding,
  open,
  onToggle,
}: {
  finding: QualityFindingPublic;
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <>
      <tr data-testid="quality-row">
        <td className={cx(text.main, "min-w-40")}>{finding.source_id}</td>
        <td className="whitespace-nowrap">{formatBillingPeriod(finding.billing_period)}</td>
        <td>
          <Badge tone={finding.severity === "error" ? "danger" : "warning"}>
            {finding.severity}
          </Badge>
        </td>
        <td>
          <div className={cx(text.main, text.mono)}>{finding.rule_id}</div>
          <div className={text.sub}>column {finding.column_name}</div>
        </td>
        <td className={cx(text.num, text.strong)}>{count(finding.line_items)}</td>
        <td className="min-w-60">{finding.message}</td>
        <td className="whitespace-nowrap">
          {finding.examples.length === 0 ? (
            "—"
          ) : (
            <LinkButton aria-expanded={open} onClick={onToggle}>
              {open
                ? "Hide examples"
                : `Show ${plural(finding.examples.length, "example", "examples")}`}
            </LinkButton>
          )}
        </td>
      </tr>
      {open && (
        <tr className="hover:bg-transparent">
          <td colSpan={COLUMNS.length}>
            <Examples finding={finding} />
          </td>
        </tr>
      )}
    </>
  );
}

export function QualityTable({ findings }: { findings: QualityFindingsPublic }) {
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
    <Card className="pb-3">
      <CardHeader
        title="Data-quality findings"
        subtitle={
          <span data-testid="quality-total">
            FOCUS rules the loaded data breaks (values are kept as the export wrote them) ·{" "}
            {plural(findings.count, "finding", "findings")} ·{" "}
            {plural(lineItems, "line item", "line items")}
          </span>
        }
      >
        <CsvButton name="data-quality" columns={FINDING_CSV} rows={findings.data} />
      </CardHeader>
      {findings.data.length === 0 ? (
        <Empty>No data-quality findings: the loaded data meets every rule checked.</Empty>
      ) : (
        <DataTable data-testid="quality-table">
          <TableHead columns={COLUMNS} />
            <tbody>
              {findings.data.map((finding) => {
                const key = findingKey(finding);
                return (
                  <QualityRow
                    key={key}
                    finding={finding}
                    open={expanded.has(key)}
                    onToggle={() => {
                      toggle(key);
                    }}
                  />
                );
              })}
            </tbody>
        </DataTable>
      )}
    </Card>
  );
}

