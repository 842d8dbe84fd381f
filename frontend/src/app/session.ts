// Who is signed in: GET /api/me with the session cookies (null when signed out).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../api/client";

export type Me = Schemas["UserOut"];
export const ME_KEY = ["me"] as const;

export async function fetchMe(): Promise<Me | null> {
  try {
    const body = await unwrap(api.GET("/api/me"));
    return body.data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** Sign out: end the session on the server, then forget every cached read. */
export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await api.POST("/api/auth/logout").catch(() => undefined);
    client.clear();
    client.setQueryData(ME_KEY, null);
  };
}
