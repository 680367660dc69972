import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useState } from "react";

import { ErrorMessage } from "../../components/QueryStatus";
import { Brand, Button, Card, Field } from "../../components/ui";
import { safeNext } from "../../auth/redirect";
import { useLogin, useProviders } from "../../auth/session";

const route = getRouteApi("/login");

/** Single sign-on, shown when the server has an OpenID provider configured. */
function SsoButton({ next }: { next: string }) {
  const providers = useProviders();
  const oidc = providers.data?.oidc ?? null;
  if (oidc === null) {
    return null;
  }
  const href = next === "/" ? oidc.login_url : `${oidc.login_url}?${new URLSearchParams({ next }).toString()}`;
  return (
    <>
      <a
        href={href}
        data-testid="sso-login"
        className="block rounded-lg border border-slate-300 bg-white px-3.5 py-1.5 text-center font-medium text-slate-900 no-underline"
      >
        Sign in with {oidc.name}
      </a>
      <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        or
        <span className="h-px flex-1 bg-slate-200" />
      </div>
    </>
  );
}

/**
 * The sign-in page: username and password (and single sign-on when offered). After signing in
 * it opens `next`, the page the user was on when the session ended (a dashboard path only).
 */
export function LoginPage() {
  const target = safeNext(route.useSearch().next);
  const navigate = useNavigate();
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <Card className="flex w-full max-w-sm flex-col gap-4 px-7 py-7">
        <Brand />
        {target !== "/" && (
          <p className="text-slate-600" role="status" data-testid="login-reason">
            Your session has ended. Sign in to continue.
          </p>
        )}
        <SsoButton next={target} />
        <form
          className="flex flex-col gap-3"
          aria-label="Sign in"
          onSubmit={(event) => {
            event.preventDefault();
            login.mutate(
              { username, password },
              {
                onSuccess: () => {
                  void navigate({ href: target, replace: true });
                },
              },
            );
          }}
        >
          <Field label="Username">
            <input
              type="text"
              name="username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(event) => {
                setUsername(event.target.value);
              }}
            />
          </Field>
          <Field label="Password">
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
              }}
            />
          </Field>
          {login.isError && <ErrorMessage title="Could not sign in" error={login.error} />}
          <Button type="submit" variant="primary" disabled={login.isPending}>
            {login.isPending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </Card>
    </div>
  );
}
