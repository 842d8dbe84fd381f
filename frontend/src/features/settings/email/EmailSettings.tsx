// Settings → Email: add or change the account's email. The API mails a verification link
// (POST /api/me/email, 202 either way); opening it (/auth/verify) confirms the address.
// Until then the account keeps its current (verified) email.
import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiError, api, unwrap } from "../../../api/client";
import { useMe } from "../../../app/session";
import { Skeleton } from "../../../components/Skeleton";
import { messageOf } from "../queries";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A problem with the typed address, or null when it may be sent. */
export function emailProblem(value: string, current: string | null | undefined): string | null {
  const email = value.trim();
  if (!email) return "Enter an email address.";
  if (!EMAIL.test(email)) return "Enter a valid email address, like name@example.com.";
  if (current && email.toLowerCase() === current.toLowerCase()) return "This is already your email address.";
  return null;
}

export function EmailSettings() {
  const me = useMe();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const send = useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/me/email", { body: { email } })),
    onSuccess: (_, email) => {
      setSentTo(email);
      setValue("");
    },
  });

  if (me.isPending) return <Skeleton className="h-40 w-full" />;
  const current = me.data?.email ?? null;
  const verified = me.data?.emailVerified ?? false;
  const sendError =
    send.error instanceof ApiError && send.error.status === 429
      ? "Too many verification emails. Wait a while and try again."
      : send.isError
        ? messageOf(send.error)
        : null;
  const shownError = problem ?? sendError;

  return (
    <section aria-labelledby="email-title" className="space-y-6">
      <div className="space-y-1">
        <h2 id="email-title" className="text-xl font-semibold">
          Email
        </h2>
        <p className="text-sm text-secondary">Sign in with a link by email and receive alerts. We never share your address.</p>
      </div>

      <div className="rounded-xl border border-subtle bg-surface p-4">
        <h3 className="text-sm font-medium text-secondary">Current email</h3>
        {current ? (
          <p className="mt-1 flex flex-wrap items-center gap-2">
            <span className="break-all font-medium" data-testid="current-email">
              {current}
            </span>
            <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${verified ? "bg-raised text-positive" : "border border-warning text-warning"}`}>
              {verified ? "Verified" : "Not verified"}
            </span>
            {me.data?.primaryLogin === "email" && <span className="rounded-full bg-brand px-2 py-0.5 text-xs font-semibold text-on-brand">Primary sign-in</span>}
          </p>
        ) : (
          <p className="mt-1 text-sm text-secondary">No email yet. Add one to sign in without a wallet and to get alerts by email.</p>
        )}
      </div>

      <form
        noValidate
        className="space-y-3 rounded-xl border border-subtle bg-surface p-4"
        onSubmit={(event) => {
          event.preventDefault();
          const found = emailProblem(value, verified ? current : null);
          setProblem(found);
          setSentTo(null);
          if (!found) send.mutate(value.trim());
        }}
      >
        <label htmlFor={inputId} className="block font-medium">
          {current ? "Change email" : "Add email"}
        </label>
        <p id={hintId} className="text-sm text-secondary">
          We send a verification link to the new address. It becomes your email once you open the link{current && verified ? "; until then your current email stays" : ""}.
        </p>
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            id={inputId}
            type="email"
            inputMode="email"
            autoComplete="email"
            value={value}
            onChange={(event) => {
              setValue(event.target.value);
              setProblem(null);
            }}
            aria-invalid={shownError ? true : undefined}
            aria-describedby={shownError ? `${hintId} ${errorId}` : hintId}
            placeholder="name@example.com"
            className="min-h-11 min-w-0 flex-1 rounded-lg border border-subtle bg-base px-3"
          />
          <button type="submit" disabled={send.isPending} className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:opacity-50">
            {send.isPending ? "Sending…" : "Send verification link"}
          </button>
        </div>
        {shownError && (
          <p id={errorId} role="alert" className="text-sm text-negative">
            {shownError}
          </p>
        )}
        {sentTo && (
          <p role="status" className="rounded-lg border border-subtle bg-raised px-3 py-2 text-sm">
            We sent a link to <strong className="break-all">{sentTo}</strong>. Open it within 15 minutes to confirm the address. No email? Check the spam
            folder or send it again.
          </p>
        )}
      </form>
    </section>
  );
}
