import { describe, expect, it } from "vitest";

import { createApiClient } from "../api/client";
import { needsCsrf, readCookie } from "../api/csrf";
import { meFixture } from "../test/authFixtures";
import { allows, roleAllows } from "./permissions";
import { loginPath, safeNext } from "./redirect";

describe("readCookie", () => {
  it("finds a cookie among others, decoded", () => {
    expect(readCookie("a=1; finops_csrf=x%3Dy; b=2", "finops_csrf")).toBe("x=y");
    expect(readCookie("finops_csrf_old=1", "finops_csrf")).toBeNull();
    expect(readCookie("", "finops_csrf")).toBeNull();
  });

  it("marks the state-changing methods", () => {
    expect(["POST", "PUT", "PATCH", "DELETE", "post"].map(needsCsrf)).toEqual([true, true, true, true, true]);
    expect(["GET", "HEAD", "OPTIONS"].map(needsCsrf)).toEqual([false, false, false]);
  });
});

describe("the API client", () => {
  it("adds X-CSRF-Token to a POST only, and reports a 401 except from login", async () => {
    const seen: { method: string; path: string; csrf: string | null }[] = [];
    let unauthorized = 0;
    const client = createApiClient({
      baseUrl: "http://finops.test",
      cookies: () => "finops_csrf=abc",
      onUnauthorized: () => {
        unauthorized += 1;
      },
      fetch: (request) => {
        seen.push({
          method: request.method,
          path: new URL(request.url).pathname,
          csrf: request.headers.get("X-CSRF-Token"),
        });
        return Promise.resolve(new Response('{"detail":"no"}', { status: 401 }));
      },
    });
    await client.GET("/api/v1/auth/me");
    await client.POST("/api/v1/auth/login", { body: { username: "u", password: "p" } });
    await client.POST("/api/v1/auth/logout");
    expect(seen).toEqual([
      { method: "GET", path: "/api/v1/auth/me", csrf: null },
      { method: "POST", path: "/api/v1/auth/login", csrf: "abc" },
      { method: "POST", path: "/api/v1/auth/logout", csrf: "abc" },
    ]);
    expect(unauthorized).toBe(2);
  });
});

describe("where login leads", () => {
  it("follows only paths of the dashboard", () => {
    expect(safeNext("/anomalies?status=open")).toBe("/anomalies?status=open");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example/", "", undefined, 7, "/login?next=/x"]) {
      expect(safeNext(bad)).toBe("/");
    }
  });

  it("writes the login address with next, or without for the Overview", () => {
    expect(loginPath("/chargeback?period=2025-02")).toBe("/login?next=%2Fchargeback%3Fperiod%3D2025-02");
    expect(loginPath("/")).toBe("/login");
  });
});

describe("permissions", () => {
  it("climbs the role ladder", () => {
    expect(roleAllows("approver", "analyst")).toBe(true);
    expect(roleAllows("analyst", "approver")).toBe(false);
    expect(roleAllows("viewer", "viewer")).toBe(true);
  });

  it("reads the server's permissions, and allows nothing before /auth/me answers", () => {
    expect(allows(meFixture("approver"), { permission: "approve" })).toBe(true);
    expect(allows(meFixture("analyst"), { permission: "approve" })).toBe(false);
    expect(allows(meFixture("analyst"), { role: "analyst" })).toBe(true);
    expect(allows(undefined, { permission: "read" })).toBe(false);
  });
});
