// Formatting of the API's decimal strings for people: amounts, fiat, rates, times.
// Contract v1 sends decimals as strings; they are parsed here and nowhere else.

export type Currency = "usd" | "eur";
export type ChainId = "eth" | "sol" | "atom";

export const CHAIN_SYMBOL: Record<ChainId, string> = { eth: "ETH", sol: "SOL", atom: "ATOM" };
export const CHAIN_NAME: Record<ChainId, string> = { eth: "Ethereum", sol: "Solana", atom: "Cosmos Hub" };

const MINUS = "\u2212"; // a real minus sign, not a hyphen

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** "12.3456 ETH": up to `digits` fraction digits (4 by default), grouped, never exponent. */
export function formatAmount(display: string | number | null | undefined, chain?: ChainId, digits = 4): string {
  const n = toNumber(display);
  if (n === null) return "—";
  const text = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(Math.abs(n));
  const signed = n < 0 ? `${MINUS}${text}` : text;
  return chain ? `${signed} ${CHAIN_SYMBOL[chain]}` : signed;
}

/** "$1,234.56" / "€1,234.56"; "—" when no price is known. */
export function formatFiat(value: string | number | null | undefined, currency: Currency): string {
  const n = toNumber(value);
  if (n === null) return "—";
  const text = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    maximumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2,
    minimumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2,
  }).format(Math.abs(n));
  return n < 0 ? `${MINUS}${text}` : text;
}

/** A fraction as a percentage: 0.0273 → "2.7%"; `signed` adds "+" / "−" (real yield). */
export function formatRate(fraction: string | number | null | undefined, { signed = false, digits = 1 } = {}): string {
  const n = toNumber(fraction);
  if (n === null) return "—";
  const pct = n * 100;
  const rounded = Number(pct.toFixed(digits));
  const text = `${Math.abs(rounded).toFixed(digits)}%`;
  if (rounded < 0) return `${MINUS}${text}`;
  if (signed && rounded > 0) return `+${text}`;
  return text;
}

/** The sign of a rate after rounding to what is shown: "positive" | "negative" | "zero". */
export function rateTone(fraction: string | number | null | undefined, digits = 1): "positive" | "negative" | "zero" {
  const n = toNumber(fraction);
  if (n === null) return "zero";
  const rounded = Number((n * 100).toFixed(digits));
  return rounded > 0 ? "positive" : rounded < 0 ? "negative" : "zero";
}

/** "0x1234…5678" for any long address; short strings unchanged. */
export function shortAddress(address: string, head = 6, tail = 4): string {
  return address.length <= head + tail + 1 ? address : `${address.slice(0, head)}…${address.slice(-tail)}`;
}

/** "just now", "12 min ago", "3 h ago", "2 days ago" — from an ISO time. */
export function relativeTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "—";
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Freshness colour by age (story 2.6): < 30 min fresh, < 2 h ageing, else stale. */
export function freshnessLevel(iso: string | null | undefined, now: Date = new Date()): "fresh" | "ageing" | "stale" {
  if (!iso) return "stale";
  const minutes = (now.getTime() - Date.parse(iso)) / 60000;
  if (minutes < 30) return "fresh";
  if (minutes < 120) return "ageing";
  return "stale";
}

/** "3 Dec 2026, 08:36 UTC" — an absolute time people can compare. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(iso));
}
