// The API's last errors, per route template and code: how often, first and last seen, and
// the last correlation id to look up in the logs (no personal data is kept with them).
import { Skeleton } from "../../components/Skeleton";
import { formatDateTime, relativeTime } from "../../lib/format";
import { isForbidden, useLastErrors, type ApiErrorRow } from "./api";
import { buttonSecondary, ErrorNote, NotAllowed, SectionHeader } from "./ui";

function statusTone(status: number): string {
  return status >= 500 ? "text-negative" : "text-warning";
}

function Row({ e }: { e: ApiErrorRow }) {
  return (
    <tr data-testid="error-row" className="border-t border-subtle align-top">
      <td className="px-3 py-2">
        <span className="font-mono text-xs text-secondary">{e.method}</span> <span className="font-mono break-all">{e.route}</span>
      </td>
      <td className={`num px-3 py-2 font-semibold ${statusTone(e.status)}`}>{e.status}</td>
      <td className="px-3 py-2 font-mono text-xs break-all">{e.code}</td>
      <td className="num px-3 py-2 text-right">{e.count}</td>
      <td className="px-3 py-2 whitespace-nowrap text-secondary" title={formatDateTime(e.lastSeenAt)}>
        {relativeTime(e.lastSeenAt)}
        <span className="block text-xs">since {formatDateTime(e.firstSeenAt)}</span>
      </td>
      <td className="px-3 py-2 font-mono text-xs break-all text-secondary">{e.lastRequestId ?? "—"}</td>
    </tr>
  );
}

function Card({ e }: { e: ApiErrorRow }) {
  return (
    <li data-testid="error-card" className="flex flex-col gap-1 rounded-xl border border-subtle bg-surface p-3 text-sm">
      <div className="flex items-baseline justify-between gap-2">
        <span className="min-w-0 font-mono break-all">
          <span className="text-xs text-secondary">{e.method}</span> {e.route}
        </span>
        <span className={`num font-semibold ${statusTone(e.status)}`}>{e.status}</span>
      </div>
      <div className="flex flex-wrap justify-between gap-2 text-xs text-secondary">
        <span className="font-mono">{e.code}</span>
        <span>
          {e.count}× · last {relativeTime(e.lastSeenAt)}
        </span>
      </div>
      {e.lastRequestId && <div className="font-mono text-xs break-all text-secondary">request {e.lastRequestId}</div>}
    </li>
  );
}

export function ErrorsSection() {
  const errors = useLastErrors();
  if (isForbidden(errors.error)) return <NotAllowed />;
  const rows = errors.data ?? [];
  return (
    <section className="flex flex-col gap-4" aria-label="Last errors">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <SectionHeader title="Last errors">Error answers of the API by route and code, the most recent first.</SectionHeader>
        <button type="button" onClick={() => void errors.refetch()} disabled={errors.isFetching} className={buttonSecondary}>
          {errors.isFetching ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <ErrorNote error={errors.error} />
      {errors.isPending ? (
        <Skeleton className="h-48" />
      ) : rows.length === 0 && !errors.error ? (
        <p className="rounded-lg border border-dashed border-subtle bg-surface px-4 py-6 text-center text-sm text-secondary">No errors recorded.</p>
      ) : (
        <>
          <div className="hidden overflow-x-auto rounded-xl border border-subtle bg-surface md:block">
            <table className="w-full text-sm" aria-label="Last errors">
              <thead className="text-left text-xs text-secondary">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Route</th>
                  <th scope="col" className="px-3 py-2 font-medium">Status</th>
                  <th scope="col" className="px-3 py-2 font-medium">Code</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Count</th>
                  <th scope="col" className="px-3 py-2 font-medium">Last seen</th>
                  <th scope="col" className="px-3 py-2 font-medium">Last request id</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <Row key={`${e.method} ${e.route} ${e.status} ${e.code}`} e={e} />
                ))}
              </tbody>
            </table>
          </div>
          <ul className="flex flex-col gap-2 md:hidden" aria-label="Last errors">
            {rows.map((e) => (
              <Card key={`${e.method} ${e.route} ${e.status} ${e.code}`} e={e} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
