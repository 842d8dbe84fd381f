// The ONE adapter between the API and the dashboard's rows. Portfolio positions carry
// `vrs` and `realYield` once the validators slice is merged (vrs-shape.md); until then the
// real yield comes from GET /api/yield's breakdown and the score is "pending".
import type { Schemas } from "../../api/client";
import type { Currency } from "../../lib/format";

export type VrsSummary = {
  total: number | null;
  band: "green" | "yellow" | "red" | null;
  confidence: "high" | "medium" | "low" | null;
  status: "scored" | "pending";
};
export type RealYieldSummary = {
  nominalApy: string;
  inflationRate: string;
  validatorFee: string;
  slashingRisk: string;
  realYield: string;
  confidence: "exact" | "fallback";
};

export type PortfolioPosition = Schemas["PositionOut"] & { vrs?: VrsSummary; realYield?: RealYieldSummary | null };
export type Portfolio = Omit<Schemas["PortfolioOut"], "positions"> & { positions: PortfolioPosition[] };
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

const PENDING: VrsSummary = { total: null, band: null, confidence: null, status: "pending" };

function positionKey(p: { walletId: string; validator: { id: string }; kind: string }): string {
  return `${p.walletId}|${p.validator.id}|${p.kind}`;
}

export function toPositionViews(portfolio: Portfolio, yields: YieldPortfolio | null | undefined): PositionView[] {
  const breakdowns = new Map<string, RealYieldSummary>();
  for (const y of yields?.positions ?? []) {
    const b = y.breakdown;
    if (!b) continue;
    breakdowns.set(positionKey(y), {
      nominalApy: b.nominalApy,
      inflationRate: b.inflationRate,
      validatorFee: b.validatorFee,
      slashingRisk: b.slashingRisk,
      realYield: b.realYield,
      confidence: b.confidence,
    });
  }
  return portfolio.positions.map((p) => {
    const key = positionKey(p);
    return {
      key,
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
      realYield: p.realYield !== undefined ? p.realYield : (breakdowns.get(key) ?? null),
      vrs: p.vrs ?? PENDING,
    };
  });
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
