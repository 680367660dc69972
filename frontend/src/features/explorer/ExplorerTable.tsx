import { DataTable, TableHead } from "../../components/DataTable";
import { cx, text } from "../../components/styles";
import { Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { formatMoney, formatShare, moneyToNumber } from "../../lib/money";
import { groupName } from "./explorerOption";
import { dimensionLabel } from "./search";
import type { ExplorerGroupPublic, ExplorerPublic } from "./types";

/** Rows drawn at most (the CSV download has every one). */
export const TABLE_ROWS = 500;

function share(part: string, whole: string): string {
  const total = moneyToNumber(whole);
  return total === 0 ? "—" : formatShare((moneyToNumber(part) / total) * 100);
}

function GroupRow({
  group,
  view,
  onDrill,
}: {
  group: ExplorerGroupPublic;
  view: ExplorerPublic;
  onDrill: ((keys: (string | null)[]) => void) | undefined;
}) {
  const currency = view.currency ?? "USD";
  return (
    <tr
      data-testid="explorer-row"
      data-keys={JSON.stringify(group.keys)}
      className={onDrill === undefined ? undefined : "cursor-pointer"}
      onClick={() => onDrill?.(group.keys)}
    >
      {group.labels.map((label, index) => (
        <td key={index} className={text.main} data-testid="explorer-row-label">
          {index === 0 && onDrill !== undefined ? (
            <LinkButton
              title="Filter on this group and break it down further"
              onClick={(event) => {
                event.stopPropagation();
                onDrill(group.keys);
              }}
            >
              {label}
            </LinkButton>
          ) : (
            label
          )}
          {group.keys[index] !== null && group.keys[index] !== label && (
            <div className={cx(text.sub, "font-mono")}>{group.keys[index]}</div>
          )}
        </td>
      ))}
      <td className={cx(text.num, text.strong)} data-testid="explorer-row-total">
        {formatMoney(group.total, currency)}
      </td>
      <td className={text.num} data-testid="explorer-row-share">
        {share(group.total, view.total)}
      </td>
    </tr>
  );
}

/** Every group with its total and share, largest first, the view's total below; a row click
 * drills down into the group. */
export function ExplorerTable({
  view,
  onDrill,
}: {
  view: ExplorerPublic;
  onDrill: (keys: (string | null)[]) => void;
}) {
  const currency = view.currency ?? "USD";
  const grouped = view.group_by.length > 0;
  const dims = grouped ? view.group_by.map(dimensionLabel) : ["Total"];
  const shown = view.groups.slice(0, TABLE_ROWS);
  return (
    <Card className="pb-3" data-testid="explorer-table" data-group-by={view.group_by.join(",")} data-filters={JSON.stringify(view.filters)}>
      <CardHeader
        title={grouped ? `By ${view.group_by.map(dimensionLabel).join(" and ")}` : "Total cost"}
        subtitle={
          <span data-testid="explorer-groups-count">
            {view.groups.length === 1 ? "1 group" : `${view.groups.length.toLocaleString("en-US")} groups`}
            {view.groups.length > shown.length && ` (the largest ${String(TABLE_ROWS)} shown; the CSV has every one)`}
          </span>
        }
      />
      {view.groups.length === 0 ? (
        <Empty>No cost matches this view.</Empty>
      ) : (
        <DataTable>
          <TableHead columns={[...dims, { label: "Cost", num: true }, { label: "Share", num: true }]} />
          <tbody>
            {shown.map((group) => (
              <GroupRow
                key={JSON.stringify(group.keys)}
                group={grouped ? group : { ...group, labels: [groupName([])] }}
                view={view}
                onDrill={grouped ? onDrill : undefined}
              />
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={dims.length} className="text-left">
                Total
              </th>
              <td className={text.num} data-testid="explorer-total" data-value={view.total}>
                {formatMoney(view.total, currency)}
              </td>
              <td className={text.num}>{view.groups.length === 0 ? "—" : "100.0%"}</td>
            </tr>
          </tfoot>
        </DataTable>
      )}
    </Card>
  );
}
