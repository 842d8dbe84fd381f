// The dashboard (issue 12 item 5): KPI cards, chain tabs, positions with real yield and
// risk score, freshness, stale banners and the empty states the API reports.
import { useQueryClient } from "@tanstack/react-query";
import { Component, Suspense, useEffect, useMemo, useReducer, useState, type ReactNode } from "react";
import { ChainTabs, CHAIN_TABS, type ChainTab } from "../../components/ChainTabs";
import { EmptyState } from "../../components/EmptyState";
import { Icon } from "../../components/Icon";
import { KpiCard } from "../../components/KpiCard";
import { Skeleton, PageSkeleton } from "../../components/Skeleton";
import { StaleBanner } from "../../components/StaleBanner";
import { VrsBadge } from "../../components/VrsBadge";
import { useStoredChoice } from "../../lib/dashboard-storage";
import { CHAIN_NAME, CHAIN_SYMBOL, formatFiat, formatRate, rateTone, type ChainId, type Currency } from "../../lib/format";
import { LinkWalletPanel, type LinkChain } from "./link-panel";
import { toPositionViews, weightedVrs } from "./position-view";
import { PositionsList } from "./PositionsList";
import { newlyLinkedEmptyChains, PORTFOLIO_KEY, usePortfolio, useWallets, useYield, YIELD_KEY } from "./queries";

const ALL_CHAINS: LinkChain[] = ["eth", "sol", "atom"];
const TONE = { positive: "text-positive", negative: "text-negative", zero: "text-primary" } as const;

/** The sign-in slice's panel; a link to /signin when it cannot load. */
class LinkPanelBoundary extends Component<{ children: ReactNode; fallback: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function LinkPanelSlot({ chains }: { chains: LinkChain[] }) {
  const fallback = (
    <a href="/signin" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong">
      Connect a wallet
    </a>
  );
  return (
    <LinkPanelBoundary fallback={fallback}>
      <Suspense fallback={<Skeleton className="h-11 w-40" />}>
        <LinkWalletPanel chains={chains} />
      </Suspense>
    </LinkPanelBoundary>
  );
}

function CurrencySwitch({ value, onChange }: { value: Currency; onChange: (c: Currency) => void }) {
  return (
    <div role="group" aria-label="Currency" className="inline-flex rounded-md border border-subtle">
      {(["usd", "eur"] as const).map((c) => (
        <button
          key={c}
          type="button"
          aria-pressed={value === c}
          onClick={() => onChange(c)}
          className={`min-h-11 min-w-11 px-2 text-xs font-medium ${value === c ? "bg-raised text-primary" : "text-muted hover:text-primary"}`}
        >
          {c.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function DashboardPage() {
  const client = useQueryClient();
  const portfolio = usePortfolio();
  const positionCount = portfolio.data?.positionCount ?? 0;
  const yields = useYield(positionCount > 0, positionCount);
  const [tab, setTab] = useStoredChoice<ChainTab>("st-chain-tab", CHAIN_TABS, "all");
  const [currency, setCurrency] = useStoredChoice<Currency>("st-currency", ["usd", "eur"] as const, "usd");
  const [showLink, setShowLink] = useState(false);
  // re-render every minute so "updated 12 min ago" keeps counting
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const id = window.setInterval(tick, 60_000);
    return () => window.clearInterval(id);
  }, []);

  const emptyChains = (portfolio.data?.chains ?? []).filter((c) => c.positions === 0 && c.fetchedAt !== null).map((c) => c.chain);
  const wallets = useWallets(emptyChains.length > 0);
  const arriving = newlyLinkedEmptyChains(wallets.data, emptyChains, Date.now());
  // a newly linked wallet's first fetch is running: look again every 3 s for a while
  const polling = arriving.length > 0;
  useEffect(() => {
    if (!polling) return;
    const id = window.setInterval(() => {
      void client.invalidateQueries({ queryKey: PORTFOLIO_KEY });
      tick();
    }, 3000);
    return () => window.clearInterval(id);
  }, [polling, client]);

  const views = useMemo(() => (portfolio.data ? toPositionViews(portfolio.data) : []), [portfolio.data]);
  const shown = tab === "all" ? views : views.filter((v) => v.chain === tab);

  const refresh = () => {
    void client.invalidateQueries({ queryKey: PORTFOLIO_KEY });
    void client.invalidateQueries({ queryKey: YIELD_KEY });
  };

  if (portfolio.isPending) return <PageSkeleton />;
  if (portfolio.isError) {
    return (
      <div role="alert" className="mx-auto mt-16 max-w-md rounded-xl border border-subtle bg-surface p-6 text-center">
        <h1 className="text-lg font-semibold">Your portfolio could not be loaded</h1>
        <p className="mt-2 text-sm text-secondary">{portfolio.error.message}</p>
        <button
          type="button"
          onClick={() => void portfolio.refetch()}
          className="mt-4 min-h-11 rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong"
        >
          Try again
        </button>
      </div>
    );
  }
  const data = portfolio.data;

  const header = (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      <button
        type="button"
        onClick={refresh}
        disabled={portfolio.isFetching}
        className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-subtle px-3 text-sm text-secondary hover:bg-raised hover:text-primary disabled:opacity-60"
      >
        <Icon name="refresh" className={`h-4 w-4 ${portfolio.isFetching ? "animate-spin" : ""}`} />
        {portfolio.isFetching ? "Refreshing…" : "Refresh"}
      </button>
    </div>
  );

  if (data.wallets === 0) {
    return (
      <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
        {header}
        <EmptyState
          title="Connect your wallet and see your staking portfolio"
          action={
            showLink ? (
              <LinkPanelSlot chains={ALL_CHAINS} />
            ) : (
              <button type="button" onClick={() => setShowLink(true)} className="min-h-11 rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong">
                Connect wallet
              </button>
            )
          }
        >
          Link an Ethereum, Solana or Cosmos wallet; we only read public staking data.
        </EmptyState>
      </div>
    );
  }

  const linked = new Set(data.chains.map((c) => c.chain));
  const unlinked = ALL_CHAINS.filter((c) => !linked.has(c));
  const fetching = data.chains.filter((c) => c.fetchedAt === null);
  const stale = data.chains.filter((c) => c.stale && c.fetchedAt !== null);
  const overall = yields.data?.overall?.realYield ?? null;
  const vrs = weightedVrs(views, "usd");

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
      {header}

      {stale.map((c) => (
        <StaleBanner key={c.chain} chain={c.chain} fetchedAt={c.fetchedAt} />
      ))}

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <KpiCard
          wide
          label="Portfolio value"
          value={<span data-testid="kpi-value">{formatFiat(data.totalFiat[currency], currency)}</span>}
          action={<CurrencySwitch value={currency} onChange={setCurrency} />}
        />
        <KpiCard label="Positions" value={data.positionCount} hint={`${data.validatorCount} ${data.validatorCount === 1 ? "validator" : "validators"} · ${data.chainCount} ${data.chainCount === 1 ? "chain" : "chains"}`} />
        <KpiCard
          label="Real yield"
          value={
            yields.isPending && positionCount > 0 ? (
              <Skeleton className="h-8 w-20" />
            ) : (
              <span className={TONE[rateTone(overall)]}>{formatRate(overall, { signed: true })}</span>
            )
          }
          hint="after inflation, fees and slashing risk"
        />
        <KpiCard
          wide
          label="Risk score"
          value={vrs === null ? <span className="font-sans text-lg font-normal text-muted">pending</span> : <VrsBadge total={vrs} />}
          hint="weighted by position value"
        />
      </div>

      {fetching.length > 0 && (
        <p role="status" className="flex items-center gap-2 text-sm text-info">
          <span aria-hidden="true" className="inline-block h-2 w-2 animate-pulse rounded-full bg-info" />
          Fetching {fetching.map((c) => CHAIN_NAME[c.chain]).join(", ")} data…
        </p>
      )}

      {arriving.length > 0 && (
        <p role="status" className="flex items-center gap-2 text-sm text-info">
          <span aria-hidden="true" className="inline-block h-2 w-2 animate-pulse rounded-full bg-info" />
          Looking for staking positions of your newly linked {arriving.map((c) => CHAIN_SYMBOL[c]).join(", ")} wallet…
        </p>
      )}

      {data.positionCount === 0 ? (
        fetching.length === 0 && (
          <EmptyState title="No staking positions found" action={unlinked.length > 0 ? <LinkPanelSlot chains={unlinked} /> : undefined}>
            {unlinked.length > 0 && <p>Staked on another chain? {unlinked.map((c) => `Add ${CHAIN_SYMBOL[c]}`).join(" · ")}</p>}
          </EmptyState>
        )
      ) : (
        <section aria-label="Your positions" className="space-y-4">
          <ChainTabs value={tab} onChange={setTab} controls="positions-panel" />
          <div id="positions-panel" role="tabpanel" aria-label={tab === "all" ? "All chains" : CHAIN_SYMBOL[tab as ChainId]}>
            {shown.length === 0 ? (
              <EmptyState
                title={`No validators for ${CHAIN_SYMBOL[tab as ChainId]}`}
                action={
                  <div className="flex flex-col items-center gap-3">
                    {unlinked.includes(tab as LinkChain) && <LinkPanelSlot chains={[tab as LinkChain]} />}
                    <button type="button" onClick={() => setTab("all")} className="min-h-11 rounded-lg border border-subtle px-4 text-sm hover:bg-raised">
                      Show all chains
                    </button>
                  </div>
                }
              />
            ) : (
              <PositionsList positions={shown} currency={currency} />
            )}
          </div>
        </section>
      )}
    </div>
  );
}
