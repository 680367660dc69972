import { useState } from "react";

import { ErrorMessage, QueryView } from "../../components/QueryStatus";
import { Button, Card, CardHeader, Field } from "../../components/ui";
import { SecretOnce } from "../../components/SecretOnce";
import type { TokenCreated } from "../../auth/types";
import { useCreateToken, useMyTokens, useRevokeMyToken } from "./queries";
import { TokensTable } from "../../components/TokensTable";

const DEFAULT_DAYS = 90;

function CreateTokenForm({ onCreated }: { onCreated: (token: TokenCreated) => void }) {
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [days, setDays] = useState(String(DEFAULT_DAYS));
  return (
    <form
      aria-label="New API token"
      className="mb-4 flex flex-wrap items-end gap-x-4 gap-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate(
          { name, expires_in_days: Number(days) },
          {
            onSuccess: (token) => {
              setName("");
              onCreated(token);
            },
          },
        );
      }}
    >
      <Field label="Name">
        <input
          type="text"
          data-testid="token-name"
          required
          placeholder="ci-export"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </Field>
      <Field label="Expires in (days)">
        <input
          type="number"
          data-testid="token-days"
          min={1}
          required
          value={days}
          onChange={(event) => {
            setDays(event.target.value);
          }}
        />
      </Field>
      <Button type="submit" variant="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create token"}
      </Button>
      {create.isError && <ErrorMessage title="Could not create the token" error={create.error} />}
    </form>
  );
}

/** The signed-in user's personal API tokens: create one (its secret shown once), revoke. */
export function AccountPage() {
  const tokens = useMyTokens();
  const revoke = useRevokeMyToken();
  const [created, setCreated] = useState<TokenCreated | null>(null);
  return (
    <Card>
      <CardHeader
        title="My API tokens"
        subtitle="For scripts and automation: send it as “Authorization: Bearer <token>”; it has your role and scope"
      />
      <CreateTokenForm onCreated={setCreated} />
      {created !== null && (
        <SecretOnce
          label={`Token “${created.name}”`}
          secret={created.token}
          testId="new-token-secret"
          onDone={() => {
            setCreated(null);
          }}
        />
      )}
      {revoke.isError && <ErrorMessage title="Could not revoke the token" error={revoke.error} />}
      <QueryView query={tokens} loading="Loading tokens…" failed="Could not load your tokens">
        {(data) => (
          <TokensTable
            tokens={data.data}
            asOf={tokens.dataUpdatedAt}
            showOwner={false}
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
