import { Fragment, useState } from "react";

import type { FindingPublic, FindingsPublic } from "../../api/client";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Badge, Card, CardHeader, Empty, LinkButton, type Tone } from "../../components/ui";
import { findingTypeLabel, keyDetails, recommendedAction } from "../../lib/findings";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { cx, rowTone, text } from "../../components/styles";
import { FindingDetailRow } from "./FindingDetail";

/** Colour by lifecycle status (the API sends it as a string). */
const STATUS_TONES: Record<string, Tone | undefined> = {
  new: "info",
  open: "warning",
  resolved: "success",
};

/** The savings method of an under-used commitment (`optimization/findings.py`). */
const COMMITMENT_WASTE = "commitment_waste_30d";

interface FindingsTableProps {
  findings: FindingsPublic;
  offset: number;
  pageSize: number;
  accountNames: ReadonlyMap<string, string>;
  onOffsetChange: (offset: number) => void;
  /** The finding whose detail is open at first (the page's `finding` URL). */
  opened?: string | null;
  /** Leaves the one finding shown for every finding (offered when one is shown). */
  onShowAll?: (() => void) | undefined;
}

function shortResource(finding: FindingPublic): string {
  const id = finding.resource_id ?? "—";
  // ARNs are long; their last segment names the resource
  return id.startsWith("arn:") ? (id.split(/[:/]/).at(-1) ?? id) : id;
}

function FindingRow({
  finding,
  accountNames,
  open,
  onToggle,
}: {
  finding: FindingPublic;
  accountNames: ReadonlyMap<string, string>;
  open: boolean;
  onToggle: () => void;
}) {
  const action = recommendedAction(finding);
  const accountName = accountNames.get(finding.account_id);
  return (
    <tr
      data-testid="finding-row"
      data-fingerprint={finding.fingerprint}
      className={cx("cursor-pointer", open && rowTone.selected)}
      aria-expanded={open}
      title={open ? "Close the finding" : "Open the finding"}
      onClick={onToggle}
    >
      <td>
        <div className={cx(text.main, text.mono)} title={finding.resource_id ?? undefined}>
          {shortResource(finding)}
        </div>
        <div className={text.sub}>
          {[finding.resource_type, finding.region].filter((part) => part !== null).join(" · ")}
        </div>
      </td>
      <td>
        <div className={text.main}>{accountName ?? finding.account_id}</div>
        {accountName !== undefined && <div className={cx(text.sub, "font-mono")}>{finding.account_id}</div>}
      </td>
      <td>{findingTypeLabel(finding.finding_type)}</td>
      <td>
        <Badge tone={STATUS_TONES[finding.status] ?? "neutral"}>{finding.status}</Badge>
      </td>
      <td className={cx(text.num, text.strong)} data-testid="finding-savings">
        {finding.savings_method === COMMITMENT_WASTE ? (
          <>
            —
            <div className={text.sub}>
              {formatMoney(finding.commitment_waste, finding.currency)}/mo commitment waste
            </div>
          </>
        ) : (
          <>
            {formatMoney(finding.estimated_monthly_savings, finding.currency)}
            {finding.on_demand_monthly_savings !== null && (
              <div className={text.sub}>
                {formatMoney(finding.on_demand_monthly_savings, finding.currency)} on demand
              </div>
            )}
          </>
        )}
      </td>
      <td className={text.num}>
        {finding.cost_30d === null ? "—" : formatMoney(finding.cost_30d, finding.currency)}
      </td>
      <td className="min-w-60">
        <div className={text.main}>{keyDetails(finding)}</div>
        {action !== null && <div className={text.sub}>{action}</div>}
      </td>
    </tr>
  );
}

export function FindingsTable({
  findings,
  offset,
  pageSize,
  accountNames,
  onOffsetChange,
  opened = null,
  onShowAll,
}: FindingsTableProps) {
  const [open, setOpen] = useState<string | null>(opened);
  return (
    <Card className="pb-3">
      <CardHeader title="Findings" subtitle="Largest estimated monthly savings first">
        <span className={text.muted} data-testid="findings-total">
          {findings.count} {findings.count === 1 ? "finding" : "findings"} ·{" "}
          {formatMoney(findings.total_estimated_monthly_savings, findings.currency)}/mo savings
          {moneyToNumber(findings.total_commitment_waste) !== 0 &&
            ` · ${formatMoney(findings.total_commitment_waste, findings.currency)}/mo commitment waste (not savings)`}
          {onShowAll !== undefined && (
            <>
              {" · "}
              <LinkButton onClick={onShowAll} data-testid="findings-show-all">
                Show every finding
              </LinkButton>
            </>
          )}
        </span>
      </CardHeader>
      {findings.data.length === 0 ? (
        <Empty>No findings match these filters.</Empty>
      ) : (
        <DataTable data-testid="findings-table">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Account</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" className={text.num}>
                Savings / month at the price paid
              </th>
              <th scope="col" className={text.num}>
                Cost, last 30 days
              </th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {findings.data.map((finding) => (
              <Fragment key={finding.fingerprint}>
                <FindingRow
                  finding={finding}
                  accountNames={accountNames}
                  open={open === finding.fingerprint}
                  onToggle={() => {
                    setOpen(open === finding.fingerprint ? null : finding.fingerprint);
                  }}
                />
                {open === finding.fingerprint && <FindingDetailRow finding={finding} columns={7} />}
              </Fragment>
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={findings.data.length}
        count={findings.count}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}
