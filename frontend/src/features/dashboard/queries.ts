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

/** A wallet linked this recently may not have had its first positions fetch yet: the chain's
 *  freshness (`chains[].fetchedAt`) is per chain, not per wallet, so the API cannot say. */
export const NEW_WALLET_WINDOW_MS = 90_000;

export function useWallets(enabled: boolean) {
  return useQuery({
    queryKey: ["me", "wallets"],
    queryFn: async () => (await unwrap(api.GET("/api/me/wallets"))).data,
    enabled,
  });
}

/** Chains without positions that have a wallet linked within the window (at `now`). */
export function newlyLinkedEmptyChains(
  wallets: { chain: "eth" | "sol" | "atom"; linkedAt: string }[] | undefined,
  emptyChains: ("eth" | "sol" | "atom")[],
  now: number,
): ("eth" | "sol" | "atom")[] {
  const recent = new Set(
    (wallets ?? []).filter((w) => now - Date.parse(w.linkedAt) < NEW_WALLET_WINDOW_MS).map((w) => w.chain),
  );
  return emptyChains.filter((c) => recent.has(c));
}
