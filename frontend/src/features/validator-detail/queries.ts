// The validator detail's server reads and the watchlist (TanStack Query; the one client).
// The tier decides how much history comes back: we always ask for HISTORY_DAYS and the
// API clamps a free caller to its window (meta.clamped says so).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type VrsScore = Schemas["VrsOut"];
export type VrsFactor = Schemas["VrsFactorOut"];
export type VrsHistory = Schemas["VrsHistoryOut"];
export type VrsHistoryMeta = Schemas["VrsHistoryMeta"];
export type VrsPoint = Schemas["VrsPointOut"];
export type LastDrop = Schemas["VrsLastDropOut"];
export type ValidatorDetail = Schemas["ValidatorDetailOut"];
export type YieldHistory = Schemas["YieldHistoryOut"];
export type YieldHistoryMeta = Schemas["YieldHistoryMeta"];
export type YieldPoint = Schemas["YieldPointOut"];
export type Watched = Schemas["WatchedOut"];
export type WatchlistMeta = Schemas["WatchlistMeta"];

/** The longest history any tier has today (pro): a free caller gets its own (clamped). */
export const HISTORY_DAYS = 30;
export const WATCHLIST_KEY = ["watchlist"] as const;

export function useValidator(id: string) {
  return useQuery({
    queryKey: ["validator", id],
    queryFn: async (): Promise<ValidatorDetail> =>
      (await unwrap(api.GET("/api/validators/{validator_id}", { params: { path: { validator_id: id } } }))).data,
  });
}

export function useVrsScore(id: string) {
  return useQuery({
    queryKey: ["vrs", id],
    queryFn: async () => unwrap(api.GET("/api/vrs/{validator_id}", { params: { path: { validator_id: id } } })),
  });
}

export function useVrsHistory(id: string, days = HISTORY_DAYS) {
  return useQuery({
    queryKey: ["vrs", id, "history", days],
    queryFn: async (): Promise<{ data: VrsHistory; meta: VrsHistoryMeta }> =>
      unwrap(api.GET("/api/vrs/{validator_id}/history", { params: { path: { validator_id: id }, query: { days } } })),
  });
}

export function useYieldHistory(id: string, days = HISTORY_DAYS) {
  return useQuery({
    queryKey: ["yield", "history", id, days],
    queryFn: async (): Promise<{ data: YieldHistory; meta: YieldHistoryMeta }> =>
      unwrap(api.GET("/api/yield/history", { params: { query: { validatorId: id, days } } })),
  });
}

export function useWatchlist(enabled = true) {
  return useQuery({
    queryKey: WATCHLIST_KEY,
    queryFn: async (): Promise<{ data: Watched[]; meta: WatchlistMeta }> => unwrap(api.GET("/api/watchlist")),
    enabled,
  });
}

/** Watch or stop watching; the watchlist is read again after either. */
export function useWatchToggle(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (watch: boolean) => {
      if (watch) await unwrap(api.POST("/api/watchlist", { body: { validatorId: id } }));
      else await unwrap(api.DELETE("/api/watchlist/{validator_id}", { params: { path: { validator_id: id } } }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: WATCHLIST_KEY }),
  });
}

/** The watchlist names ETH validators by index and others by address, as our ids do. */
export function isWatched(list: Watched[] | undefined, id: string): boolean {
  return (list ?? []).some((w) => w.validatorId === id);
}
