// The ONE adapter between the API and the dashboard's rows: every portfolio position
// carries its validator's score (`vrs`, the caller's tier view; pending when unscored)
// and its real yield (`realYield`, null before the chain's first fetch).
import type { Schemas } from "../../api/client";
import type { Currency } from "../../lib/format";

export type VrsSummary = Schemas["VrsSummaryOut"];
export type RealYieldSummary = NonNullable<Schemas["PositionOut"]["realYield"]>;
export type PortfolioPosition = Schemas["PositionOut"];
export type Portfolio = Schemas["PortfolioOut"];
export type YieldPortfolio = Schemas["YieldPortfolioOut"];

export type PositionView = {
  key: string;
  chain: PortfolioPosition["chain"];
  validatorId: string;
  validatorAddress: string;
  validatorName: string | null;
  wallet: string;
  amountDisplay: string;
  fiat: { usd: string | null; eur: string | null };
  status: string;
  kind: string;
  fetchedAt: string;
  realYield: RealYieldSummary | null;
  vrs: VrsSummary;
};

export function toPositionViews(portfolio: Portfolio): PositionView[] {
  return portfolio.positions.map((p) => ({
    key: `${p.walletId}|${p.validator.id}|${p.kind}`,
    chain: p.chain,
    validatorId: p.validator.id,
    validatorAddress: p.validator.address,
    validatorName: p.validator.name,
    wallet: p.wallet,
    amountDisplay: p.amount.display,
    fiat: { usd: p.amount.fiat?.usd ?? null, eur: p.amount.fiat?.eur ?? null },
    status: p.status,
    kind: p.kind,
    fetchedAt: p.fetchedAt,
    realYield: p.realYield,
    vrs: p.vrs,
  }));
}

/** The portfolio's score: scored positions weighted by their value in `currency`;
 *  null when no position has both a score and a value. */
export function weightedVrs(views: PositionView[], currency: Currency = "usd"): number | null {
  let sum = 0;
  let weight = 0;
  for (const v of views) {
    if (v.vrs.status !== "scored" || v.vrs.total === null) continue;
    const value = Number(v.fiat[currency] ?? "");
    if (!Number.isFinite(value) || value <= 0) continue;
    sum += v.vrs.total * value;
    weight += value;
  }
  return weight > 0 ? Math.round(sum / weight) : null;
}
