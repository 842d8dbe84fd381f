import { describe, expect, it } from "vitest";
import { toPositionViews, weightedVrs, type Portfolio, type PortfolioPosition } from "./position-view";

const WALLET = "00000000-0000-4000-8000-000000000001";
const PENDING = { total: null, band: null, confidence: "low" as const, status: "pending" as const };

function position(over: Partial<PortfolioPosition> & { address: string; usd?: string | null }): PortfolioPosition {
  const { address, usd = "1000", ...rest } = over;
  return {
    chain: "eth",
    wallet: "0x1234…abcd",
    walletId: WALLET,
    validator: { id: `eth:${address}`, address, name: null, status: "active", commission: "0.1" },
    amount: { baseUnits: "32000000000", display: "32", fiat: usd === null ? null : { usd, eur: usd } },
    rewards: null,
    status: "active",
    kind: "stake",
    completesAt: null,
    fetchedAt: "2026-12-03T10:00:00Z",
    vrs: PENDING,
    realYield: null,
    ...rest,
  };
}

function portfolio(positions: PortfolioPosition[]): Portfolio {
  return {
    wallets: 1,
    positions,
    chains: [],
    totalFiat: { usd: null, eur: null },
    chainCount: 1,
    validatorCount: positions.length,
    positionCount: positions.length,
  };
}

describe("toPositionViews", () => {
  it("each row carries the position's own score and real yield (null stays null)", () => {
    const own = { nominalApy: "0.07", inflationRate: "0.05", validatorFee: "0.007", slashingRisk: "0", realYield: "0.013", confidence: "fallback" as const };
    const vrs = { total: 85, band: "green" as const, confidence: "low" as const, status: "scored" as const };
    const views = toPositionViews(portfolio([position({ address: "1", vrs, realYield: own }), position({ address: "2", realYield: null })]));
    expect(views[0]?.realYield).toEqual(own);
    expect(views[0]?.vrs).toEqual(vrs);
    expect(views[1]?.realYield).toBeNull();
    expect(views[1]?.vrs).toEqual(PENDING);
  });

  it("keeps amount, fiat and a stable key per wallet, validator and kind", () => {
    const views = toPositionViews(portfolio([position({ address: "7", usd: "98268.5" }), position({ address: "7", kind: "unbonding" })]));
    expect(views[0]).toMatchObject({ amountDisplay: "32", fiat: { usd: "98268.5", eur: "98268.5" }, key: `${WALLET}|eth:7|stake` });
    expect(views[1]?.key).toBe(`${WALLET}|eth:7|unbonding`);
  });
});

describe("weightedVrs", () => {
  const scored = (address: string, total: number, usd: string | null) =>
    position({ address, usd, vrs: { total, band: null, confidence: "high", status: "scored" } });

  it("weights scores by position value", () => {
    const views = toPositionViews(portfolio([scored("1", 90, "3000"), scored("2", 50, "1000")]));
    expect(weightedVrs(views)).toBe(80); // (90·3000 + 50·1000) / 4000
  });

  it("ignores pending scores and positions without a value", () => {
    const views = toPositionViews(portfolio([scored("1", 90, "1000"), position({ address: "2", usd: "9000" }), scored("3", 10, null)]));
    expect(weightedVrs(views)).toBe(90);
  });

  it("null when nothing is scored", () => {
    expect(weightedVrs(toPositionViews(portfolio([position({ address: "1" })])))).toBeNull();
    expect(weightedVrs([])).toBeNull();
  });
});

describe("newlyLinkedEmptyChains", () => {
  it("chains without positions whose wallet was linked within the window", async () => {
    const { newlyLinkedEmptyChains, NEW_WALLET_WINDOW_MS } = await import("./queries");
    const now = Date.parse("2026-12-03T10:00:00Z");
    const wallets = [
      { chain: "eth" as const, linkedAt: new Date(now - 10_000).toISOString() },
      { chain: "sol" as const, linkedAt: new Date(now - NEW_WALLET_WINDOW_MS - 1).toISOString() },
    ];
    expect(newlyLinkedEmptyChains(wallets, ["eth", "sol"], now)).toEqual(["eth"]);
    expect(newlyLinkedEmptyChains(wallets, ["sol"], now)).toEqual([]);
    expect(newlyLinkedEmptyChains(undefined, ["eth"], now)).toEqual([]);
  });
});
