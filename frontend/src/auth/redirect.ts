/** Where the login page sends the user after signing in: a path of this dashboard, else "/". */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//")) {
    return "/";
  }
  // "/\evil.example" is read as "//evil.example" by browsers
  return next.startsWith("/\\") || next.startsWith("/login") ? "/" : next;
}

/** The login page's address that comes back to `here` (a path with its query string). */
export function loginPath(here: string): string {
  const next = safeNext(here);
  return next === "/" ? "/login" : `/login?${new URLSearchParams({ next }).toString()}`;
}
