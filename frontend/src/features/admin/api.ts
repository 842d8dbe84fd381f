// The admin console's server state: reads and writes of /api/admin/* (TanStack Query).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";
import type { ConfigKind, ConfigValues, TierLimits } from "./logic";

export type AdminUser = Schemas["AdminUserOut"];
export type AuditEntry = Schemas["AuditEntryOut"];
export type ConfigOut = Schemas["ConfigOut"];
export type ApiErrorRow = Schemas["ApiErrorOut"];

export const ADMIN_KEY = ["admin"] as const;
export const PAGE_SIZE = 25;

/** A 403 from an admin route: the caller is not (or no longer) an admin. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/** All users (searched by `q`), or only those with a pro subscription record (the API's
 *  /subscriptions listing has no search). */
export function useAdminUsers(q: string, proOnly = false) {
  return useInfiniteQuery({
    queryKey: [...ADMIN_KEY, "users", proOnly ? { proOnly } : q],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      proOnly
        ? unwrap(api.GET("/api/admin/subscriptions", { params: { query: { cursor: pageParam ?? undefined, limit: PAGE_SIZE } } }))
        : unwrap(api.GET("/api/admin/users", { params: { query: { q: q || undefined, cursor: pageParam ?? undefined, limit: PAGE_SIZE } } })),
    getNextPageParam: (last) => last.meta.nextCursor ?? null,
  });
}

export type AuditFilter = { action?: string; target?: string };

export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: [...ADMIN_KEY, "audit", filter],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        api.GET("/api/admin/audit-log", {
          params: {
            query: { action: filter.action || undefined, target: filter.target || undefined, cursor: pageParam ?? undefined, limit: PAGE_SIZE },
          },
        }),
      ),
    getNextPageParam: (last) => last.meta.nextCursor ?? null,
  });
}

export function useTierLimits() {
  return useQuery({
    queryKey: [...ADMIN_KEY, "tier-limits"],
    queryFn: async (): Promise<TierLimits[]> => (await unwrap(api.GET("/api/admin/tier-limits"))).data,
  });
}

export function useConfig(kind: ConfigKind) {
  return useQuery({
    queryKey: [...ADMIN_KEY, "config", kind],
    queryFn: async (): Promise<ConfigOut> =>
      (await unwrap(kind === "vrs" ? api.GET("/api/admin/vrs-config") : api.GET("/api/admin/yield-config"))).data,
  });
}

export function useLastErrors() {
  return useQuery({
    queryKey: [...ADMIN_KEY, "errors"],
    queryFn: async (): Promise<ApiErrorRow[]> => (await unwrap(api.GET("/api/admin/errors", { params: { query: { limit: 100 } } }))).data,
  });
}

/** After any admin write: the lists and the audit log are read again. */
function useAdminWrite<TVars, TResult>(write: (vars: TVars) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => client.invalidateQueries({ queryKey: ADMIN_KEY }),
  });
}

export type SubscriptionChange = { userId: string; tier: TierLimits["tier"]; expiresAt: string | null; reason: string };

export function useSetSubscription() {
  return useAdminWrite(async ({ userId, tier, expiresAt, reason }: SubscriptionChange) =>
    (
      await unwrap(
        api.PUT("/api/admin/users/{user_id}/subscription", {
          params: { path: { user_id: userId } },
          body: { tier, expiresAt, reason: reason.trim() },
        }),
      )
    ).data,
  );
}

export function usePutTierLimits() {
  return useAdminWrite(async ({ limits, reason }: { limits: TierLimits[]; reason: string }) =>
    (await unwrap(api.PUT("/api/admin/tier-limits", { body: { limits, reason: reason.trim() } }))).data,
  );
}

export function usePutConfig(kind: ConfigKind) {
  return useAdminWrite(async ({ version, values, reason }: { version: number; values: ConfigValues; reason: string }) => {
    const body = { version, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()])), reason: reason.trim() };
    const result = kind === "vrs" ? api.PUT("/api/admin/vrs-config", { body }) : api.PUT("/api/admin/yield-config", { body });
    return (await unwrap(result)).data;
  });
}
