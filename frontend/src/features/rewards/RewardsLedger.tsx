// The ledger: reward events (per epoch / ingest period) or per position and day, newest
// first, with "Load more" keyset paging; estimated amounts marked.
import { useState } from "react";
import { UpgradeHint } from "../../components/UpgradeHint";
import { Skeleton } from "../../components/Skeleton";
import { CHAIN_SYMBOL, formatAmount, formatDateTime, formatFiat, type ChainId, type Currency } from "../../lib/format";
import { useRewardsLedger } from "./queries";
import { CHAINS, positionLabel, rowKind, shortDay, type Granularity, type Reward } from "./view";

const GRANULARITY_LABEL: Record<Granularity, string> = { epoch: "Per event", day: "Per day" };

function Estimated({ row }: { row: Reward }) {
  if (!row.estimated) return null;
  return (
    <span className="ml-1 inline-flex items-center rounded-full border border-subtle px-1.5 text-xs text-warning" title="The chain does not state this amount exactly; it is estimated">
      estimated
    </span>
  );
}

function when(row: Reward, granularity: Granularity): string {
  return granularity === "epoch" && row.occurredAt ? formatDateTime(row.occurredAt) : shortDay(row.day);
}

export type LedgerWallet = { id: string; chain: ChainId; label: string };

export function RewardsLedger({ currency, chains, wallets }: { currency: Currency; chains: ChainId[]; wallets: LedgerWallet[] }) {
  const [granularity, setGranularity] = useState<Granularity>("epoch");
  const [chain, setChain] = useState<ChainId | null>(null);
  const [walletId, setWalletId] = useState<string | null>(null);
  const ledger = useRewardsLedger(granularity, chain, walletId);
  const walletOptions = wallets.filter((w) => chain === null || w.chain === chain);
  const rows = ledger.data?.pages.flatMap((p) => p.data) ?? [];
  const meta = ledger.data?.pages[0]?.meta;
  const options = CHAINS.filter((c) => chains.includes(c));

  return (
    <section aria-labelledby="ledger-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="ledger-heading" className="text-lg font-semibold">
          Ledger
        </h2>
        <div className="flex flex-wrap items-center gap-3">
          <div role="group" aria-label="Granularity" className="inline-flex rounded-md border border-subtle">
            {(["epoch", "day"] as const).map((g) => (
              <button
                key={g}
                type="button"
                aria-pressed={granularity === g}
                onClick={() => setGranularity(g)}
                className={`min-h-11 px-3 text-sm font-medium ${granularity === g ? "bg-raised text-primary" : "text-secondary hover:text-primary"}`}
              >
                {GRANULARITY_LABEL[g]}
              </button>
            ))}
          </div>
          {wallets.length > 1 && (
            <label className="flex items-center gap-2 text-sm text-secondary">
              Wallet
              <select
                value={walletId ?? ""}
                onChange={(e) => setWalletId(e.target.value === "" ? null : e.target.value)}
                className="min-h-11 max-w-48 rounded-md border border-subtle bg-surface px-2 text-primary"
              >
                <option value="">All</option>
                {walletOptions.map((w) => (
                  <option key={w.id} value={w.id}>
                    {CHAIN_SYMBOL[w.chain]} {w.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {options.length > 1 && (
            <label className="flex items-center gap-2 text-sm text-secondary">
              Chain
              <select
                value={chain ?? ""}
                onChange={(e) => {
                  const next = e.target.value === "" ? null : (e.target.value as ChainId);
                  setChain(next);
                  if (next && wallets.find((w) => w.id === walletId)?.chain !== next) setWalletId(null);
                }}
                className="min-h-11 rounded-md border border-subtle bg-surface px-2 text-primary"
              >
                <option value="">All</option>
                {options.map((c) => (
                  <option key={c} value={c}>
                    {CHAIN_SYMBOL[c]}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>

      {meta?.clamped && <UpgradeHint>Free shows the rewards of the last 30 days{meta.from ? ` (from ${shortDay(meta.from)})` : ""}; Pro shows all of them.</UpgradeHint>}

      {ledger.isPending ? (
        <div role="status" className="space-y-2">
          <span className="sr-only">Loading the ledger…</span>
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : ledger.isError && !ledger.data ? (
        <div role="alert" className="rounded-xl border border-subtle bg-surface p-4 text-sm">
          <p>The ledger could not be loaded: {ledger.error?.message}</p>
          <button type="button" onClick={() => void ledger.refetch()} className="mt-2 min-h-11 rounded-lg border border-subtle px-3 hover:bg-raised">
            Try again
          </button>
        </div>
      ) : rows.length === 0 ? (
        <p className="rounded-xl border border-dashed border-subtle bg-surface p-6 text-center text-sm text-secondary">No rewards recorded in this period.</p>
      ) : (
        <>
          <ul className="space-y-2 md:hidden" aria-label="Rewards ledger">
            {rows.map((row, i) => (
              <li key={`${row.chain}:${row.position}:${row.day}:${row.occurredAt ?? ""}:${i}`} data-testid="ledger-card" className="rounded-lg border border-subtle bg-surface px-3 py-2 text-sm">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="font-medium">{positionLabel(row)}</span>
                  <span className="num">
                    {formatAmount(row.amount.display, row.chain, 6)}
                    <Estimated row={row} />
                  </span>
                </div>
                <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-xs text-secondary">
                  <span>
                    {when(row, granularity)} · <span className={row.kind === "penalty" ? "text-negative" : ""}>{rowKind(row)}</span>
                  </span>
                  <span className="num">{formatFiat(row.amount.fiat?.[currency], currency)}</span>
                </div>
              </li>
            ))}
          </ul>
          <div role="region" className="hidden overflow-x-auto md:block rounded-xl border border-subtle bg-surface" tabIndex={0} aria-label="Ledger table">
            <table className="w-full min-w-[36rem] text-sm" aria-label="Rewards ledger">
              <thead className="text-left text-xs text-secondary">
                <tr className="border-b border-subtle">
                  <th scope="col" className="px-3 py-2 font-medium">{granularity === "epoch" ? "Time" : "Day"}</th>
                  <th scope="col" className="px-3 py-2 font-medium">Position</th>
                  <th scope="col" className="px-3 py-2 font-medium">{granularity === "epoch" ? "Kind" : "Events"}</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Amount</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Value</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={`${row.chain}:${row.position}:${row.day}:${row.occurredAt ?? ""}:${i}`} data-testid="ledger-row" className="border-b border-subtle last:border-0">
                    <td className="whitespace-nowrap px-3 py-2 text-secondary">{when(row, granularity)}</td>
                    <td className="px-3 py-2">
                      <span className="block">{positionLabel(row)}</span>
                      <span className="block text-xs text-muted">
                        {CHAIN_SYMBOL[row.chain]} · {row.wallet}
                      </span>
                    </td>
                    <td className={`px-3 py-2 ${row.kind === "penalty" ? "text-negative" : ""}`}>{rowKind(row)}</td>
                    <td className="num whitespace-nowrap px-3 py-2 text-right">
                      {formatAmount(row.amount.display, row.chain, 6)}
                      <Estimated row={row} />
                    </td>
                    <td className="num whitespace-nowrap px-3 py-2 text-right text-secondary">{formatFiat(row.amount.fiat?.[currency], currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-secondary">
            <span role="status">
              {rows.length} {rows.length === 1 ? "row" : "rows"} shown
            </span>
            {ledger.hasNextPage && (
              <button
                type="button"
                onClick={() => void ledger.fetchNextPage()}
                disabled={ledger.isFetchingNextPage}
                className="min-h-11 rounded-lg border border-subtle px-4 font-medium text-primary hover:bg-raised disabled:opacity-60"
              >
                {ledger.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            )}
          </div>
          {ledger.isError && (
            <p role="alert" className="text-sm text-negative">
              More rows could not be loaded: {ledger.error.message}
            </p>
          )}
        </>
      )}
    </section>
  );
}
