// What an alert form may send (story 5.3), mirroring the API's rules (domain/alerts/rules.py):
// vrs_drop / vrs_below need whole points 1–100; commission_increase takes an optional
// percentage above 0 and below 100 (at most two decimals; empty = any raise); slashing and
// jailed_or_delinquent take none. A single validator needs its chain; at least one channel.
import type { Schemas } from "../../../api/client";
import { CHAIN_SYMBOL, shortAddress, type ChainId } from "../../../lib/format";

export type Alert = Schemas["AlertOut"];
export type AlertType = Schemas["AlertType"];
export type AlertChannel = Schemas["AlertChannel"];
export type Scope = "all" | "chain" | "validator";

export const ALERT_TYPES: { value: AlertType; label: string; hint: string }[] = [
  { value: "vrs_drop", label: "VRS drop", hint: "The risk score falls by at least the points you set." },
  { value: "vrs_below", label: "VRS below", hint: "The risk score is under the points you set." },
  { value: "commission_increase", label: "Commission increase", hint: "The commission rises (or rises above the percentage you set)." },
  { value: "slashing", label: "Slashing event", hint: "The validator is slashed (Cosmos: or tombstoned)." },
  { value: "jailed_or_delinquent", label: "Jailed or offline", hint: "Cosmos: jailed; Solana and Ethereum: down for more than an hour." },
];

export const TYPE_LABEL: Record<AlertType, string> = Object.fromEntries(ALERT_TYPES.map((t) => [t.value, t.label])) as Record<AlertType, string>;

export type ThresholdRule = { kind: "points"; required: true } | { kind: "percent"; required: false } | { kind: "none" };

export function thresholdRule(type: AlertType): ThresholdRule {
  if (type === "vrs_drop" || type === "vrs_below") return { kind: "points", required: true };
  if (type === "commission_increase") return { kind: "percent", required: false };
  return { kind: "none" };
}

export type AlertFormValues = {
  type: AlertType;
  scope: Scope;
  chain: ChainId;
  /** "<chain>:<address>" of the picked validator (scope "validator") */
  validatorId: string | null;
  threshold: string;
  channels: AlertChannel[];
  notifyResolved: boolean;
};

export const EMPTY_FORM: AlertFormValues = {
  type: "vrs_drop",
  scope: "all",
  chain: "eth",
  validatorId: null,
  threshold: "10",
  channels: ["email"],
  notifyResolved: false,
};

export type FormErrors = Partial<Record<"threshold" | "validatorId" | "channels", string>>;

/** The threshold's error for this type, or null when it is fine (empty counts per rule). */
export function thresholdError(type: AlertType, raw: string): string | null {
  const rule = thresholdRule(type);
  const text = raw.trim();
  if (rule.kind === "none") return null;
  if (rule.kind === "points") {
    if (!text) return "Enter the points (a whole number from 1 to 100).";
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100) return "The points are a whole number from 1 to 100.";
    return null;
  }
  if (!text) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(text) || Number(text) <= 0 || Number(text) >= 100)
    return "The percentage is above 0 and below 100, with at most two decimals (or leave it empty for any raise).";
  return null;
}

export function validateForm(values: AlertFormValues, editing = false): FormErrors {
  const errors: FormErrors = {};
  const threshold = thresholdError(values.type, values.threshold);
  if (threshold) errors.threshold = threshold;
  if (!editing && values.scope === "validator" && !values.validatorId) errors.validatorId = "Pick a validator from the list.";
  if (values.channels.length === 0) errors.channels = "Choose at least one channel.";
  return errors;
}

/** The threshold as the API wants it: a number for points, text for a percentage, null when none. */
export function thresholdValue(type: AlertType, raw: string): number | string | null {
  const rule = thresholdRule(type);
  const text = raw.trim();
  if (rule.kind === "none" || !text) return null;
  return rule.kind === "points" ? Number(text) : text;
}

/** The create body (AlertIn) for valid form values. */
export function toAlertIn(values: AlertFormValues): Schemas["AlertIn"] {
  return {
    type: values.type,
    chain: values.scope === "all" ? null : values.chain,
    validatorId: values.scope === "validator" ? values.validatorId : null,
    threshold: thresholdValue(values.type, values.threshold),
    channels: values.channels,
    notifyResolved: values.notifyResolved,
  };
}

/** The change body (AlertPatch): only threshold, channels and the resolved notice can change. */
export function toAlertPatch(values: AlertFormValues): Schemas["AlertPatch"] {
  return { threshold: thresholdValue(values.type, values.threshold), channels: values.channels, notifyResolved: values.notifyResolved };
}

/** The form values of a stored alert (for editing). */
export function formOf(alert: Alert): AlertFormValues {
  return {
    type: alert.type,
    scope: alert.validatorId ? "validator" : alert.chain ? "chain" : "all",
    chain: alert.chain ?? "eth",
    validatorId: alert.validatorId,
    threshold: alert.threshold ?? "",
    channels: alert.channels,
    notifyResolved: alert.notifyResolved,
  };
}

/** "ETH · 0x12ab…cdef", "ETH · Validator 14928", "All my SOL validators", "All my validators". */
export function scopeLabel(alert: Pick<Alert, "chain" | "validatorId">, names: Record<string, string> = {}): string {
  if (alert.validatorId) {
    const [chain, ...rest] = alert.validatorId.split(":");
    const address = rest.join(":");
    const symbol = CHAIN_SYMBOL[chain as ChainId] ?? (chain ?? "").toUpperCase();
    const name = names[alert.validatorId] ?? (/^\d+$/.test(address) ? `Validator ${address}` : shortAddress(address));
    return `${symbol} · ${name}`;
  }
  if (alert.chain) return `All my ${CHAIN_SYMBOL[alert.chain]} validators`;
  return "All my validators";
}

/** "falls by ≥ 10 points", "under 50 points", "above 8 %", "any raise", "—". */
export function thresholdLabel(alert: Pick<Alert, "type" | "threshold">): string {
  const t = alert.threshold;
  switch (alert.type) {
    case "vrs_drop":
      return `falls by ≥ ${t} points`;
    case "vrs_below":
      return `under ${t} points`;
    case "commission_increase":
      return t ? `above ${Number(t)} %` : "any raise";
    default:
      return "—";
  }
}

/** Why an alert does not fire, in words (null when it is active and within the limit). */
export function inactiveNote(alert: Pick<Alert, "active" | "inactiveReason" | "overLimit">): string | null {
  if (alert.overLimit) return "Over your plan's alert limit: kept, but it does not fire until it fits the limit again.";
  if (alert.active) return null;
  if (alert.inactiveReason === "email_unverified") return "Waits for a verified email address; it switches on by itself once verified.";
  if (alert.inactiveReason === "unsubscribed") return "Switched off from an email's unsubscribe link.";
  return "Switched off.";
}
