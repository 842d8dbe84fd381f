// What each position earned (24 h / 7 d / 30 d / all) with its realised APY beside the real
// yield: a table from 1024 px, cards below; a chain filter.
import { useState } from "react";
import { ChainTabs, type ChainTab } from "../../components/ChainTabs";
import { CHAIN_SYMBOL, formatAmount, formatFiat, formatRate, rateTone, shortAddress, type Currency } from "../../lib/format";
import type { PortfolioPosition } from "../dashboard/position-view";
import { ConfidenceNote } from "./PerformanceCards";
import { WINDOW_SHORT, WINDOWS, windowOf, type PerformanceWindow } from "./view";

const TONE = { positive: "text-positive", negative: "text-negative", zero: "text-secondary" } as const;

export function positionName(p: PortfolioPosition): string {
  if (p.validator.name) return p.validator.name;
  if (/^\d+$/.test(p.validator.address)) return `Validator ${p.validator.address}`;
  return shortAddress(p.validator.address);
}

function Earned({ w, p, currency, left = false }: { w: PerformanceWindow | null; p: PortfolioPosition; currency: Currency; left?: boolean }) {
  if (!w || w.events === 0) return <span className={`block text-muted ${left ? "text-left" : "text-right"}`}>—</span>;
  return (
    <span className={`num block ${left ? "text-left" : "text-right"}`}>
      <span className="block">{formatAmount(w.rewards.display, p.chain, 6)}</span>
      <span className="block text-xs text-muted">{formatFiat(w.rewards.fiat?.[currency], currency)}</span>
    </span>
  );
}

function RealYield({ p }: { p: PortfolioPosition }) {
  const value = p.realYield?.realYield ?? null;
  return <span className={`num ${TONE[rateTone(value, 2)]}`}>{formatRate(value, { signed: true, digits: 2 })}</span>;
}

export function PositionPerformance({ positions, currency }: { positions: PortfolioPosition[]; currency: Currency }) {
  const [tab, setTab] = useState<ChainTab>("all");
  const shown = tab === "all" ? positions : positions.filter((p) => p.chain === tab);
  return (
    <section aria-labelledby="position-perf-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="position-perf-heading" className="text-lg font-semibold">
          Per position
        </h2>
        <ChainTabs value={tab} onChange={setTab} controls="position-perf-panel" />
      </div>
      <div id="position-perf-panel" role="tabpanel" aria-label={tab === "all" ? "All chains" : CHAIN_SYMBOL[tab]}>
        {shown.length === 0 ? (
          <p className="rounded-xl border border-dashed border-subtle bg-surface p-6 text-center text-sm text-secondary">No positions on this chain.</p>
        ) : (
          <>
            <div className="hidden overflow-x-auto rounded-xl border border-subtle bg-surface lg:block">
              <table className="w-full text-sm" aria-label="Rewards per position">
                <thead className="text-left text-xs text-secondary">
                  <tr className="border-b border-subtle">
                    <th scope="col" className="px-3 py-2 font-medium">Position</th>
                    {WINDOWS.map((id) => (
                      <th key={id} scope="col" className="px-3 py-2 text-right font-medium">
                        {WINDOW_SHORT[id]}
                      </th>
                    ))}
                    <th scope="col" className="px-3 py-2 text-right font-medium">Realised APY</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">Real yield</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((p) => {
                    const all = windowOf(p.performance?.windows, "all");
                    return (
                      <tr key={`${p.walletId}:${p.validator.id}:${p.kind}`} data-testid="position-perf-row" className="border-b border-subtle last:border-0 align-top">
                        <th scope="row" className="px-3 py-2 text-left font-normal">
                          <span className="block font-medium" title={p.validator.address}>{positionName(p)}</span>
                          <span className="block text-xs text-muted">
                            {CHAIN_SYMBOL[p.chain]} · {formatAmount(p.amount.display, p.chain)} staked
                          </span>
                        </th>
                        {WINDOWS.map((id) => (
                          <td key={id} className="px-3 py-2">
                            <Earned w={windowOf(p.performance?.windows, id)} p={p} currency={currency} />
                          </td>
                        ))}
                        <td className="px-3 py-2 text-right">
                          <span className="num block">{formatRate(all?.realisedApy, { digits: 2 })}</span>
                          {all && all.events > 0 && all.confidence === "low" && <span className="block text-xs text-warning">low confidence</span>}
                        </td>
                        <td className="px-3 py-2 text-right">
                          <RealYield p={p} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <ul className="space-y-3 lg:hidden" aria-label="Rewards per position">
              {shown.map((p) => {
                const all = windowOf(p.performance?.windows, "all");
                return (
                  <li key={`${p.walletId}:${p.validator.id}:${p.kind}`} data-testid="position-perf-card" className="rounded-xl border border-subtle bg-surface p-4">
                    <div className="flex flex-wrap items-baseline justify-between gap-2">
                      <span className="font-medium" title={p.validator.address}>{positionName(p)}</span>
                      <span className="text-xs text-muted">
                        {CHAIN_SYMBOL[p.chain]} · {formatAmount(p.amount.display, p.chain)} staked
                      </span>
                    </div>
                    <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
                      {WINDOWS.map((id) => (
                        <div key={id} className="min-w-0">
                          <dt className="text-xs text-secondary">{WINDOW_SHORT[id]}</dt>
                          <dd>
                            <Earned w={windowOf(p.performance?.windows, id)} p={p} currency={currency} left />
                          </dd>
                        </div>
                      ))}
                    </dl>
                    <div className="mt-3 flex flex-wrap gap-x-6 gap-y-1 border-t border-subtle pt-2 text-sm">
                      <span>
                        <span className="text-secondary">Realised APY </span>
                        <span className="num">{formatRate(all?.realisedApy, { digits: 2 })}</span>
                      </span>
                      <span>
                        <span className="text-secondary">Real yield </span>
                        <RealYield p={p} />
                      </span>
                    </div>
                    {all && <ConfidenceNote confidence={all.confidence} events={all.events} estimated={all.estimatedEvents} />}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
