// The audit log: every admin write (and the system's), newest first, paged — who did
// what to which target, when, why, and the fields before → after.
import { useId, useState } from "react";
import { Skeleton } from "../../components/Skeleton";
import { formatDateTime } from "../../lib/format";
import { useDebounced } from "../../calculator/useDebounced";
import { isForbidden, useAuditLog, type AuditEntry } from "./api";
import { auditChanges, shortId } from "./logic";
import { ErrorNote, inputClass, LoadMore, NotAllowed, SectionHeader } from "./ui";

export const AUDIT_ACTIONS = [
  "subscription.set",
  "role.grant",
  "role.revoke",
  "tier_limits.update",
  "vrs_config.update",
  "yield_config.update",
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user id shortened (it stays in the title); other ids as they are. */
function Ident({ value }: { value: string | null }) {
  if (!value) return <span className="text-muted">—</span>;
  return (
    <span className="num" title={value}>
      {UUID.test(value) ? shortId(value) : value}
    </span>
  );
}

function Entry({ entry }: { entry: AuditEntry }) {
  const changes = auditChanges(entry.before, entry.after);
  return (
    <li data-testid="audit-entry" className="flex flex-col gap-2 rounded-xl border border-subtle bg-surface p-3 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <span className="font-mono font-semibold">{entry.action}</span>
        <time dateTime={entry.at} className="text-xs text-secondary">
          {formatDateTime(entry.at)}
        </time>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-secondary">
        <dt>By</dt>
        <dd className="min-w-0 text-primary">
          {entry.actorType === "system" ? "System" : "Admin"} <Ident value={entry.actorId} />
        </dd>
        <dt>Target</dt>
        <dd className="min-w-0 text-primary">
          {entry.targetType} <Ident value={entry.targetId} />
        </dd>
        <dt>Reason</dt>
        <dd className="min-w-0 break-words text-primary">{entry.reason ?? <span className="text-muted">—</span>}</dd>
      </dl>
      {changes.length > 0 && (
        <ul className="flex flex-col gap-0.5 border-t border-subtle pt-2" aria-label="Changes">
          {changes.map((c) => (
            <li key={c.key} className="flex flex-wrap gap-x-2 break-all">
              <span className="text-secondary">{c.label}:</span>
              <span className="num text-secondary">{c.before}</span>
              <span aria-hidden="true">→</span>
              <span className="sr-only">to</span>
              <span className="num font-medium text-primary">{c.after}</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function AuditSection() {
  const [action, setAction] = useState("");
  const [targetText, setTargetText] = useState("");
  const target = useDebounced(targetText.trim(), 300);
  const log = useAuditLog({ action, target });
  const actionId = useId();
  const targetId = useId();

  if (isForbidden(log.error)) return <NotAllowed />;
  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section className="flex flex-col gap-4" aria-label="Audit log">
      <SectionHeader title="Audit log">Every admin change with who, what, when and why; newest first.</SectionHeader>
      <div className="flex flex-col gap-3 text-sm sm:flex-row sm:items-end">
        <div className="flex flex-col gap-1">
          <label htmlFor={actionId} className="font-medium">
            Action
          </label>
          <select id={actionId} value={action} onChange={(event) => setAction(event.target.value)} className={inputClass}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor={targetId} className="font-medium">
            Target id <span className="text-secondary">(exact: a user id, a tier, a config version)</span>
          </label>
          <input id={targetId} type="search" value={targetText} maxLength={80} onChange={(event) => setTargetText(event.target.value)} className={`${inputClass} sm:max-w-md`} />
        </div>
      </div>
      <ErrorNote error={log.error} />
      {log.isPending ? (
        <div role="status" aria-label="Loading the audit log" className="flex flex-col gap-2">
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
        </div>
      ) : entries.length === 0 && !log.error ? (
        <p className="rounded-lg border border-dashed border-subtle bg-surface px-4 py-6 text-center text-sm text-secondary">No entries{action || target ? " for this filter" : " yet"}.</p>
      ) : (
        <>
          <ol className="flex flex-col gap-2" aria-label="Audit entries">
            {entries.map((entry) => (
              <Entry key={entry.id} entry={entry} />
            ))}
          </ol>
          <LoadMore hasMore={log.hasNextPage} loading={log.isFetchingNextPage} onMore={() => void log.fetchNextPage()} label="Load more audit entries" />
        </>
      )}
    </section>
  );
}
