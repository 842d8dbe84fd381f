// The inline upgrade hint (story 6.2): what the free plan allows, and where to upgrade.
// No modal, no countdown, no pressure: one sentence and a link to the subscription page.
import { Link } from "react-router";
import { ApiError } from "../api/client";

export const SUBSCRIPTION_PATH = "/settings/subscription";

export type TierLimitDetails = { feature?: string; limit?: number; current?: number; upgradeUrl?: string };

/** The `details` of a 403 TIER_LIMIT, or null for any other error. */
export function tierLimitOf(error: unknown): TierLimitDetails | null {
  if (error instanceof ApiError && error.status === 403 && error.code === "TIER_LIMIT") return error.details as TierLimitDetails;
  return null;
}

export function UpgradeHint({ children, compact = false }: { children: React.ReactNode; compact?: boolean }) {
  return (
    <p className={`flex flex-wrap items-baseline gap-x-2 rounded-lg border border-subtle bg-raised text-sm text-secondary ${compact ? "px-2 py-1" : "px-3 py-2"}`}>
      <span>{children}</span>
      <Link to={SUBSCRIPTION_PATH} className="font-medium text-brand underline underline-offset-2 hover:no-underline">
        See Pro
      </Link>
    </p>
  );
}
