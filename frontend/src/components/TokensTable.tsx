import { DataTable, TableHead } from "./DataTable";
import { text } from "./styles";
import { Badge, Button, Empty } from "./ui";
import type { TokenPublic } from "../auth/types";

type TokenState = "active" | "revoked" | "expired";

function tokenState(token: TokenPublic, now: number): TokenState {
  if (token.revoked_at !== null) {
    return "revoked";
  }
  return Date.parse(token.expires_at) <= now ? "expired" : "active";
}

/** "2026-11-01T08:00:00Z" → "2026-11-01 08:00" (UTC, as the server stores it). */
function when(timestamp: string | null, none: string): string {
  return timestamp === null ? none : timestamp.slice(0, 16).replace("T", " ");
}

function TokenRow({
  token,
  state,
  showOwner,
  revoking,
  onRevoke,
}: {
  token: TokenPublic;
  state: TokenState;
  showOwner: boolean;
  revoking: boolean;
  onRevoke: () => void;
}) {
  return (
    <tr data-testid="token-row" data-token-name={token.name} data-state={state}>
      <td>
        <div className={text.main}>{token.name}</div>
        <div className={text.mono}>{token.prefix}…</div>
      </td>
      {showOwner && <td>{token.username}</td>}
      <td>
        <Badge tone={state === "active" ? "success" : "neutral"}>{state}</Badge>
      </td>
      <td className="whitespace-nowrap">{when(token.created_at, "—")}</td>
      <td className="whitespace-nowrap">{when(token.expires_at, "never")}</td>
      <td className="whitespace-nowrap">{when(token.last_used_at, "never")}</td>
      <td className="whitespace-nowrap">
        {state === "active" && (
          <Button
            variant="danger"
            aria-label={`Revoke token ${token.name}`}
            disabled={revoking}
            onClick={onRevoke}
          >
            {revoking ? "Revoking…" : "Revoke"}
          </Button>
        )}
      </td>
    </tr>
  );
}

/** API tokens (never their secrets): name, prefix, owner, state, dates (UTC), and Revoke for
 * an active one. */
export function TokensTable({
  tokens,
  asOf,
  showOwner,
  revoking,
  onRevoke,
}: {
  tokens: readonly TokenPublic[];
  /** when the list was read (ms since the epoch): a token past its expiry then is expired */
  asOf: number;
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
    "State",
    "Created (UTC)",
    "Expires",
    "Last used",
    { label: <span className="sr-only">Actions</span> },
  ];
  return (
    <DataTable data-testid="tokens-table">
      <TableHead columns={columns} />
      <tbody>
        {tokens.map((token) => (
          <TokenRow
            key={token.id}
            token={token}
            state={tokenState(token, asOf)}
            showOwner={showOwner}
            revoking={revoking === token.id}
            onRevoke={() => {
              onRevoke(token);
            }}
          />
        ))}
      </tbody>
    </DataTable>
  );
}
