import { describe, expect, it } from "vitest";
import {
  chainsIn,
  confidenceText,
  coveredText,
  dailySeries,
  dayRange,
  daysBack,
  differenceText,
  exportUrl,
  exportYears,
  positionLabel,
  rowKind,
  seriesSummary,
  windowOf,
  type Reward,
} from "./view";

const row = (over: Partial<Reward>): Reward => ({
  chain: "eth",
  walletId: "00000000-0000-4000-8000-000000000001",
  wallet: "0x1234…abcd",
  validatorId: "eth:1",
  position: "14928",
  day: "2026-12-03",
  occurredAt: null,
  periodStart: null,
  kind: null,
  amount: { baseUnits: "1", display: "0.5", fiat: { usd: "1500.00", eur: "1400.00" } },
  price: null,
  epoch: null,
  source: null,
  period: null,
  events: 1,
  estimated: false,
  fetchedAt: "2026-12-03T10:00:00Z",
  ...over,
});

describe("days", () => {
  it("daysBack counts the end day in", () => {
    expect(daysBack(new Date("2026-12-04T14:00:00Z"), 30)).toBe("2026-11-05");
    expect(daysBack(new Date("2026-12-04T00:00:00Z"), 1)).toBe("2026-12-04");
  });
  it("dayRange is inclusive and crosses months; empty when reversed", () => {
    expect(dayRange("2026-11-29", "2026-12-02")).toEqual(["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(dayRange("2026-12-02", "2026-12-01")).toEqual([]);
  });
});

describe("dailySeries", () => {
  const rows = [
    row({ day: "2026-12-02", amount: { baseUnits: "1", display: "0.5", fiat: { usd: "1500.00", eur: null } } }),
    row({ day: "2026-12-02", amount: { baseUnits: "1", display: "0.25", fiat: { usd: "750.00", eur: null } } }),
    row({ chain: "sol", day: "2026-12-03", amount: { baseUnits: "1", display: "2", fiat: { usd: "400.00", eur: "380.00" } } }),
    row({ chain: "sol", day: "2026-12-03", kind: "penalty", amount: { baseUnits: "-1", display: "-0.5", fiat: { usd: "-100.00", eur: "-95.00" } } }),
    row({ day: "2026-11-01" }), // outside the span: ignored
  ];

  it("all chains: fiat per chain and day, zero days filled, negatives subtract", () => {
    const points = dailySeries(rows, "all", "usd", "2026-12-01", "2026-12-03");
    expect(points.map((p) => p.day)).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect(points[0]).toMatchObject({ eth: 0, sol: 0, total: 0 });
    expect(points[1]).toMatchObject({ eth: 2250, sol: 0, total: 2250 });
    expect(points[2]).toMatchObject({ eth: 0, sol: 300, total: 300 });
  });

  it("a day without a price in the currency is flagged, not counted as zero silently", () => {
    const points = dailySeries(rows, "all", "eur", "2026-12-01", "2026-12-03");
    expect(points[1]).toMatchObject({ total: 0, missingFiat: true });
    expect(points[2]).toMatchObject({ sol: 285, missingFiat: false });
  });

  it("one chain: its coin amounts only", () => {
    const points = dailySeries(rows, "eth", "usd", "2026-12-01", "2026-12-03");
    expect(points[1]?.eth).toBeCloseTo(0.75);
    expect(points[2]?.total).toBe(0);
  });

  it("chainsIn keeps the fixed chain order", () => {
    expect(chainsIn([row({ chain: "atom" }), row({ chain: "eth" })])).toEqual(["eth", "atom"]);
  });

  it("seriesSummary names the total and the best day", () => {
    const points = dailySeries(rows, "all", "usd", "2026-12-01", "2026-12-03");
    expect(seriesSummary(points, (n) => `$${n}`)).toBe("$2550 over 3 days; highest on 2 Dec with $2250.");
    expect(seriesSummary(dailySeries([], "all", "usd", "2026-12-01", "2026-12-02"), String)).toBe("No rewards in this period.");
  });
});

describe("words", () => {
  it("confidence in words, with estimated events", () => {
    expect(confidenceText("low", 0)).toBe("No rewards recorded yet");
    expect(confidenceText("low", 4)).toBe("Low confidence: fewer than 7 days covered");
    expect(confidenceText("high", 90, 2)).toBe("High confidence: 30 or more days covered; 2 estimated events");
  });
  it("covered days", () => {
    expect(coveredText("0")).toBe("nothing covered yet");
    expect(coveredText("0.25")).toBe("under a day");
    expect(coveredText("1")).toBe("1 day");
    expect(coveredText("13.8")).toBe("14 days");
  });
  it("why realised APY and real yield differ", () => {
    expect(differenceText("0.0274", "0.0214")).toBe("The realised APY is 0.6 points higher: it does not subtract inflation or slashing risk.");
    expect(differenceText("0.01", "0.02")).toContain("1.0 points lower");
    expect(differenceText("0.0200", "0.0201")).toBe("Both are about the same.");
    expect(differenceText(null, "0.02")).toBeNull();
  });
  it("ledger labels", () => {
    expect(rowKind(row({ kind: "penalty" }))).toBe("Penalty");
    expect(rowKind(row({ kind: null, events: 3 }))).toBe("3 events");
    expect(positionLabel({ chain: "eth", position: "14928" })).toBe("Validator 14928");
    expect(positionLabel({ chain: "sol", position: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin" })).toBe("9xQeWv…VFin");
  });
  it("windowOf finds a window or null", () => {
    expect(windowOf([{ window: "7d" as const }], "7d")).toEqual({ window: "7d" });
    expect(windowOf([{ window: "7d" as const }], "all")).toBeNull();
    expect(windowOf(undefined, "all")).toBeNull();
  });
});

describe("export", () => {
  it("the address carries the year and the currency", () => {
    expect(exportUrl(2026, "eur")).toBe("/api/rewards/export?year=2026&currency=eur&format=csv");
  });
  it("years from the first seen to this one, newest first", () => {
    expect(exportYears(2026, "2024-06-01T00:00:00Z")).toEqual([2026, 2025, 2024]);
    expect(exportYears(2026, null)).toEqual([2026]);
  });
});
