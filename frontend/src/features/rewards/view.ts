// The rewards screen's view logic, pure: windows and their labels, confidence in words,
// the daily chart series from day rows, ledger labels and the export address.
import type { Schemas } from "../../api/client";
import { CHAIN_SYMBOL, type ChainId, type Currency } from "../../lib/format";

export type Reward = Schemas["RewardOut"];
export type RewardsMeta = Schemas["RewardsMeta"];
export type PortfolioPerformance = Schemas["PortfolioPerformanceOut"];
export type PortfolioWindow = Schemas["PortfolioWindowOut"];
export type ChainPerformance = Schemas["ChainPerformanceOut"];
export type PerformanceWindow = Schemas["PerformanceWindowOut"];
export type WindowId = PortfolioWindow["window"];
export type Confidence = PortfolioWindow["confidence"];
export type Granularity = "epoch" | "day";

export const WINDOWS: readonly WindowId[] = ["24h", "7d", "30d", "all"];
export const WINDOW_LABEL: Record<WindowId, string> = { "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", all: "Since first seen" };
export const WINDOW_SHORT: Record<WindowId, string> = { "24h": "24h", "7d": "7d", "30d": "30d", all: "All" };
export const CHAINS: readonly ChainId[] = ["eth", "sol", "atom"];
/** Chart colours per chain (token variables, so both themes work). */
export const CHAIN_COLOR: Record<ChainId, string> = { eth: "var(--st-info)", sol: "var(--st-brand)", atom: "var(--st-warning)" };

/** The window `id` of a list of windows (null when the API left it out). */
export function windowOf<W extends { window: WindowId }>(windows: readonly W[] | undefined, id: WindowId): W | null {
  return windows?.find((w) => w.window === id) ?? null;
}

/** How much to trust a realised APY, in words. */
export function confidenceText(confidence: Confidence, events: number, estimated = 0): string {
  if (events === 0) return "No rewards recorded yet";
  const base =
    confidence === "high" ? "High confidence: 30 or more days covered" : confidence === "medium" ? "Medium confidence: 7 to 29 days covered" : "Low confidence: fewer than 7 days covered";
  return estimated > 0 ? `${base}; ${estimated} estimated ${estimated === 1 ? "event" : "events"}` : base;
}

/** "14 days" from the API's decimal `coveredDays` ("13.98" → "14 days", "0.25" → "under a day"). */
export function coveredText(coveredDays: string | null | undefined): string {
  const n = Number(coveredDays ?? "0");
  if (!Number.isFinite(n) || n <= 0) return "nothing covered yet";
  if (n < 1) return "under a day";
  const days = Math.round(n);
  return `${days} ${days === 1 ? "day" : "days"}`;
}

/** One plain sentence on why the realised APY and the real yield differ. */
export function differenceText(realisedApy: string | null | undefined, realYield: string | null | undefined): string | null {
  const realised = realisedApy === null || realisedApy === undefined ? null : Number(realisedApy);
  const real = realYield === null || realYield === undefined ? null : Number(realYield);
  if (realised === null || real === null || !Number.isFinite(realised) || !Number.isFinite(real)) return null;
  const gap = (realised - real) * 100;
  if (Math.abs(gap) < 0.05) return "Both are about the same.";
  return gap > 0
    ? `The realised APY is ${gap.toFixed(1)} points higher: it does not subtract inflation or slashing risk.`
    : `The realised APY is ${Math.abs(gap).toFixed(1)} points lower: what was paid over this period fell short of the expected rate.`;
}

// ---- dates (UTC days as YYYY-MM-DD) ----

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first of the last `days` UTC days ending at `today` (inclusive). */
export function daysBack(today: Date, days: number): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - (days - 1));
  return isoDay(d);
}

/** Every UTC day from `from` to `to`, inclusive (empty when from > to). */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || Number.isNaN(end.getTime())) return out;
  while (d <= end && out.length < 400) {
    out.push(isoDay(d));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** "3 Dec" for a chart axis or tooltip. */
export function shortDay(day: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

// ---- chart ----

/** What the chart shows: all chains stacked in fiat, or one chain in its coin. */
export type ChartMode = "all" | ChainId;

export type DayPoint = { day: string; eth: number; sol: number; atom: number; total: number; missingFiat: boolean };

/** Day rows (per position and day) summed per day and chain: fiat in `currency` for
 *  "all" (a chain's coins cannot be added to another's), coin amounts for one chain.
 *  Every day from `from` to `to` has a point (zero when nothing was earned). */
export function dailySeries(rows: readonly Reward[], mode: ChartMode, currency: Currency, from: string, to: string): DayPoint[] {
  const byDay = new Map<string, DayPoint>();
  for (const day of dayRange(from, to)) byDay.set(day, { day, eth: 0, sol: 0, atom: 0, total: 0, missingFiat: false });
  for (const row of rows) {
    if (mode !== "all" && row.chain !== mode) continue;
    const point = byDay.get(row.day);
    if (!point) continue;
    let value: number;
    if (mode === "all") {
      const fiat = row.amount.fiat?.[currency];
      if (fiat === null || fiat === undefined) {
        point.missingFiat = true;
        continue;
      }
      value = Number(fiat);
    } else {
      value = Number(row.amount.display);
    }
    if (!Number.isFinite(value)) continue;
    point[row.chain] += value;
    point.total += value;
  }
  return [...byDay.values()];
}

/** Chains that earned anything in the rows (chart legend and chain choice). */
export function chainsIn(rows: readonly Reward[]): ChainId[] {
  const seen = new Set(rows.map((r) => r.chain));
  return CHAINS.filter((c) => seen.has(c));
}

/** The chart's accessible summary: total and best day. */
export function seriesSummary(points: readonly DayPoint[], unit: (n: number) => string): string {
  const earning = points.filter((p) => p.total !== 0);
  if (earning.length === 0) return "No rewards in this period.";
  const total = points.reduce((s, p) => s + p.total, 0);
  const best = earning.reduce((a, b) => (b.total > a.total ? b : a));
  return `${unit(total)} over ${points.length} days; highest on ${shortDay(best.day)} with ${unit(best.total)}.`;
}

// ---- ledger ----

/** "Reward" / "Penalty" / "Commission" for epoch rows; day rows: "3 events". */
export function rowKind(row: Reward): string {
  if (row.kind === "reward") return "Reward";
  if (row.kind === "penalty") return "Penalty";
  if (row.kind === "commission") return "Commission";
  return `${row.events} ${row.events === 1 ? "event" : "events"}`;
}

/** The position's label: "Validator 14928" for an ETH index, else the key shortened. */
export function positionLabel(row: Pick<Reward, "chain" | "position">): string {
  if (row.chain === "eth" && /^\d+$/.test(row.position)) return `Validator ${row.position}`;
  return row.position.length > 14 ? `${row.position.slice(0, 6)}…${row.position.slice(-4)}` : row.position;
}

export function chainLabel(chain: ChainId): string {
  return CHAIN_SYMBOL[chain];
}

// ---- export ----

/** The CSV export's address (GET /api/rewards/export: one year, one currency). */
export function exportUrl(year: number, currency: Currency): string {
  return `/api/rewards/export?year=${year}&currency=${currency}&format=csv`;
}

export function exportFilename(year: number, currency: Currency): string {
  return `staketrack-rewards-${year}-${currency}.csv`;
}

/** Years a user can export: from the first year seen (or this one) to this one, newest first. */
export function exportYears(thisYear: number, firstSeen: string | null | undefined): number[] {
  const first = firstSeen ? Math.min(new Date(firstSeen).getUTCFullYear(), thisYear) : thisYear;
  const years: number[] = [];
  for (let y = thisYear; y >= Math.max(first, thisYear - 9); y--) years.push(y);
  return years;
}
