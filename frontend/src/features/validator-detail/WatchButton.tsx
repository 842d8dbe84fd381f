// Watch / stop watching a validator (a toggle button). Beyond the plan's number of watched
// validators the API says TIER_LIMIT: the limit is shown with the inline upgrade hint.
import { tierLimitOf, UpgradeHint } from "../../components/UpgradeHint";
import { isWatched, useWatchlist, useWatchToggle } from "./queries";

export function StarIcon({ filled = false, className = "h-4 w-4" }: { filled?: boolean; className?: string }) {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" className={className} fill={filled ? "currentColor" : "none"} stroke="currentColor" strokeWidth={1.8}>
      <path d="M12 4l2.5 5.2 5.7.8-4.1 4 1 5.6L12 17l-5.1 2.6 1-5.6-4.1-4 5.7-.8z" strokeLinejoin="round" />
    </svg>
  );
}

export function WatchButton({ validatorId, label }: { validatorId: string; label: string }) {
  const list = useWatchlist();
  const toggle = useWatchToggle(validatorId);
  const watched = isWatched(list.data?.data, validatorId);
  const limit = tierLimitOf(toggle.error);
  return (
    <div className="flex flex-col items-end gap-2">
      <button
        type="button"
        aria-pressed={watched}
        aria-label={`Watch ${label}`}
        disabled={list.isPending || toggle.isPending}
        onClick={() => toggle.mutate(!watched)}
        className={`inline-flex min-h-11 items-center gap-2 rounded-lg border px-3 text-sm font-medium disabled:opacity-60 ${
          watched ? "border-brand bg-brand text-on-brand hover:bg-brand-strong" : "border-subtle text-primary hover:bg-raised"
        }`}
      >
        <StarIcon filled={watched} />
        {toggle.isPending ? "Saving…" : watched ? "Watching" : "Watch"}
      </button>
      {limit ? (
        <UpgradeHint compact>
          You watch {limit.current ?? limit.limit} of {limit.limit} validators, the limit of your plan.
        </UpgradeHint>
      ) : toggle.isError ? (
        <p role="alert" className="text-sm text-negative">
          {toggle.error.message}
        </p>
      ) : null}
    </div>
  );
}
