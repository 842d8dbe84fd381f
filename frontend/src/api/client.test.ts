// The client's session handling against a stubbed network boundary: CSRF echoed on
// state-changing calls, a 401 refreshed once and retried — but only when a session was
// ever issued (the CSRF cookie), so signed-out visitors spend no sign-in rate limit.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json, net } from "../test/net";
import { ApiError, api, unwrap } from "./client";

let seen: { method: string; path: string; csrf: string | null }[];
let signedIn: boolean;

beforeEach(() => {
  seen = [];
  signedIn = false;
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    seen.push({ method: request.method, path, csrf: request.headers.get("X-CSRF-Token") });
    if (path === "/api/auth/refresh") {
      signedIn = true;
      return json({ data: {}, meta: {} });
    }
    if (!signedIn) return json({ error: "Sign in first.", code: "UNAUTHORIZED", details: {} }, 401);
    return json({ data: { id: "u1" }, meta: {} });
  };
});
afterEach(() => {
  document.cookie = "st_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
});

describe("api client", () => {
  it("signed out (no CSRF cookie): a 401 is final, no refresh is attempted", async () => {
    const error = await unwrap(api.GET("/api/me")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("UNAUTHORIZED");
    expect(seen.map((s) => s.path)).toEqual(["/api/me"]);
  });

  it("with a session cookie: refreshes once, with the CSRF header, and retries", async () => {
    document.cookie = "st_csrf=abc123; path=/";
    const body = await unwrap(api.GET("/api/me"));
    expect(body.data.id).toBe("u1");
    expect(seen).toEqual([
      { method: "GET", path: "/api/me", csrf: null },
      { method: "POST", path: "/api/auth/refresh", csrf: "abc123" },
      { method: "GET", path: "/api/me", csrf: null },
    ]);
  });

  it("echoes the CSRF cookie on state-changing calls", async () => {
    document.cookie = "st_csrf=tok; path=/";
    signedIn = true;
    await api.POST("/api/auth/logout");
    expect(seen[0]).toEqual({ method: "POST", path: "/api/auth/logout", csrf: "tok" });
  });
});
