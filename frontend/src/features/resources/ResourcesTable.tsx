import { AccountName } from "../../components/AccountName";
import { DataTable, TableHead } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { Sparkline } from "../../components/Sparkline";
import { cx, rowTone, text } from "../../components/styles";
import { Badge, Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { formatMoney } from "../../lib/money";
import type { ResourcePublic, ResourcesPublic } from "./types";

function formatCpu(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(1)}%`;
}

function ResourceRow({
  resource,
  currency,
  cpu,
  selected,
  onSelect,
}: {
  resource: ResourcePublic;
  currency: string;
  cpu: readonly number[] | undefined;
  selected: boolean;
  onSelect: () => void;
}) {
  return (
    <tr
      data-testid="resource-row"
      data-id={resource.resource_id}
      className={cx("cursor-pointer", selected && rowTone.selected)}
      onClick={onSelect}
      aria-selected={selected}
    >
      <td className={text.main}>
        <LinkButton
          className={text.mono}
          onClick={(event) => {
            event.stopPropagation();
            onSelect();
          }}
        >
          {resource.name ?? resource.resource_id}
        </LinkButton>
        <div className={text.sub}>
          {[resource.name === null ? null : resource.resource_id, resource.resource_type].filter(Boolean).join(" · ")}
        </div>
      </td>
      <td>{resource.account_id === null ? "—" : <AccountName id={resource.account_id} stacked />}</td>
      <td className="whitespace-nowrap">{resource.region_id ?? "—"}</td>
      <td>{resource.state === null ? "—" : <Badge tone={resource.is_terminated === true ? "neutral" : "info"}>{resource.state}</Badge>}</td>
      <td className={cx(text.num, text.strong)} data-testid="resource-cost">
        {formatMoney(resource.cost_30d, currency)}
      </td>
      <td className={text.num} data-testid="resource-cpu">
        {formatCpu(resource.cpu_p95_14d)}
      </td>
      <td>
        <Sparkline values={cpu ?? []} max={100} label={`CPU p95 by day, ${resource.resource_id}`} testId="resource-sparkline" />
      </td>
      <td className={text.num} data-testid="resource-findings">
        {resource.open_findings}
      </td>
      <td className={text.num} data-testid="resource-anomalies">
        {resource.anomalies}
      </td>
    </tr>
  );
}

/** One page of the inventory; a row opens the resource below the table. */
export function ResourcesTable({
  resources,
  currency,
  cpu,
  offset,
  pageSize,
  selected,
  onSelect,
  onOffsetChange,
}: {
  resources: ResourcesPublic;
  currency: string;
  cpu: ReadonlyMap<string, number[]>;
  offset: number;
  pageSize: number;
  selected: string | undefined;
  onSelect: (id: string) => void;
  onOffsetChange: (offset: number) => void;
}) {
  return (
    <Card className="pb-3" data-testid="resources-table">
      <CardHeader
        title="Inventory"
        subtitle={<span data-testid="resources-count">{`${resources.total.toLocaleString("en-US")} resources · cost over the last 30 days of data, CPU p95 over 14`}</span>}
      />
      {resources.items.length === 0 ? (
        <Empty>No resource matches these filters.</Empty>
      ) : (
        <DataTable>
          <TableHead
            columns={[
              "Resource",
              "Account",
              "Region",
              "State",
              { label: "Cost (30 d)", num: true },
              { label: "CPU p95", num: true },
              "CPU by day",
              { label: "Findings", num: true },
              { label: "Anomalies", num: true },
            ]}
          />
          <tbody>
            {resources.items.map((resource) => (
              <ResourceRow
                key={resource.resource_id}
                resource={resource}
                currency={currency}
                cpu={cpu.get(resource.resource_id)}
                selected={resource.resource_id === selected}
                onSelect={() => {
                  onSelect(resource.resource_id);
                }}
              />
            ))}
          </tbody>
        </DataTable>
      )}
      <Pager offset={offset} pageSize={pageSize} shown={resources.items.length} count={resources.total} onOffsetChange={onOffsetChange} />
    </Card>
  );
}
