// The one typed API client (openapi-fetch over the generated schema). Same origin:
// the session lives in httpOnly cookies; state-changing calls echo the CSRF cookie in
// X-CSRF-Token; a 401 on a session call refreshes the session once and retries.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const CSRF_COOKIE = "st_csrf";
const CSRF_HEADER = "X-CSRF-Token";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function csrfHeaders(): Record<string, string> {
  const token = readCookie(CSRF_COOKIE);
  return token ? { [CSRF_HEADER]: token } : {};
}

/** The `{error, code, details}` envelope every 4xx/5xx carries, as a thrown Error. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

let refreshing: Promise<boolean> | null = null;

/** Rotate the refresh cookie for a new access cookie; one refresh at a time. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/auth/refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: csrfHeaders(),
  })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const NO_RETRY = ["/api/auth/"];

// a copy of each request's body, kept until its response: a 401 is retried once
const copies = new Map<string, Request>();

const session: Middleware = {
  onRequest({ request, id }) {
    if (!SAFE.has(request.method)) {
      for (const [k, v] of Object.entries(csrfHeaders())) request.headers.set(k, v);
    }
    copies.set(id, request.clone());
    return request;
  },
  async onResponse({ request, response, id }) {
    const copy = copies.get(id);
    copies.delete(id);
    const path = new URL(request.url).pathname;
    if (!copy || response.status !== 401 || NO_RETRY.some((p) => path.startsWith(p))) return response;
    // no CSRF cookie: no session was ever issued here (it lives as long as the refresh
    // cookie), so a refresh would only spend an attempt of the sign-in rate limit
    if (!readCookie(CSRF_COOKIE)) return response;
    if (!(await refreshSession())) return response;
    if (!SAFE.has(copy.method)) {
      for (const [k, v] of Object.entries(csrfHeaders())) copy.headers.set(k, v);
    }
    return fetch(copy);
  },
  onError({ id }) {
    copies.delete(id);
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(session);

type ErrorBody = { error?: string; code?: string; details?: Record<string, unknown> };

/** The ApiError for a failed openapi-fetch result (its parsed error body and response). */
export function apiErrorOf(error: unknown, response: Response): ApiError {
  const body = (typeof error === "object" && error !== null ? error : {}) as ErrorBody;
  const retry = Number(response.headers.get("Retry-After"));
  return new ApiError(
    response.status,
    body.code ?? `http_${response.status}`,
    body.error ?? (response.statusText || "The request failed."),
    body.details ?? {},
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

/** Unwrap an openapi-fetch result: the response body (`{data, meta}`), or throw ApiError. */
export async function unwrap<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await result;
  if (!response.ok || data === undefined) throw apiErrorOf(error, response);
  return data;
}
