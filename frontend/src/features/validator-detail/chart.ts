// Pure helpers of the detail's charts: the scored series with each day's change, the
// risk bands behind it, the drop wording and the "collected since" note. Dates are the
// API's UTC days ("2026-12-04"), shown as "4 Dec".
import type { VrsPoint } from "./queries";

const MINUS = "\u2212";

/** The score bands (domain/vrs/model.py): red 0–49, yellow 50–79, green 80–100. */
export const BANDS = [
  { band: "red", from: 0, to: 50 },
  { band: "yellow", from: 50, to: 80 },
  { band: "green", from: 80, to: 100 },
] as const;

function utcDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** "2026-12-04" → "4 Dec" (axis ticks). */
export function shortDay(day: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(utcDay(day));
}

/** "2026-12-04" (or an ISO time) → "4 Dec 2026". */
export function longDay(day: string): string {
  const date = day.length > 10 ? new Date(day) : utcDay(day);
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}

/** Days between two UTC days (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcDay(b).getTime() - utcDay(a).getTime()) / 86_400_000);
}

/** "+3", "−5", "±0". */
export function signed(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `${MINUS}${Math.abs(n)}`;
  return "±0";
}

export type ScorePoint = {
  date: string;
  total: number;
  drop: boolean;
  dropPoints: number | null;
  dropSince: string | null;
  /** Change to the previous scored day (null for the first). */
  delta: number | null;
  /** That previous day (the day before, unless a day is missing). */
  previous: string | null;
};

/** The days with a total, oldest first, each with its change to the previous one. */
export function scoredSeries(points: VrsPoint[]): ScorePoint[] {
  const out: ScorePoint[] = [];
  for (const p of points) {
    if (p.total === null) continue;
    const prev = out[out.length - 1];
    out.push({
      date: p.date,
      total: p.total,
      drop: p.drop,
      dropPoints: p.dropPoints,
      dropSince: p.dropSince,
      delta: prev ? p.total - prev.total : null,
      previous: prev ? prev.date : null,
    });
  }
  return out;
}

/** "−5 to the day before" / "−5 since 1 Dec" (a gap) / "first day shown". */
export function deltaText(p: Pick<ScorePoint, "date" | "delta" | "previous">): string {
  if (p.delta === null || p.previous === null) return "first day shown";
  if (daysBetween(p.previous, p.date) === 1) return `${signed(p.delta)} to the day before`;
  return `${signed(p.delta)} since ${shortDay(p.previous)}`;
}

/** "Fell by 24 since 30 Nov 2026". */
export function fellText(points: number, since: string): string {
  return `Fell by ${points} since ${longDay(since)}`;
}

/** The tooltip's (and the screen reader's) words for one day. */
export function pointText(p: ScorePoint): string {
  const parts = [`${longDay(p.date)}: score ${p.total}`, deltaText(p)];
  if (p.drop && p.dropPoints !== null && p.dropSince !== null) parts.push(`fell by ${p.dropPoints} since ${longDay(p.dropSince)}`);
  return parts.join(", ");
}

/** The first day history exists, when it is later than the window's first day (a short
 *  history: "collected since"); null when the window is full or nothing was scored. */
export function collectedSince(firstScoredAt: string | null | undefined, days: number, today: string): string | null {
  if (!firstScoredAt) return null;
  const first = firstScoredAt.slice(0, 10);
  return daysBetween(first, today) + 1 < days ? first : null;
}

/** Today as a UTC day. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The index of the point nearest to x (points sorted by x). */
export function nearestIndex(xs: number[], x: number): number {
  if (xs.length === 0) return -1;
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs((xs[i] ?? 0) - x) < Math.abs((xs[best] ?? 0) - x)) best = i;
  return best;
}
