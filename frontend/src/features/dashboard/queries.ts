import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Portfolio, YieldPortfolio } from "./position-view";

export const PORTFOLIO_KEY = ["portfolio"] as const;
export const YIELD_KEY = ["yield"] as const;

/** While a chain has never been fetched (right after sign-in or linking), ask again. */
export function usePortfolio() {
  return useQuery({
    queryKey: PORTFOLIO_KEY,
    queryFn: async (): Promise<Portfolio> => (await unwrap(api.GET("/api/portfolio"))).data,
    refetchInterval: (query) => (query.state.data?.chains.some((c) => c.fetchedAt === null) ? 3000 : false),
  });
}

export function useYield(enabled: boolean, positionCount: number) {
  return useQuery({
    queryKey: [...YIELD_KEY, positionCount],
    queryFn: async (): Promise<YieldPortfolio> => (await unwrap(api.GET("/api/yield"))).data,
    enabled,
  });
}
