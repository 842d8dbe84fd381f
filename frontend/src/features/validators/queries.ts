// The validator list (one chain per request: search, sort, keyset pages with "Load more").
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import type { ChainId } from "../../lib/format";

export type ValidatorRow = Schemas["ValidatorOut"];
export type ListMeta = Schemas["ValidatorListMeta"];
export type ListSort = "vrs" | "stake" | "commission";
export const PAGE_SIZE = 50;

/** The sorts a chain's list has (ETH has no commission: its validators keep none). */
export function sortsOf(chain: ChainId): ListSort[] {
  return chain === "eth" ? ["vrs", "stake"] : ["vrs", "stake", "commission"];
}

export type ListFilter = { q?: string; withdrawalAddress?: string };

/** What an ETH search box holds: an index or pubkey opens the validator; a 0x address of
 *  40 hex digits filters by withdrawal address (ETH is not searched by name). */
export function ethSearch(text: string): { open: string } | { withdrawalAddress: string } | { invalid: string } | null {
  const t = text.trim();
  if (!t) return null;
  if (/^\d+$/.test(t)) return { open: `eth:${t}` };
  if (/^0x[0-9a-fA-F]{96}$/.test(t)) return { open: `eth:${t.toLowerCase()}` };
  if (/^0x[0-9a-fA-F]{40}$/.test(t)) return { withdrawalAddress: t.toLowerCase() };
  return { invalid: "ETH validators are found by index, by public key (0x and 96 hex digits) or by withdrawal address (0x and 40 hex digits)." };
}

export function useValidatorList(chain: ChainId, sort: ListSort, filter: ListFilter, limit = PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: ["validators", chain, sort, filter.q ?? "", filter.withdrawalAddress ?? "", limit],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<{ data: ValidatorRow[]; meta: ListMeta }> =>
      unwrap(
        api.GET("/api/validators", {
          params: {
            query: {
              chain,
              sort,
              limit,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(filter.q ? { q: filter.q } : {}),
              ...(filter.withdrawalAddress ? { withdrawalAddress: filter.withdrawalAddress } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.meta.nextCursor ?? null,
  });
}
