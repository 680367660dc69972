import { useState } from "react";

import { ErrorMessage } from "../../components/QueryStatus";
import { Button, Field } from "../../components/ui";
import { ROLE_LABELS, ROLES } from "../../auth/permissions";
import type { Role, UserPublic } from "../../auth/types";
import { useCreateUser } from "./queries";
import { type ScopeText, scopeFromText } from "../../auth/scope";

/** The two scope fields (accounts, tags), shared by creating and editing a user. */
export function ScopeFields({
  value,
  onChange,
}: {
  value: ScopeText;
  onChange: (value: ScopeText) => void;
}) {
  return (
    <>
      <Field label="Accounts (comma-separated; empty: all)" grow>
        <input
          type="text"
          data-testid="scope-accounts"
          value={value.accounts}
          onChange={(event) => {
            onChange({ ...value, accounts: event.target.value });
          }}
        />
      </Field>
      <Field label="Tags (key=value,value; …)" grow>
        <input
          type="text"
          data-testid="scope-tags"
          value={value.tags}
          placeholder="team=data; cost-center=cc-1"
          onChange={(event) => {
            onChange({ ...value, tags: event.target.value });
          }}
        />
      </Field>
    </>
  );
}

export function RoleSelect({
  label,
  value,
  testId,
  disabled = false,
  onChange,
}: {
  label: string;
  value: Role;
  testId: string;
  disabled?: boolean;
  onChange: (role: Role) => void;
}) {
  return (
    <select
      aria-label={label}
      data-testid={testId}
      value={value}
      disabled={disabled}
      className="min-w-[130px]"
      onChange={(event) => {
        const role = ROLES.find((candidate) => candidate === event.target.value);
        if (role !== undefined) {
          onChange(role);
        }
      }}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}

/** New user: name, role, optional scope and password (empty: the server generates none). */
export function CreateUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (user: UserPublic) => void;
  onCancel: () => void;
}) {
  const create = useCreateUser();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const [scope, setScope] = useState<ScopeText>({ accounts: "", tags: "" });
  const parsed = scopeFromText(scope);
  return (
    <form
      aria-label="New user"
      className="mb-4 flex flex-col gap-3 rounded-card border border-slate-200 bg-slate-50 px-4 py-3"
      onSubmit={(event) => {
        event.preventDefault();
        if ("error" in parsed) {
          return;
        }
        create.mutate(
          {
            username,
            display_name: displayName,
            role,
            password: password === "" ? null : password,
            scope: parsed,
          },
          { onSuccess: onCreated },
        );
      }}
    >
      <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
        <Field label="Username">
          <input
            type="text"
            data-testid="new-user-username"
            required
            value={username}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
          />
        </Field>
        <Field label="Display name">
          <input
            type="text"
            data-testid="new-user-display-name"
            value={displayName}
            onChange={(event) => {
              setDisplayName(event.target.value);
            }}
          />
        </Field>
        <Field label="Role">
          <RoleSelect label="Role" testId="new-user-role" value={role} onChange={setRole} />
        </Field>
        <Field label="Password (empty: set one later with Reset password)">
          <input
            type="password"
            data-testid="new-user-password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
        <ScopeFields value={scope} onChange={setScope} />
      </div>
      {"error" in parsed && (
        <p className="text-red-700" role="alert">
          {parsed.error}
        </p>
      )}
      {create.isError && <ErrorMessage title="Could not create the user" error={create.error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending || "error" in parsed}>
          {create.isPending ? "Creating…" : "Create user"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
