import type { ReactNode } from "react";

import { ErrorMessage, Loading } from "./QueryStatus";
import { Card } from "./ui";
import { allows, type Requirement } from "../auth/permissions";
import { useMe } from "../auth/session";

/** A whole page for users with the right `need` names; others read why they cannot open it. */
export function PageGuard({ need, children }: { need: Requirement; children: ReactNode }) {
  const me = useMe();
  if (me.isPending) {
    return <Loading label="Checking your access…" />;
  }
  if (me.isError) {
    return <ErrorMessage title="Could not check your access" error={me.error} />;
  }
  if (!allows(me.data, need)) {
    const what = "permission" in need ? `the “${need.permission}” permission` : `the ${need.role} role`;
    return (
      <Card data-testid="forbidden" role="alert">
        <h2 className="text-[15px] font-semibold">Not available to your role</h2>
        <p className="mt-1 text-slate-600">
          This page needs {what}; you are signed in as {me.data.role}. Ask an administrator if you
          need it.
        </p>
      </Card>
    );
  }
  return children;
}
