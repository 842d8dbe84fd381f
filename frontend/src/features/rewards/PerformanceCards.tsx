// Portfolio performance (24 h / 7 d / 30 d / all): what was earned in fiat, per chain in
// its coin, the realised APY and how much to trust it.
import { CHAIN_SYMBOL, formatAmount, formatFiat, formatRate, type Currency } from "../../lib/format";
import { confidenceText, WINDOW_LABEL, WINDOWS, windowOf, type Confidence, type PortfolioPerformance } from "./view";

const CONFIDENCE_TONE: Record<Confidence, string> = { high: "text-positive", medium: "text-secondary", low: "text-warning" };

export function ConfidenceNote({ confidence, events, estimated }: { confidence: Confidence; events: number; estimated: number }) {
  return <p className={`text-xs ${events === 0 ? "text-muted" : CONFIDENCE_TONE[confidence]}`}>{confidenceText(confidence, events, estimated)}</p>;
}

export function PerformanceCards({ performance, currency }: { performance: PortfolioPerformance; currency: Currency }) {
  return (
    <div className="grid grid-cols-2 gap-3 xl:grid-cols-4">
      {WINDOWS.map((id) => {
        const w = windowOf(performance.windows, id);
        if (!w) return null;
        const perChain = performance.chains
          .map((c) => ({ chain: c.chain, window: windowOf(c.windows, id) }))
          .filter((c) => c.window !== null && c.window.events > 0);
        return (
          <section key={id} aria-label={`Rewards, ${WINDOW_LABEL[id]}`} data-testid="performance-card" className="flex min-w-0 flex-col gap-2 rounded-xl border border-subtle bg-surface p-3 sm:p-4">
            <h3 className="text-sm text-secondary">{WINDOW_LABEL[id]}</h3>
            <div className="num truncate text-xl font-semibold sm:text-2xl">{formatFiat(w.fiat?.[currency], currency)}</div>
            {perChain.length > 0 ? (
              <ul className="num space-y-0.5 text-sm text-secondary" aria-label="Per chain">
                {perChain.map((c) => (
                  <li key={c.chain} className="flex flex-wrap justify-between gap-x-2">
                    <span className="font-sans text-muted">{CHAIN_SYMBOL[c.chain]}</span>
                    <span className="truncate">{formatAmount(c.window?.rewards.display, c.chain, 6)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-muted">Nothing earned in this window.</p>
            )}
            <div className="mt-auto flex flex-wrap items-baseline justify-between gap-x-2 border-t border-subtle pt-2 text-sm">
              <span className="text-secondary">Realised APY</span>
              <span className="num font-medium">{formatRate(w.realisedApy, { digits: 2 })}</span>
            </div>
            <ConfidenceNote confidence={w.confidence} events={w.events} estimated={w.estimatedEvents} />
          </section>
        );
      })}
    </div>
  );
}
