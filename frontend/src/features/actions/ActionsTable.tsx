import { AccountName } from "../../components/AccountName";
import type { ActionPublic, ActionsPublic } from "../../api/client";
import { DataTable, TableHead } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { cx, rowTone, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import { actionLabel, formatTimestamp, RISK_TONES, statusLabel, statusTone } from "./actions";

const COLUMNS = [
  "Action",
  "Account · region",
  { label: "Savings / month", num: true },
  "Risk",
  "Status",
  "Proposed",
  "Waits until",
];

function ActionRow({
  action,
  active,
  onSelect,
}: {
  action: ActionPublic;
  active: boolean;
  onSelect: (id: number) => void;
}) {
  return (
    <tr
      data-testid="action-row"
      data-id={action.id}
      className={cx("cursor-pointer", active && rowTone.selected)}
      aria-selected={active}
      onClick={() => {
        onSelect(action.id);
      }}
    >
      <td>
        <LinkButton
          className={text.main}
          onClick={(event) => {
            event.stopPropagation();
            onSelect(action.id);
          }}
        >
          #{action.id} {actionLabel(action.action)}
        </LinkButton>
        <div className={cx(text.sub, text.mono)}>{action.resource_id}</div>
      </td>
      <td className="whitespace-nowrap">
        <AccountName id={action.account_id} />
        <div className={text.sub}>{action.region}</div>
      </td>
      <td className={cx(text.num, text.strong)}>
        {formatMoney(action.estimated_monthly_savings, action.currency)}
      </td>
      <td>
        <Badge tone={RISK_TONES[action.risk]}>{action.risk}</Badge>
      </td>
      <td>
        <Badge tone={statusTone(action.status)}>{statusLabel(action.status)}</Badge>
      </td>
      <td className="whitespace-nowrap">
        {formatTimestamp(action.proposed_at)}
        <div className={text.sub}>{action.proposed_by}</div>
      </td>
      <td className="whitespace-nowrap">{formatTimestamp(action.expires_at)}</td>
    </tr>
  );
}

interface ActionsTableProps {
  actions: ActionsPublic;
  offset: number;
  pageSize: number;
  selected: number | null;
  onSelect: (id: number) => void;
  onOffsetChange: (offset: number) => void;
}

export function ActionsTable({
  actions,
  offset,
  pageSize,
  selected,
  onSelect,
  onOffsetChange,
}: ActionsTableProps) {
  return (
    <Card className="pb-3">
      <CardHeader title="Proposed actions" subtitle="Select a row for its evidence and decision">
        <span className={text.muted} data-testid="actions-total">
          {actions.total} {actions.total === 1 ? "proposal" : "proposals"}
        </span>
      </CardHeader>
      {actions.items.length === 0 ? (
        <Empty>
          No proposals here. `finops actions propose` (or the remediation DAG) proposes actions for
          the findings your policies cover.
        </Empty>
      ) : (
        <DataTable data-testid="actions-table">
          <TableHead columns={COLUMNS} />
          <tbody>
            {actions.items.map((action) => (
              <ActionRow
                key={action.id}
                action={action}
                active={action.id === selected}
                onSelect={onSelect}
              />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={actions.items.length}
        count={actions.total}
        onOffsetChange={onOffsetChange}
      />
    </Card>
  );
}
