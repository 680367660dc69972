import { useState } from "react";

import { DataTable, TableHead } from "../../components/DataTable";
import { ErrorMessage, QueryView } from "../../components/QueryStatus";
import { text } from "../../components/styles";
import { Badge, Button, Card, CardHeader } from "../../components/ui";
import { SecretOnce } from "../../components/SecretOnce";
import type { UserPublic, UsersPublic } from "../../auth/types";
import { useResetPassword, useUpdateUser, useUsers } from "./queries";
import { type ScopeText, scopeFromText, scopeSummary, scopeToText } from "../../auth/scope";
import { CreateUserForm, RoleSelect, ScopeFields } from "./UserForm";

const COLUMNS = ["User", "Role", "Status", "Scope", { label: <span className="sr-only">Actions</span> }];

/** A user's scope: its summary, or (editing) the two fields with Save and Cancel. */
function ScopeCell({ user, onSaved }: { user: UserPublic; onSaved: (message: string) => void }) {
  const update = useUpdateUser();
  const [editing, setEditing] = useState<ScopeText | null>(null);
  if (editing === null) {
    return (
      <div className="flex items-start justify-between gap-2">
        <span data-testid="user-scope">{scopeSummary(user.scope)}</span>
        <Button
          aria-label={`Edit scope of ${user.username}`}
          onClick={() => {
            setEditing(scopeToText(user.scope));
          }}
        >
          Edit
        </Button>
      </div>
    );
  }
  const parsed = scopeFromText(editing);
  return (
    <form
      className="flex flex-col gap-2"
      aria-label={`Scope of ${user.username}`}
      onSubmit={(event) => {
        event.preventDefault();
        if ("error" in parsed) {
          return;
        }
        update.mutate(
          { username: user.username, update: { scope: parsed } },
          {
            onSuccess: () => {
              setEditing(null);
              onSaved(`Saved the scope of ${user.username}.`);
            },
          },
        );
      }}
    >
      <ScopeFields value={editing} onChange={setEditing} />
      {"error" in parsed && <span className="text-red-700">{parsed.error}</span>}
      {update.isError && <ErrorMessage title="Could not save the scope" error={update.error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={update.isPending || "error" in parsed}>
          Save
        </Button>
        <Button
          onClick={() => {
            setEditing(null);
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

function UserRow({
  user,
  onNotice,
  onPassword,
}: {
  user: UserPublic;
  onNotice: (message: string) => void;
  onPassword: (username: string, password: string) => void;
}) {
  const update = useUpdateUser();
  const reset = useResetPassword();
  const change = (what: string, patch: Parameters<typeof update.mutate>[0]["update"]) => {
    update.mutate(
      { username: user.username, update: patch },
      { onSuccess: () => { onNotice(`${what} ${user.username}.`); } },
    );
  };
  return (
    <tr data-testid="user-row" data-username={user.username}>
      <td>
        <div className={text.main}>{user.display_name === "" ? user.username : user.display_name}</div>
        <div className={text.sub}>{user.username}</div>
      </td>
      <td>
        <RoleSelect
          label={`Role of ${user.username}`}
          testId="user-role-select"
          value={user.role}
          disabled={update.isPending}
          onChange={(role) => {
            change(`Made ${role}:`, { role });
          }}
        />
        {update.isError && <ErrorMessage title="Could not change the user" error={update.error} />}
      </td>
      <td>
        <Badge tone={user.disabled ? "neutral" : "success"}>{user.disabled ? "disabled" : "active"}</Badge>
      </td>
      <td className="min-w-[260px]">
        <ScopeCell user={user} onSaved={onNotice} />
      </td>
      <td className="whitespace-nowrap">
        <div className="flex gap-2">
          <Button
            disabled={update.isPending}
            onClick={() => {
              change(user.disabled ? "Enabled" : "Disabled", { disabled: !user.disabled });
            }}
          >
            {user.disabled ? "Enable" : "Disable"}
          </Button>
          <Button
            disabled={reset.isPending}
            onClick={() => {
              reset.mutate(user.username, {
                onSuccess: ({ password }) => {
                  onPassword(user.username, password);
                },
              });
            }}
          >
            Reset password
          </Button>
        </div>
        {reset.isError && <ErrorMessage title="Could not reset the password" error={reset.error} />}
      </td>
    </tr>
  );
}

function UsersTable({ users }: { users: UsersPublic }) {
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState("");
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  return (
    <Card>
      <CardHeader title="Users" subtitle="Roles: viewer < analyst < approver < admin; a scope limits what a user sees">
        <div className="flex items-center gap-3">
          <span className={text.muted}>
            {users.count} {users.count === 1 ? "user" : "users"}
          </span>
          <Button variant="primary" aria-expanded={creating} onClick={() => { setCreating(!creating); }}>
            New user
          </Button>
        </div>
      </CardHeader>
      {creating && (
        <CreateUserForm
          onCreated={(user) => {
            setCreating(false);
            setNotice(`Created user ${user.username} (${user.role}).`);
          }}
          onCancel={() => { setCreating(false); }}
        />
      )}
      {secret !== null && (
        <SecretOnce
          label={`One-time password for ${secret.username}`}
          secret={secret.password}
          testId="one-time-password"
          onDone={() => { setSecret(null); }}
        />
      )}
      <p className="mb-3 text-green-700 empty:hidden" role="status" data-testid="users-notice">
        {notice}
      </p>
      <DataTable data-testid="users-table">
        <TableHead columns={COLUMNS} />
        <tbody>
          {users.data.map((user) => (
            <UserRow
              key={user.username}
              user={user}
              onNotice={setNotice}
              onPassword={(username, password) => { setSecret({ username, password }); }}
            />
          ))}
        </tbody>
      </DataTable>
    </Card>
  );
}

export function UsersPanel() {
  const users = useUsers();
  return (
    <QueryView query={users} loading="Loading users…" failed="Could not load the users">
      {(data) => <UsersTable users={data} />}
    </QueryView>
  );
}
