// Small pieces the admin sections share: the error note, the diff table, the reason
// field, "load more", and the not-allowed state.
import { useId, type Ref } from "react";
import { Link } from "react-router";
import { ApiError } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { REASON_MAX, type DiffRow } from "./logic";

/** An API failure as people read it: the server's message, and its code for support. */
export function ErrorNote({ error, action }: { error: unknown; action?: React.ReactNode }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : "The request failed.";
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div role="alert" className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-negative/60 bg-surface px-3 py-2 text-sm">
      <span className="text-negative">{message}</span>
      {code && <span className="font-mono text-xs text-muted">{code}</span>}
      {action}
    </div>
  );
}

export function SectionHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <h2 className="text-xl font-semibold">{title}</h2>
      {children && <p className="text-sm text-secondary">{children}</p>}
    </div>
  );
}

/** The change an admin is about to save: old → new, one row per value. */
export function DiffTable({ rows, caption }: { rows: DiffRow[]; caption: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-subtle">
      <table className="w-full text-sm" aria-label={caption}>
        <thead className="bg-raised text-left text-xs text-secondary">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Value
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Now
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              <span aria-hidden="true">→ </span>New
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid="diff-row" className="border-t border-subtle">
              <th scope="row" className="px-3 py-2 text-left font-normal break-all">
                {row.label}
              </th>
              <td className="num px-3 py-2 text-secondary line-through decoration-1">{row.before}</td>
              <td className="num px-3 py-2 font-semibold text-primary">{row.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReasonField({
  value,
  onChange,
  error,
  label = "Reason (for the audit log)",
  inputRef,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string | null;
  label?: string;
  /** To move the focus here when the reason is missing. */
  inputRef?: Ref<HTMLTextAreaElement>;
}) {
  const id = useId();
  const errorId = useId();
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={id} className="font-medium text-primary">
        {label} <span className="text-secondary">(required)</span>
      </label>
      <textarea
        ref={inputRef}
        id={id}
        value={value}
        aria-required="true"
        rows={2}
        maxLength={REASON_MAX + 50}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
        className="min-h-11 rounded-lg border border-subtle bg-base px-3 py-2 text-primary"
      />
      {error && (
        <p id={errorId} className="text-negative">
          {error}
        </p>
      )}
    </div>
  );
}

export function LoadMore({ hasMore, loading, onMore, label }: { hasMore: boolean; loading: boolean; onMore: () => void; label: string }) {
  if (!hasMore) return null;
  return (
    <div className="flex justify-center">
      <button
        type="button"
        onClick={onMore}
        disabled={loading}
        aria-label={label}
        className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised disabled:opacity-50"
      >
        {loading ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}

export const buttonPrimary =
  "min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:cursor-not-allowed disabled:opacity-50";
export const buttonSecondary = "min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised disabled:opacity-50";
export const inputClass = "min-h-11 rounded-lg border border-subtle bg-base px-3 text-primary";

/** For someone who is not an admin: a plain refusal and the way back. */
export function NotAllowed() {
  return (
    <div className="p-4 md:p-6">
      <EmptyState
        title="Not allowed"
        action={
          <Link to="/dashboard" className="font-medium text-brand underline underline-offset-2 hover:no-underline">
            Back to the dashboard
          </Link>
        }
      >
        The admin console is for StakeTrack admins only. If you should have access, ask an admin to grant you the admin role.
      </EmptyState>
    </div>
  );
}
