// The admin console's rules, pure: form validation that mirrors the server's (the server
// still decides), and the diff (old → new) an admin sees before saving a change.
import type { Schemas } from "../../api/client";

export type TierLimits = Schemas["TierLimitsBody"];
export type Tier = TierLimits["tier"];

/** One changed value: where, before, after (as shown to people). */
export type DiffRow = { key: string; label: string; before: string; after: string };

// --- tier change -------------------------------------------------------------------------

export const REASON_MAX = 500;

export type TierChangeForm = { tier: Tier; expires: string; reason: string };
export type TierChangeErrors = Partial<Record<"reason" | "expires", string>>;

/** The expiry as the API wants it: the end of the chosen day (UTC), or null for no end. */
export function expiryOf(date: string): string | null {
  return date ? `${date}T23:59:59Z` : null;
}

export function validateReason(reason: string): string | null {
  const text = reason.trim();
  if (!text) return "A reason is required (it goes into the audit log).";
  if (text.length > REASON_MAX) return `At most ${REASON_MAX} characters (now ${text.length}).`;
  return null;
}

/** What is wrong with a tier change, per field (empty: it can be sent). */
export function validateTierChange(form: TierChangeForm, now: Date): TierChangeErrors {
  const errors: TierChangeErrors = {};
  const reason = validateReason(form.reason);
  if (reason) errors.reason = reason;
  if (form.expires) {
    const expiry = expiryOf(form.expires);
    if (form.tier === "free") errors.expires = "A free tier has no expiry.";
    else if (!expiry || Number.isNaN(Date.parse(expiry))) errors.expires = "Not a date.";
    else if (Date.parse(expiry) <= now.getTime()) errors.expires = "The expiry must be in the future.";
  }
  return errors;
}

// --- tier limits -------------------------------------------------------------------------

export const CHAIN_COUNT = 3;

type LimitField = Exclude<keyof TierLimits, "tier">;

export const LIMIT_FIELDS: { key: LimitField; label: string; hint: string; kind: "count" | "optional" | "factors" | "flag" }[] = [
  { key: "chains", label: "Chains", hint: `1–${CHAIN_COUNT}`, kind: "count" },
  { key: "watchedValidators", label: "Watched validators", hint: "empty: unlimited", kind: "optional" },
  { key: "vrsFactors", label: "VRS factors", hint: "3 or 5", kind: "factors" },
  { key: "alerts", label: "Alerts", hint: "at least 1", kind: "count" },
  { key: "historyDays", label: "VRS history (days)", hint: "at least 1", kind: "count" },
  { key: "rewardDays", label: "Reward history (days)", hint: "empty: all", kind: "optional" },
  { key: "rewardsExport", label: "Rewards CSV export", hint: "", kind: "flag" },
];

/** The editable form of one tier's limits: numbers as typed text, the flag as a boolean. */
export type LimitsForm = { tier: Tier; values: Record<Exclude<LimitField, "rewardsExport">, string>; rewardsExport: boolean };

export function limitsToForm(limits: TierLimits): LimitsForm {
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    tier: limits.tier,
    values: {
      chains: text(limits.chains),
      watchedValidators: text(limits.watchedValidators),
      vrsFactors: text(limits.vrsFactors),
      alerts: text(limits.alerts),
      historyDays: text(limits.historyDays),
      rewardDays: text(limits.rewardDays),
    },
    rewardsExport: limits.rewardsExport,
  };
}

const WHOLE = /^\d+$/;

/** A tier's limits from the form, or the errors per field. */
export function parseLimits(form: LimitsForm): { limits: TierLimits | null; errors: Partial<Record<LimitField, string>> } {
  const errors: Partial<Record<LimitField, string>> = {};
  const whole = (key: LimitField, text: string, { optional = false, max }: { optional?: boolean; max?: number } = {}): number | null => {
    const t = text.trim();
    if (!t) {
      if (!optional) errors[key] = "Required: a whole number, at least 1.";
      return null;
    }
    if (!WHOLE.test(t) || Number(t) < 1) {
      errors[key] = optional ? "A whole number, at least 1 (or empty)." : "A whole number, at least 1.";
      return null;
    }
    const n = Number(t);
    if (max !== undefined && n > max) {
      errors[key] = `At most ${max}.`;
      return null;
    }
    return n;
  };
  const v = form.values;
  const chains = whole("chains", v.chains, { max: CHAIN_COUNT });
  const watchedValidators = whole("watchedValidators", v.watchedValidators, { optional: true });
  const alerts = whole("alerts", v.alerts);
  const historyDays = whole("historyDays", v.historyDays);
  const rewardDays = whole("rewardDays", v.rewardDays, { optional: true });
  const factors = v.vrsFactors.trim();
  if (factors !== "3" && factors !== "5") errors.vrsFactors = "3 or 5.";
  if (Object.keys(errors).length > 0) return { limits: null, errors };
  return {
    limits: {
      tier: form.tier,
      chains: chains!,
      watchedValidators,
      vrsFactors: Number(factors) as 3 | 5,
      alerts: alerts!,
      historyDays: historyDays!,
      rewardDays,
      rewardsExport: form.rewardsExport,
    },
    errors,
  };
}

function showLimit(key: LimitField, value: TierLimits[LimitField]): string {
  if (value === null) return key === "rewardDays" ? "all" : "unlimited";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

export const TIER_LABEL: Record<Tier, string> = { free: "Free", pro: "Pro" };

/** What changes between the stored limits and the edited ones, tier by tier. */
export function diffLimits(before: readonly TierLimits[], after: readonly TierLimits[]): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const next of after) {
    const prev = before.find((b) => b.tier === next.tier);
    if (!prev) continue;
    for (const field of LIMIT_FIELDS) {
      const a = prev[field.key];
      const b = next[field.key];
      if (a !== b) {
        rows.push({
          key: `${next.tier}.${field.key}`,
          label: `${TIER_LABEL[next.tier]} · ${field.label}`,
          before: showLimit(field.key, a),
          after: showLimit(field.key, b),
        });
      }
    }
  }
  return rows;
}

// --- versioned configs -------------------------------------------------------------------

export type ConfigKind = "vrs" | "yield";
export type ConfigValues = Record<string, string>;

// the server writes decimals as Python's str(Decimal): "0.05", "1000000000", "1E-7"
const DECIMAL = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Numbers as the server parses them compare equal ("0.70" and "0.7" are no change). */
function sameNumber(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const x = a.trim();
  const y = b.trim();
  if (DECIMAL.test(x) && DECIMAL.test(y)) return Number(x) === Number(y);
  return x === y;
}

/** The changed values, sorted by name. */
export function diffValues(before: ConfigValues, after: ConfigValues): DiffRow[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => !sameNumber(before[key], after[key]))
    .map((key) => ({ key, label: key, before: before[key]?.trim() ?? "—", after: after[key]?.trim() ?? "—" }));
}

const VRS_WHOLE_DAYS = new Set(["window.recent_days", "window.horizon_days", "pending_days", "confidence.high_days", "confidence.medium_days"]);

/** The VRS config's rules (domain/vrs/config.py): per name, what is wrong. */
export function validateVrsConfig(values: ConfigValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const num: Record<string, number> = {};
  for (const [key, raw] of Object.entries(values)) {
    const text = raw.trim();
    if (VRS_WHOLE_DAYS.has(key)) {
      if (!WHOLE.test(text) || Number(text) < 1) errors[key] = "Whole days, at least 1.";
    } else if (!DECIMAL.test(text)) {
      errors[key] = "A number, 0 or more.";
    }
    if (!errors[key]) num[key] = Number(text);
  }
  const weights = Object.keys(values).filter((k) => k.startsWith("weight."));
  if (weights.length > 0 && weights.every((k) => num[k] === 0)) {
    for (const k of weights) errors[k] ??= "The weights must not all be 0.";
  }
  const recent = num["window.recent_days"];
  const horizon = num["window.horizon_days"];
  if (recent !== undefined && horizon !== undefined && recent >= horizon) {
    errors["window.recent_days"] ??= "Must be less than window.horizon_days.";
  }
  const rw = num["window.recent_weight"];
  const ow = num["window.older_weight"];
  if (rw === 0 && ow === 0) errors["window.recent_weight"] ??= "The window weights must not both be 0.";
  const medium = num["confidence.medium_days"];
  const high = num["confidence.high_days"];
  if (medium !== undefined && high !== undefined && medium > high) {
    errors["confidence.medium_days"] ??= "Must not exceed confidence.high_days.";
  }
  return errors;
}

// eth spec constants and divisors: 0 would make the formula undefined
const YIELD_POSITIVE = new Set([
  "eth/base_reward_factor",
  "eth/effective_balance_increment",
  "eth/seconds_per_slot",
  "eth/slots_per_epoch",
  "eth/seconds_per_year",
]);

/** The real-yield parameters' rules (domain/real_yield/parameters.py): per name. */
export function validateYieldConfig(values: ConfigValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, raw] of Object.entries(values)) {
    const text = raw.trim();
    const [, name = ""] = key.split("/", 2);
    if (!DECIMAL.test(text)) {
      errors[key] = "A number, 0 or more.";
      continue;
    }
    const n = Number(text);
    if (YIELD_POSITIVE.has(key) && n === 0) errors[key] = "Must be more than 0.";
    else if ((name.endsWith(".fraction") || name === "performance" || name.endsWith("_performance")) && n > 1) {
      errors[key] = "A fraction: at most 1.";
    }
  }
  const min = values["all/slashing_factor_min"];
  const max = values["all/slashing_factor_max"];
  if (min !== undefined && max !== undefined && DECIMAL.test(min.trim()) && DECIMAL.test(max.trim()) && Number(min) > Number(max)) {
    errors["all/slashing_factor_min"] ??= "Must not exceed all/slashing_factor_max.";
  }
  return errors;
}

export function validateConfig(kind: ConfigKind, values: ConfigValues): Record<string, string> {
  return kind === "vrs" ? validateVrsConfig(values) : validateYieldConfig(values);
}

/** Config names grouped by their prefix ("weight", "window", "eth", "all" …), in order. */
export function groupKeys(kind: ConfigKind, keys: string[]): { group: string; keys: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const key of [...keys].sort()) {
    const group = kind === "yield" ? (key.split("/")[0] ?? key) : key.includes(".") ? key.split(".")[0]! : "general";
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups].map(([group, keys]) => ({ group, keys }));
}

// --- showing users and audit entries -----------------------------------------------------

/** The first 8 hex digits of a user id: enough to tell users apart, and searchable. */
export function shortId(id: string): string {
  return id.replace(/-/g, "").slice(0, 8);
}

/** An audit value as text (null: "—"). */
export function auditValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return String(value);
}

/** The fields an audit entry changed: before → after per name. Entries that record a
 *  whole set (tier limits) also carry the unchanged fields: those are left out. */
export function auditChanges(
  before: Record<string, string | number | boolean | null> | null,
  after: Record<string, string | number | boolean | null> | null,
): DiffRow[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const rows = keys.map((key) => ({ key, label: key, before: auditValue(before?.[key]), after: auditValue(after?.[key]) }));
  const changed = rows.filter((row) => row.before !== row.after);
  return changed.length > 0 ? changed : rows;
}
