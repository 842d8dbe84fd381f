// What my alerts reported, newest first (kept 90 days, also after an alert is deleted).
import { Skeleton } from "../../../components/Skeleton";
import { CHAIN_SYMBOL, formatDateTime, shortAddress } from "../../../lib/format";
import { errorText, useAlertHistory } from "./queries";
import { TYPE_LABEL } from "./rules";

export function AlertHistory() {
  const history = useAlertHistory();
  const entries = history.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="alert-history" className="flex flex-col gap-3">
      <h3 id="alert-history" className="text-lg font-semibold">
        History
      </h3>
      {history.isPending && <Skeleton className="h-20" />}
      {history.isError && (
        <p role="alert" className="text-sm text-negative">
          The history could not be loaded: {errorText(history.error)}
        </p>
      )}
      {history.isSuccess && entries.length === 0 && (
        <p className="text-sm text-secondary">Nothing reported yet. Your alerts' notices (kept for 90 days) show up here.</p>
      )}
      {entries.length > 0 && (
        <ol className="flex flex-col divide-y divide-[var(--st-border-subtle)] rounded-xl border border-subtle bg-surface">
          {entries.map((entry) => (
            <li key={entry.id} className="flex flex-col gap-1 p-3 text-sm">
              <div className="flex flex-wrap items-baseline gap-x-2">
                <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${entry.kind === "fired" ? "bg-raised text-warning" : "bg-raised text-positive"}`}>
                  {entry.kind === "fired" ? "Fired" : "Cleared"}
                </span>
                <span className="font-medium">{TYPE_LABEL[entry.type]}</span>
                <span className="text-secondary">
                  {CHAIN_SYMBOL[entry.chain]} · {entry.validatorName ?? shortAddress(entry.validatorId.split(":").slice(1).join(":") || entry.validatorId)}
                </span>
                <time dateTime={entry.firedAt} className="text-xs text-muted md:ml-auto">
                  {formatDateTime(entry.firedAt)}
                </time>
              </div>
              <p className="text-secondary">{entry.message}</p>
              {entry.alertId === null && <p className="text-xs text-muted">The alert was deleted since.</p>}
            </li>
          ))}
        </ol>
      )}
      {history.hasNextPage && (
        <button
          type="button"
          onClick={() => void history.fetchNextPage()}
          disabled={history.isFetchingNextPage}
          className="min-h-11 self-start rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised"
        >
          {history.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
