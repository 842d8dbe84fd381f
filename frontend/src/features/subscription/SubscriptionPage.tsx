// Settings → Subscription (story 6.3): my plan (and until when), my limits with what I use
// of them, the free vs pro table and how to get Pro (by email: nothing is sold in the app).
import { Skeleton } from "../../components/Skeleton";
import { formatDateTime } from "../../lib/format";
import { errorText } from "../settings/alerts/queries";
import { FEATURES, limitText, useSubscription, type Subscription } from "./queries";

type Usage = Subscription["limits"][number];

/** How full a limit is, 0–100 (unlimited: 0; over the limit: 100). */
export function usagePercent(usage: Pick<Usage, "current" | "limit">): number {
  if (usage.limit === null) return 0;
  if (usage.limit <= 0) return usage.current > 0 ? 100 : 0;
  return Math.min(100, Math.round((usage.current / usage.limit) * 100));
}

function UsageBar({ usage }: { usage: Usage }) {
  const f = FEATURES[usage.feature];
  const pct = usagePercent(usage);
  const full = usage.limit !== null && usage.current >= usage.limit;
  const text = usage.limit === null ? `${usage.current} used, unlimited` : `${usage.current} of ${usage.limit} used`;
  return (
    <li className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{f.label}</span>
        <span className="num text-secondary">
          {usage.limit === null ? `${usage.current} · unlimited` : `${usage.current}/${usage.limit}`}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${f.label}: ${text}`}
        aria-valuemin={0}
        aria-valuemax={usage.limit ?? Math.max(usage.current, 1)}
        aria-valuenow={usage.current}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-raised"
      >
        <div className={`h-full rounded-full ${usage.overLimit ? "bg-negative" : full ? "bg-warning" : "bg-brand"}`} style={{ width: `${usage.limit === null ? 100 : pct}%`, opacity: usage.limit === null ? 0.35 : 1 }} />
      </div>
      {usage.overLimit && <p className="text-xs text-negative">More than the limit is in use: the rest is kept, read-only.</p>}
    </li>
  );
}

function price(sub: Subscription): string {
  const amount = Number(sub.price.amount);
  const symbol = sub.price.currency.toUpperCase() === "USD" ? "$" : `${sub.price.currency.toUpperCase()} `;
  const shown = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  return `${symbol}${shown}/${sub.price.period === "month" ? "month" : sub.price.period}`;
}

export function SubscriptionPage() {
  const sub = useSubscription();

  if (sub.isPending)
    return (
      <div className="flex flex-col gap-4" role="status" aria-live="polite">
        <span className="sr-only">Loading…</span>
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-40" />
        <Skeleton className="h-64" />
      </div>
    );
  if (sub.isError)
    return (
      <div className="flex flex-col gap-2">
        <h2 className="text-xl font-semibold">Subscription</h2>
        <p role="alert" className="text-sm text-negative">
          Your plan could not be loaded: {errorText(sub.error)}
        </p>
      </div>
    );

  const data = sub.data;
  const pro = data.tier === "pro";
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="plan-title" className="flex flex-col gap-4">
        <h2 id="plan-title" className="text-xl font-semibold">
          Subscription
        </h2>
        <div className="flex flex-col gap-3 rounded-xl border border-subtle bg-surface p-4 md:p-5">
          <div className="flex flex-wrap items-center gap-2">
            <p className="text-lg">
              Current plan: <strong className="font-semibold">{pro ? "Pro" : "Free"}</strong>
            </p>
            {pro && <span className="rounded-full border border-brand px-2 py-0.5 text-xs font-semibold text-brand">Pro</span>}
          </div>
          <p className="text-sm text-secondary">
            {pro
              ? data.expiresAt
                ? `Pro since ${formatDateTime(data.since)}, until ${formatDateTime(data.expiresAt)}.`
                : `Pro since ${formatDateTime(data.since)}, with no end date.`
              : `Free since ${formatDateTime(data.since)}.`}
          </p>
          {pro && data.source === "admin" && <p className="text-sm text-secondary">Your Pro access is managed by an admin.</p>}
        </div>
      </section>

      <section aria-labelledby="usage-title" className="flex flex-col gap-3">
        <h3 id="usage-title" className="text-lg font-semibold">
          Your limits
        </h3>
        <ul className="grid gap-4 rounded-xl border border-subtle bg-surface p-4 md:grid-cols-2 md:p-5">
          {data.limits.map((usage) => (
            <UsageBar key={usage.feature} usage={usage} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="compare-title" className="flex flex-col gap-3">
        <h3 id="compare-title" className="text-lg font-semibold">
          Free and Pro compared
        </h3>
        <div className="overflow-x-auto rounded-xl border border-subtle bg-surface">
          <table className="w-full text-sm">
            <caption className="sr-only">What the Free and the Pro plan include</caption>
            <thead>
              <tr className="border-b border-subtle text-left text-secondary">
                <th scope="col" className="px-4 py-3 font-medium">
                  Feature
                </th>
                <th scope="col" className={`px-4 py-3 font-medium ${pro ? "" : "text-primary"}`}>
                  Free{pro ? "" : " (your plan)"}
                </th>
                <th scope="col" className={`px-4 py-3 font-medium ${pro ? "text-primary" : ""}`}>
                  Pro{pro ? " (your plan)" : ` · ${price(data)}`}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.comparison.map((row) => (
                <tr key={row.feature} className="border-b border-subtle last:border-0">
                  <th scope="row" className="px-4 py-3 text-left font-normal">
                    {FEATURES[row.feature].label}
                  </th>
                  <td className="num px-4 py-3 text-secondary">{limitText(row.feature, row.free)}</td>
                  <td className="num px-4 py-3 font-medium">{limitText(row.feature, row.pro)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {!pro && (
        <section aria-labelledby="upgrade-title" className="flex flex-col gap-2 rounded-xl border border-subtle bg-surface p-4 md:p-5">
          <h3 id="upgrade-title" className="text-lg font-semibold">
            Getting Pro
          </h3>
          <p className="text-sm text-secondary">
            Write to{" "}
            <a href={data.upgrade.mailto} className="font-medium text-brand underline underline-offset-2 hover:no-underline">
              {data.upgrade.email}
            </a>{" "}
            for Pro access — {price(data)}. An admin switches your account; the app shows Pro on your next page change.
          </p>
          <p className="text-xs text-muted">
            Subject: “{data.upgrade.subject}”.{data.price.displayOnly ? " Nothing is charged through the app." : ""}
          </p>
          <a
            href={data.upgrade.mailto}
            className="mt-1 inline-flex min-h-11 items-center self-start rounded-lg border border-brand px-4 text-sm font-medium text-brand hover:bg-raised"
          >
            Email for Pro access
          </a>
        </section>
      )}
    </div>
  );
}
