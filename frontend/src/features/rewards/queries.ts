// Server reads of the rewards screen: the ledger (keyset pages, "Load more") and the
// chart's day rows (every page of the span, bounded).
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { ChainId } from "../../lib/format";
import type { Granularity, Reward, RewardsMeta } from "./view";

export const REWARDS_KEY = ["rewards"] as const;
export const LEDGER_PAGE = 25;
const CHART_PAGE = 500;
const CHART_MAX_PAGES = 10;

export type RewardsPage = { data: Reward[]; meta: RewardsMeta };

async function fetchRewards(query: { granularity: Granularity; chain?: ChainId; walletId?: string; from?: string; to?: string; cursor?: string; limit: number }): Promise<RewardsPage> {
  const body = await unwrap(api.GET("/api/rewards", { params: { query } }));
  return { data: body.data, meta: body.meta };
}

/** The ledger: newest first, one page at a time. */
export function useRewardsLedger(granularity: Granularity, chain: ChainId | null, walletId: string | null) {
  return useInfiniteQuery({
    queryKey: [...REWARDS_KEY, "ledger", granularity, chain, walletId],
    queryFn: ({ pageParam }) =>
      fetchRewards({
        granularity,
        limit: LEDGER_PAGE,
        ...(chain ? { chain } : {}),
        ...(walletId ? { walletId } : {}),
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.meta.nextCursor ?? null,
  });
}

/** Day rows from `from` on (all of them, at most CHART_MAX_PAGES pages) and the meta of
 *  the first page (the tier's clamp). */
export function useChartRewards(from: string) {
  return useQuery({
    queryKey: [...REWARDS_KEY, "chart", from],
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<{ rows: Reward[]; meta: RewardsMeta; truncated: boolean }> => {
      const first = await fetchRewards({ granularity: "day", from, limit: CHART_PAGE });
      const rows = [...first.data];
      let cursor = first.meta.nextCursor ?? null;
      let pages = 1;
      while (cursor && pages < CHART_MAX_PAGES) {
        const next = await fetchRewards({ granularity: "day", from, limit: CHART_PAGE, cursor });
        rows.push(...next.data);
        cursor = next.meta.nextCursor ?? null;
        pages += 1;
      }
      return { rows, meta: first.meta, truncated: cursor !== null };
    },
  });
}
