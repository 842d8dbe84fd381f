import { describe, expect, it } from "vitest";
import {
  auditChanges,
  diffLimits,
  diffValues,
  expiryOf,
  groupKeys,
  limitsToForm,
  parseLimits,
  shortId,
  validateTierChange,
  validateVrsConfig,
  validateYieldConfig,
  type TierLimits,
} from "./logic";

const FREE: TierLimits = { tier: "free", chains: 1, watchedValidators: 3, vrsFactors: 3, alerts: 1, historyDays: 7, rewardDays: 30, rewardsExport: false };
const PRO: TierLimits = { tier: "pro", chains: 3, watchedValidators: null, vrsFactors: 5, alerts: 50, historyDays: 365, rewardDays: null, rewardsExport: true };
const NOW = new Date("2026-12-04T12:00:00Z");

describe("validateTierChange", () => {
  it("requires a reason, not just spaces", () => {
    expect(validateTierChange({ tier: "pro", expires: "", reason: "   " }, NOW).reason).toMatch(/required/);
    expect(validateTierChange({ tier: "pro", expires: "", reason: "beta tester" }, NOW)).toEqual({});
  });
  it("limits the reason to 500 characters", () => {
    expect(validateTierChange({ tier: "pro", expires: "", reason: "x".repeat(501) }, NOW).reason).toMatch(/At most 500/);
  });
  it("an expiry only for pro, and only in the future", () => {
    expect(validateTierChange({ tier: "free", expires: "2027-01-01", reason: "r" }, NOW).expires).toMatch(/free tier has no expiry/);
    expect(validateTierChange({ tier: "pro", expires: "2026-12-03", reason: "r" }, NOW).expires).toMatch(/future/);
    // today is fine: it ends at the end of the day (UTC)
    expect(validateTierChange({ tier: "pro", expires: "2026-12-04", reason: "r" }, NOW)).toEqual({});
  });
  it("sends the end of the chosen day, or null", () => {
    expect(expiryOf("2027-01-31")).toBe("2027-01-31T23:59:59Z");
    expect(expiryOf("")).toBeNull();
  });
});

describe("tier limits", () => {
  it("round-trips through the form unchanged", () => {
    expect(parseLimits(limitsToForm(PRO))).toEqual({ limits: PRO, errors: {} });
    expect(parseLimits(limitsToForm(FREE)).limits).toEqual(FREE);
  });
  it("names each bad value", () => {
    const form = limitsToForm(FREE);
    form.values = { ...form.values, chains: "4", alerts: "0", historyDays: "", watchedValidators: "2.5", vrsFactors: "4" };
    const { limits, errors } = parseLimits(form);
    expect(limits).toBeNull();
    expect(errors.chains).toBe("At most 3.");
    expect(errors.alerts).toMatch(/at least 1/);
    expect(errors.historyDays).toMatch(/Required/);
    expect(errors.watchedValidators).toMatch(/or empty/);
    expect(errors.vrsFactors).toBe("3 or 5.");
  });
  it("empty optional limits mean unlimited / all", () => {
    const form = limitsToForm(FREE);
    form.values = { ...form.values, watchedValidators: " ", rewardDays: "" };
    expect(parseLimits(form).limits).toMatchObject({ watchedValidators: null, rewardDays: null });
  });
  it("the diff lists only what changed, old → new, per tier", () => {
    const rows = diffLimits([FREE, PRO], [{ ...FREE, alerts: 2, watchedValidators: null }, { ...PRO, rewardsExport: false }]);
    expect(rows).toEqual([
      { key: "free.watchedValidators", label: "Free · Watched validators", before: "3", after: "unlimited" },
      { key: "free.alerts", label: "Free · Alerts", before: "1", after: "2" },
      { key: "pro.rewardsExport", label: "Pro · Rewards CSV export", before: "yes", after: "no" },
    ]);
    expect(diffLimits([FREE, PRO], [FREE, PRO])).toEqual([]);
  });
});

describe("config values", () => {
  const VRS = {
    "weight.uptime": "30",
    "weight.slashing": "25",
    "weight.commission": "20",
    "weight.performance": "15",
    "weight.decentralization": "10",
    "window.recent_days": "30",
    "window.recent_weight": "0.7",
    "window.horizon_days": "90",
    "window.older_weight": "0.3",
    pending_days: "7",
    "confidence.high_days": "60",
    "confidence.medium_days": "30",
  };
  it("the stored VRS config is valid", () => {
    expect(validateVrsConfig(VRS)).toEqual({});
  });
  it("VRS: numbers, whole days, the windows' and thresholds' order, not all weights 0", () => {
    expect(validateVrsConfig({ ...VRS, "weight.uptime": "-1" })["weight.uptime"]).toMatch(/number/);
    expect(validateVrsConfig({ ...VRS, pending_days: "1.5" }).pending_days).toMatch(/Whole days/);
    expect(validateVrsConfig({ ...VRS, "window.recent_days": "90" })["window.recent_days"]).toMatch(/less than window.horizon_days/);
    expect(validateVrsConfig({ ...VRS, "confidence.medium_days": "61" })["confidence.medium_days"]).toMatch(/high_days/);
    const zero = Object.fromEntries(Object.entries(VRS).map(([k, v]) => [k, k.startsWith("weight.") ? "0" : v]));
    expect(Object.keys(validateVrsConfig(zero))).toHaveLength(5);
    expect(validateVrsConfig({ ...VRS, "window.recent_weight": "0", "window.older_weight": "0" })["window.recent_weight"]).toMatch(/both be 0/);
  });
  it("yield: non-negative numbers, fractions at most 1, spec divisors above 0, min ≤ max", () => {
    const ok = { "eth/slots_per_epoch": "32", "eth/slashing.fraction": "0.5", "all/slashing_factor_min": "0.1", "all/slashing_factor_max": "0.9" };
    expect(validateYieldConfig(ok)).toEqual({});
    // as the server writes small decimals
    expect(validateYieldConfig({ ...ok, "atom/downtime.fraction": "1E-7" })).toEqual({});
    expect(validateYieldConfig({ ...ok, "eth/slots_per_epoch": "0" })["eth/slots_per_epoch"]).toMatch(/more than 0/);
    expect(validateYieldConfig({ ...ok, "eth/slashing.fraction": "1.2" })["eth/slashing.fraction"]).toMatch(/at most 1/);
    expect(validateYieldConfig({ ...ok, "all/slashing_factor_min": "1" })["all/slashing_factor_min"]).toMatch(/exceed/);
    expect(validateYieldConfig({ ...ok, "sol/inflation": "abc" })["sol/inflation"]).toMatch(/number/);
  });
  it("the diff ignores equal numbers written differently", () => {
    expect(diffValues(VRS, { ...VRS, "window.recent_weight": "0.70" })).toEqual([]);
    expect(diffValues(VRS, { ...VRS, "weight.uptime": "35", "weight.slashing": "20" })).toEqual([
      { key: "weight.slashing", label: "weight.slashing", before: "25", after: "20" },
      { key: "weight.uptime", label: "weight.uptime", before: "30", after: "35" },
    ]);
  });
  it("groups names by prefix", () => {
    expect(groupKeys("vrs", ["weight.b", "pending_days", "weight.a"])).toEqual([
      { group: "general", keys: ["pending_days"] },
      { group: "weight", keys: ["weight.a", "weight.b"] },
    ]);
    expect(groupKeys("yield", ["eth/x", "all/y"]).map((g) => g.group)).toEqual(["all", "eth"]);
  });
});

describe("ids and audit values", () => {
  it("a user id shortened to 8 hex digits", () => {
    expect(shortId("1a2b3c4d-5e6f-4000-8000-000000000001")).toBe("1a2b3c4d");
  });
  it("an audit entry's changed fields before → after (the unchanged left out)", () => {
    expect(auditChanges({ tier: "free", expiresAt: null, alerts: 5 }, { tier: "pro", expiresAt: null, alerts: 5 })).toEqual([
      { key: "tier", label: "tier", before: "free", after: "pro" },
    ]);
    expect(auditChanges({ alerts: 5 }, { alerts: 5 })).toEqual([{ key: "alerts", label: "alerts", before: "5", after: "5" }]);
    expect(auditChanges(null, { role: "admin" })).toEqual([{ key: "role", label: "role", before: "—", after: "admin" }]);
  });
});
