// GET /api/subscription: my plan, its limits with usage, the free vs pro comparison and the
// upgrade contact. Read again after every change that counts against a limit.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export const SUBSCRIPTION_KEY = ["subscription"] as const;
export type Subscription = Schemas["api__schemas__subscription__SubscriptionOut"];
export type Feature = Schemas["Feature"];

export function useSubscription() {
  return useQuery({ queryKey: SUBSCRIPTION_KEY, queryFn: async () => (await unwrap(api.GET("/api/subscription"))).data });
}

/** What each limited feature is called, and how its numbers read. */
export const FEATURES: Record<Feature, { label: string; unit: (n: number) => string; yesNo?: boolean }> = {
  chains: { label: "Chains", unit: (n) => `${n} ${n === 1 ? "chain" : "chains"}` },
  watched_validators: { label: "Watched validators", unit: (n) => `${n} ${n === 1 ? "validator" : "validators"}` },
  alerts: { label: "Alerts", unit: (n) => `${n} ${n === 1 ? "alert" : "alerts"}` },
  vrs_factors: { label: "VRS factors", unit: (n) => `${n} ${n === 1 ? "factor" : "factors"}` },
  history_days: { label: "VRS history", unit: (n) => `${n} ${n === 1 ? "day" : "days"}` },
  reward_days: { label: "Rewards history", unit: (n) => `${n} ${n === 1 ? "day" : "days"}` },
  rewards_export: { label: "Rewards CSV export", unit: (n) => (n ? "Yes" : "No"), yesNo: true },
};

/** A limit in words: null is unlimited; yes/no features read "Yes"/"No". */
export function limitText(feature: Feature, value: number | null): string {
  const f = FEATURES[feature];
  if (value === null) return f.yesNo ? "Yes" : "Unlimited";
  return f.unit(value);
}
