import { DataTable, TableHead } from "../../components/DataTable";
import { text } from "../../components/styles";
import { Button, Empty } from "../../components/ui";
import type { TokenPublic } from "../auth/types";

function when(timestamp: string | null | undefined, none: string): string {
  return timestamp === null || timestamp === undefined ? none : timestamp.slice(0, 16).replace("T", " ");
}

/** API tokens (never their secrets): name, prefix, owner, dates and a Revoke button each. */
export function TokensTable({
  tokens,
  showOwner,
  revoking,
  onRevoke,
}: {
  tokens: readonly TokenPublic[];
  showOwner: boolean;
  revoking: number | null;
  onRevoke: (token: TokenPublic) => void;
}) {
  if (tokens.length === 0) {
    return <Empty>No API tokens.</Empty>;
  }
  const columns = [
    "Token",
    ...(showOwner ? ["User"] : []),
    "Created",
    "Expires",
    "Last used",
    { label: <span className="sr-only">Actions</span> },
  ];
  return (
    <DataTable data-testid="tokens-table">
      <TableHead columns={columns} />
      <tbody>
        {tokens.map((token) => (
          <tr key={token.id} data-testid="token-row" data-token-name={token.name}>
            <td>
              <div className={text.main}>{token.name}</div>
              <div className={text.mono}>{token.prefix}…</div>
            </td>
            {showOwner && <td>{token.username ?? "—"}</td>}
            <td className="whitespace-nowrap">{when(token.created_at, "—")}</td>
            <td className="whitespace-nowrap">{when(token.expires_at, "never")}</td>
            <td className="whitespace-nowrap">{when(token.last_used_at, "never")}</td>
            <td className="whitespace-nowrap">
              <Button
                variant="danger"
                aria-label={`Revoke token ${token.name}`}
                disabled={revoking === token.id}
                onClick={() => {
                  onRevoke(token);
                }}
              >
                {revoking === token.id ? "Revoking…" : "Revoke"}
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
