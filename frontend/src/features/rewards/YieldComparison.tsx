// Realised APY next to the real yield, per chain and overall, with why they differ.
import { CHAIN_NAME, formatRate, rateTone } from "../../lib/format";
import { coveredText, differenceText, windowOf, type PortfolioPerformance } from "./view";

const TONE = { positive: "text-positive", negative: "text-negative", zero: "text-primary" } as const;

type Row = { key: string; label: string; realised: string | null; nominal: string | null; real: string | null; covered: string | null };

export function YieldComparison({ performance }: { performance: PortfolioPerformance }) {
  const overall = windowOf(performance.windows, "all");
  const rows: Row[] = performance.chains.map((c) => {
    const all = windowOf(c.windows, "all");
    return { key: c.chain, label: CHAIN_NAME[c.chain], realised: all?.realisedApy ?? null, nominal: c.nominalApy, real: c.realYield, covered: all ? coveredText(all.coveredDays) : null };
  });
  if (rows.length > 1) rows.unshift({ key: "all", label: "Portfolio", realised: overall?.realisedApy ?? null, nominal: performance.nominalApy, real: performance.realYield, covered: null });

  return (
    <section aria-labelledby="yield-compare-heading" className="space-y-3 rounded-xl border border-subtle bg-surface p-4">
      <h2 id="yield-compare-heading" className="text-lg font-semibold">
        Realised APY and real yield
      </h2>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="grid gap-3">
        {rows.map((r) => {
          const why = differenceText(r.realised, r.real);
          return (
            <div key={r.key} data-testid="yield-compare" className="rounded-lg border border-subtle bg-raised/40 p-3">
              <h3 className="text-sm font-medium">{r.label}</h3>
              <dl className="mt-2 grid grid-cols-3 gap-2 text-sm">
                <div>
                  <dt className="text-xs text-secondary">Realised APY</dt>
                  <dd className="num text-lg font-semibold">{formatRate(r.realised, { digits: 2 })}</dd>
                </div>
                <div>
                  <dt className="text-xs text-secondary">Real yield</dt>
                  <dd className={`num text-lg font-semibold ${TONE[rateTone(r.real, 2)]}`}>{formatRate(r.real, { signed: true, digits: 2 })}</dd>
                </div>
                <div>
                  <dt className="text-xs text-secondary">Nominal APY</dt>
                  <dd className="num text-lg text-secondary">{formatRate(r.nominal, { digits: 2 })}</dd>
                </div>
              </dl>
              {(why || r.covered) && (
                <p className="mt-2 text-xs text-secondary">
                  {r.covered && <span>Covers {r.covered}. </span>}
                  {why}
                </p>
              )}
            </div>
          );
        })}
        </div>
        <div className="space-y-2 text-sm text-secondary">
        <p>
          <strong className="font-medium text-primary">Realised APY</strong> is what your positions actually earned over the period we have recorded, after the
          validator's commission, as a yearly rate.
        </p>
        <p>
          <strong className="font-medium text-primary">Real yield</strong> is the expected rate today: the nominal APY minus inflation, the validator's fee and the
          slashing risk. Inflation does not reduce your coins, so the realised APY is usually higher.
        </p>
        <p>With only a few days recorded the realised APY can swing a lot: its confidence is low until about a week is covered.</p>
        </div>
      </div>
    </section>
  );
}
