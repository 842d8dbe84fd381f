// The versioned configs: the VRS weights and windows, the real-yield parameters. Each
// editor shows the version in force, checks the values as the server does, shows the
// change old → new before saving, and sends the version it is based on (409 when stale).
import { useEffect, useId, useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { Skeleton } from "../../components/Skeleton";
import { formatDateTime } from "../../lib/format";
import { isForbidden, usePutConfig, useConfig } from "./api";
import { diffValues, groupKeys, shortId, validateConfig, validateReason, type ConfigKind, type ConfigValues } from "./logic";
import { buttonPrimary, buttonSecondary, DiffTable, ErrorNote, NotAllowed, ReasonField, SectionHeader } from "./ui";

const TITLE: Record<ConfigKind, string> = { vrs: "VRS config", yield: "Yield config" };
const ABOUT: Record<ConfigKind, string> = {
  vrs: "Factor weights, the time windows and the confidence thresholds of the Validator Risk Score. Read by the next score computation.",
  yield: "The real-yield parameters per chain (chain/name). Read by the next yield computation.",
};

/** A config name that may wrap after its separators (".", "_", "/"), not inside words. */
function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[._/])/);
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </span>
      ))}
    </>
  );
}

function ValueInput({ name, value, error, onChange }: { name: string; value: string; error?: string; onChange: (v: string) => void }) {
  const id = useId();
  const errorId = useId();
  return (
    <div className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-3">
      <label htmlFor={id} className="font-mono text-xs break-words text-secondary sm:w-1/2 sm:pt-3">
        <Breakable text={name} />
      </label>
      <div className="flex flex-col gap-1 sm:w-1/2">
        <input
          id={id}
          inputMode="decimal"
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => onChange(event.target.value)}
          className={`num min-h-11 w-full rounded-lg border bg-base px-3 text-primary ${error ? "border-negative" : "border-subtle"}`}
        />
        {error && (
          <p id={errorId} className="text-xs text-negative">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

export function ConfigEditor({ kind }: { kind: ConfigKind }) {
  const config = useConfig(kind);
  const save = usePutConfig(kind);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [values, setValues] = useState<ConfigValues | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const headingId = useId();

  useEffect(() => {
    if (config.data) setValues({ ...config.data.values });
  }, [config.data]);

  if (isForbidden(config.error)) return <NotAllowed />;
  const current = config.data;
  const errors = values ? validateConfig(kind, values) : {};
  const errorCount = Object.keys(errors).length;
  const diff = values && current && errorCount === 0 ? diffValues(current.values, values) : [];
  const stale = save.error instanceof ApiError && save.error.code === "STALE_VERSION";

  const submit = () => {
    const problem = validateReason(reason);
    setReasonError(problem);
    if (problem) reasonRef.current?.focus();
    if (problem || !current || !values || errorCount > 0 || diff.length === 0) return;
    save.mutate(
      { version: current.version, values, reason },
      {
        onSuccess: (stored) => {
          setReason("");
          setSavedVersion(stored.version);
        },
      },
    );
  };

  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col gap-3 rounded-xl border border-subtle bg-surface p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="text-lg font-semibold">
          {TITLE[kind]}
        </h3>
        {current && (
          <span data-testid={`${kind}-version`} className="rounded-full border border-subtle px-2 py-0.5 text-xs font-semibold">
            Version {current.version}
          </span>
        )}
      </div>
      <p className="text-sm text-secondary">{ABOUT[kind]}</p>
      {current && (
        <p className="text-xs text-secondary">
          {current.changedAt
            ? `Changed ${formatDateTime(current.changedAt)}${current.changedBy ? ` by admin ${shortId(current.changedBy)}` : ""}${current.reason ? ` — “${current.reason}”` : ""}`
            : "The values as first installed; never changed."}
        </p>
      )}
      <ErrorNote error={config.error} />
      {!values || !current ? (
        config.isPending && <Skeleton className="h-64" />
      ) : (
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          {groupKeys(kind, Object.keys(values)).map(({ group, keys }) => (
            <fieldset key={group} className="flex flex-col gap-2">
              <legend className="mb-1 text-sm font-semibold uppercase tracking-wide text-secondary">{group}</legend>
              {keys.map((key) => (
                <ValueInput
                  key={key}
                  name={key}
                  value={values[key] ?? ""}
                  error={errors[key]}
                  onChange={(v) => {
                    setSavedVersion(null);
                    setValues({ ...values, [key]: v });
                  }}
                />
              ))}
            </fieldset>
          ))}
          {errorCount > 0 ? (
            <p role="status" className="text-sm text-negative">
              Fix {errorCount === 1 ? "the value" : `the ${errorCount} values`} marked above to see the change.
            </p>
          ) : diff.length === 0 ? (
            <p role="status" className="text-sm text-secondary">
              {savedVersion !== null ? `Saved as version ${savedVersion}.` : "No changes. Edit a value to see the change before saving it."}
            </p>
          ) : (
            <div className="flex flex-col gap-3 rounded-xl border border-brand/60 p-3">
              <h4 className="font-semibold">
                Your change: version {current.version} → {current.version + 1}
              </h4>
              <DiffTable rows={diff} caption={`${TITLE[kind]} changes`} />
              <ReasonField value={reason} onChange={setReason} error={reasonError} inputRef={reasonRef} />
              <ErrorNote
                error={save.error}
                action={
                  stale ? (
                    <button
                      type="button"
                      className="text-brand underline"
                      onClick={() => {
                        save.reset();
                        void config.refetch();
                      }}
                    >
                      Load the new version (your edits are replaced)
                    </button>
                  ) : undefined
                }
              />
              <div className="flex flex-wrap gap-2">
                <button type="submit" disabled={save.isPending} className={buttonPrimary}>
                  {save.isPending ? "Saving…" : `Save ${TITLE[kind]}`}
                </button>
                <button
                  type="button"
                  className={buttonSecondary}
                  onClick={() => {
                    setValues({ ...current.values });
                    setReasonError(null);
                    save.reset();
                  }}
                >
                  Discard
                </button>
              </div>
            </div>
          )}
        </form>
      )}
    </section>
  );
}

export function ConfigSection() {
  return (
    <section className="flex flex-col gap-4" aria-label="Configuration">
      <SectionHeader title="VRS & yield config">Each save is a new version; the audit log keeps what changed.</SectionHeader>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2 xl:items-start">
        <ConfigEditor kind="vrs" />
        <ConfigEditor kind="yield" />
      </div>
    </section>
  );
}
