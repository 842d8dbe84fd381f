// Rewards (issue 17 item 3): portfolio performance (24 h / 7 d / 30 d / all), realised APY
// next to the real yield, rewards per day, per-position performance, the ledger and the
// CSV export (pro; free sees the upgrade hint).
import { useState } from "react";
import { Link } from "react-router";
import { EmptyState } from "../../components/EmptyState";
import { PageSkeleton, Skeleton } from "../../components/Skeleton";
import { UpgradeHint } from "../../components/UpgradeHint";
import { useMe } from "../../app/session";
import { useStoredChoice } from "../../lib/dashboard-storage";
import { CHAIN_SYMBOL, formatDateTime, type Currency } from "../../lib/format";
import { usePortfolio } from "../dashboard/queries";
import { ExportRewards } from "./ExportRewards";
import { PerformanceCards } from "./PerformanceCards";
import { PositionPerformance } from "./PositionPerformance";
import { useChartRewards } from "./queries";
import { RewardsChart } from "./RewardsChart";
import { RewardsLedger } from "./RewardsLedger";
import { daysBack, isoDay, shortDay, windowOf } from "./view";
import { YieldComparison } from "./YieldComparison";

const RANGES = [30, 90] as const;

function Toggle<T extends string | number>({ label, value, options, onChange, text }: { label: string; value: T; options: readonly T[]; onChange: (v: T) => void; text: (v: T) => string }) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-subtle">
      {options.map((o) => (
        <button
          key={String(o)}
          type="button"
          aria-pressed={value === o}
          onClick={() => onChange(o)}
          className={`min-h-11 min-w-11 px-3 text-sm font-medium ${value === o ? "bg-raised text-primary" : "text-secondary hover:text-primary"}`}
        >
          {text(o)}
        </button>
      ))}
    </div>
  );
}

function ChartSection({ currency }: { currency: Currency }) {
  const [range, setRange] = useState<(typeof RANGES)[number]>(30);
  const today = new Date();
  const from = daysBack(today, range);
  const chart = useChartRewards(from);
  const meta = chart.data?.meta;
  return (
    <div className="space-y-2">
      {meta?.clamped && <UpgradeHint>Free shows the last 30 days of rewards{meta.from ? ` (from ${shortDay(meta.from)})` : ""}.</UpgradeHint>}
      {chart.isPending ? (
        <Skeleton className="h-80" />
      ) : chart.isError ? (
        <div role="alert" className="rounded-xl border border-subtle bg-surface p-4 text-sm">
          <p>The chart could not be loaded: {chart.error.message}</p>
          <button type="button" onClick={() => void chart.refetch()} className="mt-2 min-h-11 rounded-lg border border-subtle px-3 hover:bg-raised">
            Try again
          </button>
        </div>
      ) : (
        <>
          <RewardsChart
            rows={chart.data.rows}
            from={meta?.from ?? from}
            to={meta?.to ?? isoDay(today)}
            currency={currency}
            controls={<Toggle label="Chart period" value={range} options={RANGES} onChange={setRange} text={(r) => `${r} days`} />}
          />
          {chart.data.truncated && <p className="text-xs text-muted">Only the newest days are drawn; the ledger lists every row.</p>}
        </>
      )}
    </div>
  );
}

export function RewardsPage() {
  const portfolio = usePortfolio();
  const me = useMe();
  const [currency, setCurrency] = useStoredChoice<Currency>("st-currency", ["usd", "eur"] as const, "usd");

  if (portfolio.isPending) return <PageSkeleton />;
  if (portfolio.isError) {
    return (
      <div role="alert" className="mx-auto mt-16 max-w-md rounded-xl border border-subtle bg-surface p-6 text-center">
        <h1 className="text-lg font-semibold">Your rewards could not be loaded</h1>
        <p className="mt-2 text-sm text-secondary">{portfolio.error.message}</p>
        <button type="button" onClick={() => void portfolio.refetch()} className="mt-4 min-h-11 rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong">
          Try again
        </button>
      </div>
    );
  }
  const data = portfolio.data;
  const performance = data.performance ?? null;
  const all = windowOf(performance?.windows, "all");
  const tier = me.data?.tier ?? "free";
  const chains = data.chains.map((c) => c.chain);
  const wallets = [...new Map(data.positions.map((p) => [p.walletId, { id: p.walletId, chain: p.chain, label: p.wallet }])).values()];
  const firstSeen =
    performance?.chains
      .map((c) => windowOf(c.windows, "all")?.coveredFrom ?? null)
      .filter((d): d is string => d !== null)
      .sort()[0] ?? null;

  const header = (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold">Rewards</h1>
      {(all?.events ?? 0) > 0 && <Toggle label="Currency" value={currency} options={["usd", "eur"] as const} onChange={setCurrency} text={(c) => c.toUpperCase()} />}
    </div>
  );

  if (data.wallets === 0 || performance === null) {
    return (
      <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
        {header}
        <EmptyState
          title="Link a wallet to see your rewards"
          action={
            <Link to="/settings/wallets" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong">
              Link a wallet
            </Link>
          }
        >
          Rewards are read from your staking positions on Ethereum, Solana and Cosmos Hub.
        </EmptyState>
      </div>
    );
  }

  if (!all || all.events === 0) {
    const waiting = data.chains.filter((c) => c.fetchedAt === null).map((c) => CHAIN_SYMBOL[c.chain]);
    return (
      <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
        {header}
        <EmptyState
          title="No rewards recorded yet"
          action={
            <Link to="/dashboard" className="inline-flex min-h-11 items-center rounded-lg border border-subtle px-4 font-medium hover:bg-raised">
              Back to the dashboard
            </Link>
          }
        >
          {data.positionCount === 0
            ? "Your linked wallets have no staking positions. Rewards appear here once you stake."
            : `We record rewards each time your positions are read (every hour)${waiting.length ? `; ${waiting.join(", ")} data is still being fetched` : ""}. Check back soon.`}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-6xl space-y-8 p-4 md:p-6">
      {header}
      <section aria-labelledby="performance-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="performance-heading" className="text-lg font-semibold">
            What your portfolio earned
          </h2>
          {performance.since && (
            <p className="text-xs text-muted">
              Counting rewards since {formatDateTime(performance.since)}
              {tier === "free" ? " (free: the last 30 days)" : ""}
            </p>
          )}
        </div>
        <PerformanceCards performance={performance} currency={currency} />
      </section>
      <YieldComparison performance={performance} />
      <ChartSection currency={currency} />
      {data.positions.length > 0 && <PositionPerformance positions={data.positions} currency={currency} />}
      <ExportRewards tier={tier} firstSeen={firstSeen} currency={currency} />
      <RewardsLedger currency={currency} chains={chains} wallets={wallets} />
    </div>
  );
}
