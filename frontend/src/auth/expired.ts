import type { RegisteredRouter } from "@tanstack/react-router";

import { loginPath } from "./redirect";

/**
 * What the API client does on a 401: the session has expired or was revoked, so the login page
 * opens with the current page as `next`, to come back to it after signing in.
 */
export function sendToLogin(router: RegisteredRouter): void {
  const { pathname, search } = router.history.location;
  if (pathname === "/login") {
    return;
  }
  void router.navigate({ href: loginPath(`${pathname}${search}`), replace: true });
}
