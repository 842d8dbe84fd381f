// The validators (story 4.3's entry point): per chain (`?chain=`), searched (`?q=`), sorted
// by risk score, stake or commission (`?sort=`), 50 at a time with "Load more" (keyset
// pages). Each row shows its risk score and whether you watch it, and opens the detail.
// "All" gives the best-scored validators of each chain, with a way into each list.
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router";
import { useDebounced } from "../../calculator/useDebounced";
import { ChainTabs, CHAIN_TABS, type ChainTab } from "../../components/ChainTabs";
import { ConfidenceBadge } from "../../components/ConfidenceBadge";
import { EmptyState } from "../../components/EmptyState";
import { Skeleton } from "../../components/Skeleton";
import { StaleBanner } from "../../components/StaleBanner";
import { VrsBadge, VrsPending } from "../../components/VrsBadge";
import { CHAIN_NAME, CHAIN_SYMBOL, formatAmount, formatFiat, formatRate, shortAddress, type ChainId } from "../../lib/format";
import { useValidatorParam } from "../validator-detail/link";
import { isWatched, useWatchlist, type Watched } from "../validator-detail/queries";
import { ValidatorLink } from "../validator-detail/ValidatorLink";
import { StarIcon } from "../validator-detail/WatchButton";
import { ethSearch, sortsOf, useValidatorList, type ListFilter, type ListSort, type ValidatorRow } from "./queries";

const SORT_LABEL: Record<ListSort, string> = { vrs: "Risk score", stake: "Stake", commission: "Commission" };
const CHAINS: ChainId[] = ["eth", "sol", "atom"];
const ALL_TOP = 5;

/** The name, "Validator 14928" for an ETH index, else a short address. */
export function rowLabel(v: Pick<ValidatorRow, "name" | "address" | "chain">): string {
  if (v.name) return v.name;
  if (v.chain === "eth" && /^\d+$/.test(v.address)) return `Validator ${v.address}`;
  return shortAddress(v.address);
}

function Score({ v }: { v: ValidatorRow }) {
  if (v.vrs.status !== "scored" || v.vrs.total === null) return <VrsPending />;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <VrsBadge total={v.vrs.total} band={v.vrs.band} compact />
      <ConfidenceBadge confidence={v.vrs.confidence} />
    </span>
  );
}

function WatchedMark({ watched }: { watched: boolean }) {
  if (!watched) return null;
  return (
    <span className="inline-flex items-center text-brand" title="On your watchlist">
      <StarIcon filled />
      <span className="sr-only">(on your watchlist)</span>
    </span>
  );
}

/** `stretch`: the link covers its card (the card's `relative` box), so a tap anywhere opens it. */
function NameCell({ v, watched, stretch = false }: { v: ValidatorRow; watched: boolean; stretch?: boolean }) {
  return (
    <div className="flex min-w-0 items-center gap-1.5">
      <ValidatorLink
        validatorId={v.id}
        className={`truncate font-medium text-primary underline decoration-subtle underline-offset-4 hover:decoration-brand ${
          stretch ? "after:absolute after:inset-0 after:rounded-xl after:content-['']" : ""
        }`}
        aria-label={`${rowLabel(v)}: open validator details`}
      >
        {rowLabel(v)}
      </ValidatorLink>
      <WatchedMark watched={watched} />
    </div>
  );
}

function Stake({ v }: { v: ValidatorRow }) {
  return (
    <div className="num text-right">
      <div>{formatAmount(v.stake.display, v.chain, 0)}</div>
      <div className="text-xs text-muted">{formatFiat(v.stake.fiat?.usd, "usd")}</div>
    </div>
  );
}

function Rows({ rows, watchlist, caption }: { rows: ValidatorRow[]; watchlist: Watched[] | undefined; caption: string }) {
  const { open } = useValidatorParam();
  return (
    <>
      <div className="hidden overflow-hidden rounded-xl border border-subtle bg-surface lg:block">
        <table className="w-full table-fixed text-sm">
          <caption className="sr-only">{caption}</caption>
          <colgroup>
            <col className="w-[34%]" />
            <col className="w-[22%]" />
            <col className="w-[18%]" />
            <col className="w-[13%]" />
            <col className="w-[13%]" />
          </colgroup>
          <thead className="bg-raised text-left text-xs text-secondary">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Validator
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Risk score
              </th>
              <th scope="col" className="px-4 py-3 text-right font-medium">
                Stake
              </th>
              <th scope="col" className="px-4 py-3 text-right font-medium">
                Commission
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Status
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => (
              <tr
                key={v.id}
                data-testid="validator-row"
                className="cursor-pointer border-t border-subtle hover:bg-raised/60"
                onClick={(event) => {
                  // the name is the keyboard's way in; a click anywhere else on the row too
                  if (!(event.target as HTMLElement).closest("a,button")) open(v.id);
                }}
              >
                <td className="px-4 py-2">
                  <NameCell v={v} watched={isWatched(watchlist, v.id)} />
                </td>
                <td className="px-4 py-2">
                  <Score v={v} />
                </td>
                <td className="px-4 py-2">
                  <Stake v={v} />
                </td>
                <td className="num px-4 py-2 text-right">{v.commission === null ? "—" : formatRate(v.commission)}</td>
                <td className="px-4 py-2 capitalize text-secondary">{v.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="grid gap-3 md:grid-cols-2 lg:hidden" aria-label={caption}>
        {rows.map((v) => (
          <li key={v.id} data-testid="validator-card" className="relative rounded-xl border border-subtle bg-surface p-4">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <NameCell v={v} watched={isWatched(watchlist, v.id)} stretch />
                <div className="text-xs capitalize text-muted">
                  {CHAIN_SYMBOL[v.chain]} · {v.status}
                </div>
              </div>
              <Score v={v} />
            </div>
            <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
              <div>
                <dt className="text-xs text-muted">Stake</dt>
                <dd className="num">{formatAmount(v.stake.display, v.chain, 0)}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted">Commission</dt>
                <dd className="num">{v.commission === null ? "—" : formatRate(v.commission)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

function ListError({ error }: { error: Error }) {
  return (
    <p role="alert" className="rounded-lg border border-subtle bg-surface p-4 text-sm text-negative">
      The validators could not be loaded: {error.message}
    </p>
  );
}

function ChainList({ chain, sort, filter, watchlist }: { chain: ChainId; sort: ListSort; filter: ListFilter; watchlist: Watched[] | undefined }) {
  const list = useValidatorList(chain, sort, filter);
  const nextError = list.isFetchNextPageError ? list.error : null;
  if (list.isPending) return <Skeleton className="h-64" />;
  if (list.isError) return <ListError error={list.error} />;
  const rows = list.data.pages.flatMap((p) => p.data);
  const meta = list.data.pages[0]?.meta;
  if (rows.length === 0) {
    return (
      <EmptyState title="No validators found">
        {filter.q || filter.withdrawalAddress ? "Nothing matches this search. Try a shorter part of the name." : `No ${CHAIN_NAME[chain]} validators are known yet.`}
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      {meta?.stale && meta.fetchedAt && <StaleBanner chain={chain} fetchedAt={meta.fetchedAt} />}
      <Rows rows={rows} watchlist={watchlist} caption={`${CHAIN_NAME[chain]} validators, by ${SORT_LABEL[sort].toLowerCase()}`} />
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-secondary">
        <span aria-live="polite">Showing {rows.length.toLocaleString("en-US")} validators</span>
        {list.hasNextPage && (
          <button
            type="button"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
            className="min-h-11 rounded-lg border border-subtle px-4 font-medium text-primary hover:bg-raised disabled:opacity-60"
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        )}
      </div>
      {nextError && <ListError error={nextError} />}
    </div>
  );
}

function TopOfChain({ chain, watchlist, onShowAll }: { chain: ChainId; watchlist: Watched[] | undefined; onShowAll: () => void }) {
  const list = useValidatorList(chain, "vrs", {}, ALL_TOP);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="text-lg font-semibold">
          {CHAIN_NAME[chain]}
        </h2>
        <button type="button" onClick={onShowAll} className="min-h-11 rounded-lg px-3 text-sm font-medium text-brand underline underline-offset-2 hover:no-underline">
          All {CHAIN_SYMBOL[chain]} validators
        </button>
      </div>
      {list.isPending ? (
        <Skeleton className="h-40" />
      ) : list.isError ? (
        <ListError error={list.error} />
      ) : (
        <Rows rows={list.data.pages.flatMap((p) => p.data)} watchlist={watchlist} caption={`${CHAIN_NAME[chain]}: best risk scores`} />
      )}
    </section>
  );
}

function parseChain(value: string | null): ChainTab {
  return (CHAIN_TABS as readonly string[]).includes(value ?? "") ? (value as ChainTab) : "all";
}

export function ValidatorsPage() {
  const [params, setParams] = useSearchParams();
  const chain = parseChain(params.get("chain"));
  const sorts = chain === "all" ? (["vrs"] as ListSort[]) : sortsOf(chain);
  const sortParam = params.get("sort") as ListSort | null;
  const sort: ListSort = sortParam && sorts.includes(sortParam) ? sortParam : "vrs";
  const [text, setText] = useState(params.get("q") ?? "");
  const settled = useDebounced(text.trim(), 300);
  const watchlist = useWatchlist();
  const { open } = useValidatorParam();
  const searchId = useId();
  const sortId = useId();
  const panelId = useId();

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === "") next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );

  // the search box's settled text goes into the URL (shareable); not for ETH (see below)
  useEffect(() => {
    if (chain === "eth" || chain === "all") return;
    if ((params.get("q") ?? "") !== settled) update({ q: settled || null });
  }, [settled, chain]);

  const eth = chain === "eth" ? ethSearch(settled) : null;
  const filter: ListFilter =
    chain === "eth" ? (eth && "withdrawalAddress" in eth ? { withdrawalAddress: eth.withdrawalAddress } : {}) : { q: params.get("q") ?? undefined };

  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 p-4 md:p-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Validators</h1>
        <p className="text-sm text-secondary">Risk score, stake and commission of every validator we follow. Open one for its factors and history.</p>
      </div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <ChainTabs
          value={chain}
          controls={panelId}
          onChange={(tab) => {
            setText("");
            update({ chain: tab === "all" ? null : tab, q: null, sort: null });
          }}
        />
        {chain !== "all" && (
          <div className="flex w-full flex-wrap items-end gap-3 md:w-auto">
            <form
              role="search"
              className="flex min-w-0 flex-1 flex-col gap-1 md:w-72 md:flex-none"
              onSubmit={(event) => {
                event.preventDefault();
                if (eth && "open" in eth) open(eth.open);
              }}
            >
              <label htmlFor={searchId} className="text-xs text-secondary">
                {chain === "eth" ? "Index, public key or withdrawal address" : "Search by name or address"}
              </label>
              <input
                id={searchId}
                type="search"
                value={text}
                onChange={(event) => setText(event.target.value)}
                placeholder={chain === "eth" ? "e.g. 14928" : "e.g. Chorus"}
                autoComplete="off"
                maxLength={chain === "eth" ? 98 : 100}
                className="min-h-11 rounded-lg border border-subtle bg-surface px-3 text-sm"
              />
            </form>
            <div className="flex flex-col gap-1">
              <label htmlFor={sortId} className="text-xs text-secondary">
                Sort by
              </label>
              <select
                id={sortId}
                value={sort}
                onChange={(event) => update({ sort: event.target.value === "vrs" ? null : event.target.value })}
                className="min-h-11 rounded-lg border border-subtle bg-surface px-3 text-sm"
              >
                {sorts.map((s) => (
                  <option key={s} value={s}>
                    {SORT_LABEL[s]}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
      </div>
      <div id={panelId} role="tabpanel" aria-label={chain === "all" ? "All chains" : CHAIN_NAME[chain]} className="flex flex-col gap-6">
        {chain === "eth" && eth && "invalid" in eth && (
          <p role="alert" className="text-sm text-negative">
            {eth.invalid}
          </p>
        )}
        {chain === "eth" && eth && "open" in eth && (
          <p className="text-sm text-secondary">
            Press Enter to open{" "}
            <ValidatorLink validatorId={eth.open} className="font-medium text-brand underline underline-offset-2">
              {eth.open.length > 20 ? shortAddress(eth.open, 10, 6) : eth.open}
            </ValidatorLink>
            .
          </p>
        )}
        {chain === "all" ? (
          CHAINS.map((c) => <TopOfChain key={c} chain={c} watchlist={watchlist.data?.data} onShowAll={() => update({ chain: c })} />)
        ) : (
          <ChainList chain={chain} sort={sort} filter={filter} watchlist={watchlist.data?.data} />
        )}
      </div>
    </div>
  );
}
