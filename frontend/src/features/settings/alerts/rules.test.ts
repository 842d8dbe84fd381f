// The alert form's rules mirror the API's (domain/alerts/rules.py): these are the same cases.
import { describe, expect, it } from "vitest";
import { EMPTY_FORM, formOf, inactiveNote, scopeLabel, thresholdError, thresholdLabel, toAlertIn, toAlertPatch, validateForm, type Alert } from "./rules";

const stored = (over: Partial<Alert> = {}): Alert => ({
  id: "a1",
  type: "vrs_drop",
  chain: null,
  validatorId: null,
  threshold: "10",
  notifyResolved: false,
  channels: ["email"],
  active: true,
  inactiveReason: null,
  overLimit: false,
  createdAt: "2026-12-04T10:00:00Z",
  updatedAt: "2026-12-04T10:00:00Z",
  ...over,
});

describe("thresholdError", () => {
  it("points: required, whole numbers 1–100", () => {
    expect(thresholdError("vrs_drop", "")).toMatch(/Enter the points/);
    expect(thresholdError("vrs_drop", "0")).toMatch(/1 to 100/);
    expect(thresholdError("vrs_below", "101")).toMatch(/1 to 100/);
    expect(thresholdError("vrs_drop", "7.5")).toMatch(/whole number/);
    expect(thresholdError("vrs_drop", "abc")).toMatch(/whole number/);
    expect(thresholdError("vrs_drop", "1")).toBeNull();
    expect(thresholdError("vrs_below", " 100 ")).toBeNull();
  });

  it("commission: optional, above 0 and below 100, two decimals at most", () => {
    expect(thresholdError("commission_increase", "")).toBeNull();
    expect(thresholdError("commission_increase", "8.25")).toBeNull();
    expect(thresholdError("commission_increase", "0")).toMatch(/above 0/);
    expect(thresholdError("commission_increase", "100")).toMatch(/below 100/);
    expect(thresholdError("commission_increase", "5.125")).toMatch(/two decimals/);
    expect(thresholdError("commission_increase", "-3")).not.toBeNull();
  });

  it("slashing and jailed take none (whatever the field holds is ignored)", () => {
    expect(thresholdError("slashing", "abc")).toBeNull();
    expect(thresholdError("jailed_or_delinquent", "")).toBeNull();
  });
});

describe("validateForm and the bodies", () => {
  it("one validator needs a pick; at least one channel", () => {
    const errors = validateForm({ ...EMPTY_FORM, scope: "validator", validatorId: null, channels: [] });
    expect(errors.validatorId).toMatch(/Pick a validator/);
    expect(errors.channels).toMatch(/at least one channel/);
    expect(validateForm(EMPTY_FORM)).toEqual({});
  });

  it("the create body: scope decides chain and validator; points as numbers, percent as text", () => {
    expect(toAlertIn({ ...EMPTY_FORM, threshold: "15" })).toEqual({ type: "vrs_drop", chain: null, validatorId: null, threshold: 15, channels: ["email"], notifyResolved: false });
    expect(toAlertIn({ ...EMPTY_FORM, type: "commission_increase", scope: "chain", chain: "sol", validatorId: "sol:x", threshold: "8.5" })).toMatchObject({
      chain: "sol",
      validatorId: null,
      threshold: "8.5",
    });
    expect(toAlertIn({ ...EMPTY_FORM, type: "commission_increase", threshold: " " }).threshold).toBeNull();
    expect(toAlertIn({ ...EMPTY_FORM, type: "slashing", scope: "validator", chain: "atom", validatorId: "atom:cosmosvaloper1abc", threshold: "10" })).toMatchObject({
      chain: "atom",
      validatorId: "atom:cosmosvaloper1abc",
      threshold: null,
    });
  });

  it("editing round-trips a stored alert and sends only what may change", () => {
    const values = formOf(stored({ chain: "eth", validatorId: "eth:14928", threshold: "20", channels: ["email", "webhook"], notifyResolved: true }));
    expect(values).toMatchObject({ scope: "validator", chain: "eth", validatorId: "eth:14928", threshold: "20" });
    expect(toAlertPatch(values)).toEqual({ threshold: 20, channels: ["email", "webhook"], notifyResolved: true });
  });
});

describe("labels", () => {
  it("scope, threshold and why an alert is silent", () => {
    expect(scopeLabel({ chain: null, validatorId: null })).toBe("All my validators");
    expect(scopeLabel({ chain: "sol", validatorId: null })).toBe("All my SOL validators");
    expect(scopeLabel({ chain: "eth", validatorId: "eth:14928" })).toBe("ETH · Validator 14928");
    expect(scopeLabel({ chain: "atom", validatorId: "atom:cosmosvaloper1qwertyuiop" })).toBe("ATOM · cosmos…uiop");
    expect(scopeLabel({ chain: "atom", validatorId: "atom:v1" }, { "atom:v1": "Figment" })).toBe("ATOM · Figment");
    expect(thresholdLabel({ type: "commission_increase", threshold: null })).toBe("any raise");
    expect(thresholdLabel({ type: "commission_increase", threshold: "8.50" })).toBe("above 8.5 %");
    expect(thresholdLabel({ type: "vrs_below", threshold: "40" })).toBe("under 40 points");
    expect(inactiveNote(stored())).toBeNull();
    expect(inactiveNote(stored({ active: false, inactiveReason: "email_unverified" }))).toMatch(/verified email/);
    expect(inactiveNote(stored({ overLimit: true }))).toMatch(/limit/);
  });
});
