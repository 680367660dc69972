/** The cookie the server sets with the session's CSRF token (readable, SameSite=Strict). */
export const CSRF_COOKIE = "finops_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A cookie's value from `document.cookie` (`a=1; b=2`), or `null`. */
export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) {
      return decodeURIComponent(value.join("="));
    }
  }
  return null;
}

/** Whether the method changes state, so the server wants the CSRF header with the cookie. */
export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
