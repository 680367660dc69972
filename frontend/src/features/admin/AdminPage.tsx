import { ErrorMessage, QueryView } from "../../components/QueryStatus";
import { Card, CardHeader } from "../../components/ui";
import { TokensTable } from "../../components/TokensTable";
import { PageGuard } from "../../components/PageGuard";
import { NEEDS } from "../../auth/permissions";
import { useAllTokens, useRevokeAnyToken } from "./queries";
import { UsersPanel } from "./UsersPanel";

/** Every user's API tokens, each revocable. */
function AllTokensPanel() {
  const tokens = useAllTokens();
  const revoke = useRevokeAnyToken();
  return (
    <Card>
      <CardHeader title="API tokens" subtitle="Every user's tokens; revoking one stops it at once" />
      {revoke.isError && <ErrorMessage title="Could not revoke the token" error={revoke.error} />}
      <QueryView query={tokens} loading="Loading tokens…" failed="Could not load the tokens">
        {(data) => (
          <TokensTable
            tokens={data.data}
            asOf={tokens.dataUpdatedAt}
            showOwner
            revoking={revoke.isPending ? revoke.variables : null}
            onRevoke={(token) => {
              revoke.mutate(token.id);
            }}
          />
        )}
      </QueryView>
    </Card>
  );
}

/** Users (role, disabled, scope, password) and everyone's API tokens; admins only. */
export function AdminPage() {
  return (
    <PageGuard need={NEEDS.administer}>
      <UsersPanel />
      <AllTokensPanel />
    </PageGuard>
  );
}
