// Settings → API keys: create one (the key is shown once, with a copy button), list them
// with created / last used, revoke one (refused from the next request on). Keys are
// read-only: `Authorization: Bearer <key>` on GET requests.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../../../api/client";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { CopyButton } from "../../../components/CopyButton";
import { Skeleton } from "../../../components/Skeleton";
import { tierLimitOf, UpgradeHint } from "../../../components/UpgradeHint";
import { formatDateTime } from "../../../lib/format";
import { API_KEYS_KEY, messageOf, useApiKeys, type ApiKey, type NewApiKey } from "../queries";

const NAME_MAX = 100;

/** A problem with the typed key name, or null. */
export function keyNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Give the key a name, like the app or script that uses it.";
  if (trimmed.length > NAME_MAX) return `Use at most ${NAME_MAX} characters (now ${trimmed.length}).`;
  return null;
}

function NewKeyPanel({ created, onDone }: { created: NewApiKey; onDone: () => void }) {
  return (
    <div role="status" aria-labelledby="new-key-title" className="space-y-3 rounded-xl border border-warning bg-surface p-4" data-testid="new-key">
      <h3 id="new-key-title" className="font-semibold">
        Your new key “{created.name}”
      </h3>
      <p className="text-sm">
        <strong>Copy it now: you won’t see it again.</strong> We store only a fingerprint of it. If you lose it, revoke it and create a new one.
      </p>
      <div className="flex items-center gap-2 rounded-lg border border-subtle bg-base p-2">
        <code className="min-w-0 flex-1 break-all font-mono text-sm" data-testid="new-key-value">
          {created.key}
        </code>
        <CopyButton value={created.key} label="Copy API key" />
      </div>
      <button type="button" onClick={onDone} className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised">
        I have stored it
      </button>
    </div>
  );
}

export function ApiKeysSettings() {
  const keys = useApiKeys();
  const client = useQueryClient();
  const nameId = useId();
  const errorId = useId();
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: async (keyName: string) => (await unwrap(api.POST("/api/me/api-keys", { body: { name: keyName } }))).data,
    onSuccess: async (key) => {
      setCreated(key);
      setName("");
      await client.invalidateQueries({ queryKey: API_KEYS_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => unwrap(api.DELETE("/api/me/api-keys/{key_id}", { params: { path: { key_id: key.id } } })),
    onSuccess: async (_, key) => {
      setRevoking(null);
      setNotice(`Key “${key.name}” revoked. Requests with it are refused from now on.`);
      if (created?.id === key.id) setCreated(null);
      client.setQueryData<ApiKey[]>(API_KEYS_KEY, (old) => old?.filter((k) => k.id !== key.id));
      await client.invalidateQueries({ queryKey: API_KEYS_KEY });
    },
  });

  const limit = tierLimitOf(create.error);
  const shownError = problem ?? (create.isError && !limit ? messageOf(create.error) : null);
  const list = keys.data ?? [];

  return (
    <section aria-labelledby="api-keys-title" className="space-y-6">
      <div className="space-y-1">
        <h2 id="api-keys-title" className="text-xl font-semibold">
          API keys
        </h2>
        <p className="text-sm text-secondary">
          Read your portfolio, yields and scores from scripts. Keys are read-only: send{" "}
          <code className="break-all font-mono text-primary">Authorization: Bearer &lt;key&gt;</code> with GET requests.
        </p>
      </div>

      <p role="status" aria-live="polite" className={notice ? "rounded-lg border border-subtle bg-raised px-3 py-2 text-sm" : "sr-only"}>
        {notice ?? ""}
      </p>

      {created && <NewKeyPanel created={created} onDone={() => setCreated(null)} />}

      <form
        noValidate
        className="space-y-3 rounded-xl border border-subtle bg-surface p-4"
        onSubmit={(event) => {
          event.preventDefault();
          const found = keyNameProblem(name);
          setProblem(found);
          setNotice(null);
          if (!found) create.mutate(name.trim());
        }}
      >
        <label htmlFor={nameId} className="block font-medium">
          New key name
        </label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            id={nameId}
            value={name}
            maxLength={NAME_MAX + 20}
            autoComplete="off"
            onChange={(event) => {
              setName(event.target.value);
              setProblem(null);
            }}
            aria-invalid={shownError ? true : undefined}
            aria-describedby={shownError ? errorId : undefined}
            placeholder="e.g. Tax export script"
            className="min-h-11 min-w-0 flex-1 rounded-lg border border-subtle bg-base px-3"
          />
          <button type="submit" disabled={create.isPending} className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:opacity-50">
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </div>
        {shownError && (
          <p id={errorId} role="alert" className="text-sm text-negative">
            {shownError}
          </p>
        )}
        {limit && <UpgradeHint>{create.error?.message}</UpgradeHint>}
      </form>

      {keys.isPending ? (
        <Skeleton className="h-24 w-full" />
      ) : keys.isError ? (
        <p role="alert" className="text-sm text-negative">
          Could not load your API keys: {messageOf(keys.error)}
        </p>
      ) : list.length === 0 ? (
        <p className="text-sm text-secondary">No API keys yet.</p>
      ) : (
        <ul aria-label="Your API keys" className="divide-y divide-[var(--color-subtle)] rounded-xl border border-subtle bg-surface">
          {list.map((key) => (
            <li key={key.id} data-testid="api-key-row" className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0 space-y-1">
                <p className="break-words font-medium">{key.name}</p>
                <p className="text-xs text-muted">
                  <span className="font-mono">{key.prefix}…</span> · Created {formatDateTime(key.createdAt)} · {key.lastUsedAt ? `Last used ${formatDateTime(key.lastUsedAt)}` : "Never used"}
                </p>
              </div>
              <button
                type="button"
                onClick={() => {
                  revoke.reset();
                  setNotice(null);
                  setRevoking(key);
                }}
                aria-label={`Revoke API key ${key.name}`}
                className="min-h-11 shrink-0 self-start rounded-lg border border-subtle px-3 text-sm font-medium text-negative hover:bg-raised sm:self-auto"
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}

      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? `Revoke the key “${revoking.name}”?` : "Revoke key?"}
        confirmLabel="Revoke key"
        destructive
        busy={revoke.isPending}
        error={revoke.isError ? messageOf(revoke.error) : null}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      >
        <p>Every script or app using this key stops working at once. This cannot be undone; you can create a new key any time.</p>
      </ConfirmDialog>
    </section>
  );
}
