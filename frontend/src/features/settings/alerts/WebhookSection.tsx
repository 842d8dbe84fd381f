// The alert webhook: set its URL (the answer carries the signing secret — shown here once),
// send the test ping that verifies it, remove it. Alerts reach only a verified webhook.
import { useId, useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { CopyButton } from "../../../components/CopyButton";
import { Skeleton } from "../../../components/Skeleton";
import { formatDateTime } from "../../../lib/format";
import { errorText, usePingWebhook, useRemoveWebhook, useSetWebhook, useWebhook, type NewWebhook } from "./queries";

/** The URL's problem in words, or null (the server checks the addresses it resolves to). */
export function webhookUrlError(raw: string): string | null {
  const text = raw.trim();
  if (!text) return "Enter the URL that should receive the alerts.";
  if (text.length > 2048) return "The URL is too long (at most 2048 characters).";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Enter a full URL, e.g. https://hooks.example.com/staketrack.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The URL must start with https://.";
  if (url.username || url.password) return "The URL may not contain a user name or password.";
  return null;
}

export function WebhookSection() {
  const id = useId();
  const hook = useWebhook();
  const setHook = useSetWebhook();
  const ping = usePingWebhook();
  const remove = useRemoveWebhook();
  const [url, setUrl] = useState("");
  const [editing, setEditing] = useState(false);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [secret, setSecret] = useState<NewWebhook | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const current = hook.data ?? null;
  const showForm = hook.isSuccess && (current === null || editing);

  const submit = () => {
    const problem = webhookUrlError(url);
    setUrlError(problem);
    if (problem) return;
    ping.reset();
    setHook.mutate(url.trim(), {
      onSuccess: (created) => {
        setSecret(created);
        setEditing(false);
        setUrl("");
      },
    });
  };

  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-3">
      <h3 id={`${id}-title`} className="text-lg font-semibold">
        Webhook
      </h3>
      <p className="text-sm text-secondary">
        Alerts can also go to your own endpoint as signed JSON (HMAC-SHA256). A new URL receives alerts after it answered the test ping with a 2xx status.
      </p>
      {hook.isPending && <Skeleton className="h-16" />}
      {hook.isError && (
        <p role="alert" className="text-sm text-negative">
          The webhook could not be loaded: {errorText(hook.error)}
        </p>
      )}

      {secret && (
        <div role="status" className="flex flex-col gap-2 rounded-xl border border-brand bg-surface p-4">
          <p className="text-sm font-medium">Signing secret — copy it now, it is shown only this once.</p>
          <div className="flex items-center gap-2 rounded-lg border border-subtle bg-base pl-3">
            <code className="min-w-0 flex-1 break-all py-2 font-mono text-sm" data-testid="webhook-secret">
              {secret.secret}
            </code>
            <CopyButton value={secret.secret} label="Copy the webhook signing secret" />
          </div>
          <button type="button" onClick={() => setSecret(null)} className="min-h-11 self-start rounded-lg border border-subtle px-3 text-sm font-medium hover:bg-raised">
            I have stored it
          </button>
        </div>
      )}

      {current && !editing && (
        <div className="flex flex-col gap-3 rounded-xl border border-subtle bg-surface p-4">
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 break-all font-mono text-sm">{current.url}</code>
            <span className={`rounded-full border px-2 py-0.5 text-xs font-semibold ${current.verified ? "border-positive text-positive" : "border-subtle text-warning"}`}>
              {current.verified ? "Verified" : "Not verified yet"}
            </span>
          </div>
          {current.verifiedAt && <p className="text-xs text-muted">Test ping answered {formatDateTime(current.verifiedAt)}</p>}
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              onClick={() => ping.mutate()}
              disabled={ping.isPending}
              className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:opacity-50"
            >
              {ping.isPending ? "Sending…" : "Send test ping"}
            </button>
            <button
              type="button"
              onClick={() => {
                setEditing(true);
                setUrl(current.url);
              }}
              className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised"
            >
              Change URL
            </button>
            <button type="button" onClick={() => setConfirmRemove(true)} className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium text-negative hover:bg-raised">
              Remove
            </button>
          </div>
          <div aria-live="polite" className="text-sm">
            {ping.isSuccess && <p className="text-positive">The test ping was answered: alerts are delivered to this webhook.</p>}
            {ping.isError && <p className="text-negative">{errorText(ping.error)}</p>}
          </div>
        </div>
      )}

      {showForm && (
        <form
          noValidate
          className="flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <label htmlFor={`${id}-url`} className="text-sm font-medium">
            Webhook URL
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              id={`${id}-url`}
              type="url"
              inputMode="url"
              autoComplete="off"
              placeholder="https://hooks.example.com/staketrack"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={urlError ? true : undefined}
              aria-describedby={urlError ? `${id}-url-err` : undefined}
              className="min-h-11 min-w-0 flex-1 rounded-lg border border-subtle bg-base px-3 text-sm aria-[invalid=true]:border-negative"
            />
            <button type="submit" disabled={setHook.isPending} className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:opacity-50">
              {setHook.isPending ? "Saving…" : "Save webhook"}
            </button>
            {editing && (
              <button type="button" onClick={() => setEditing(false)} className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised">
                Cancel
              </button>
            )}
          </div>
          {urlError && (
            <p id={`${id}-url-err`} className="text-sm text-negative">
              {urlError}
            </p>
          )}
          {setHook.isError && (
            <p role="alert" className="text-sm text-negative">
              {errorText(setHook.error)}
            </p>
          )}
          {editing && <p className="text-xs text-secondary">A new URL gets a new signing secret and needs a new test ping.</p>}
        </form>
      )}

      <ConfirmDialog
        open={confirmRemove}
        title="Remove the webhook?"
        confirmLabel="Remove webhook"
        destructive
        busy={remove.isPending}
        error={remove.isError ? errorText(remove.error) : null}
        onCancel={() => setConfirmRemove(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              setConfirmRemove(false);
              setSecret(null);
            },
          })
        }
      >
        <p>Alerts with the webhook channel stop reaching {current?.url ?? "it"}. Their email channel keeps working.</p>
      </ConfirmDialog>
    </section>
  );
}
