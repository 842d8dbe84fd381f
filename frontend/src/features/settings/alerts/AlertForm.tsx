// Create or change an alert (story 5.3). Creating chooses type, scope (all my validators,
// those on one chain, or one validator), threshold and channels; changing keeps type and
// scope (the API changes only threshold, channels and the resolved notice).
import { useId, useState } from "react";
import { Link } from "react-router";
import { CHAIN_NAME, type ChainId } from "../../../lib/format";
import { ALERT_TYPES, thresholdRule, validateForm, type AlertChannel, type AlertFormValues, type FormErrors, type Scope } from "./rules";
import { ValidatorPicker } from "./ValidatorPicker";

const CHAINS: ChainId[] = ["eth", "sol", "atom"];
const SCOPES: { value: Scope; label: string }[] = [
  { value: "all", label: "All my validators" },
  { value: "chain", label: "My validators on one chain" },
  { value: "validator", label: "One validator" },
];

const inputClass = "min-h-11 rounded-lg border border-subtle bg-base px-3 text-sm aria-[invalid=true]:border-negative";

export type AlertFormProps = {
  initial: AlertFormValues;
  editing?: boolean;
  busy?: boolean;
  /** The API's refusal, in words */
  error?: string | null;
  webhookVerified: boolean;
  emailVerified: boolean;
  onSubmit: (values: AlertFormValues) => void;
  onCancel: () => void;
};

export function AlertForm({ initial, editing = false, busy, error, webhookVerified, emailVerified, onSubmit, onCancel }: AlertFormProps) {
  const id = useId();
  const [values, setValues] = useState<AlertFormValues>(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const rule = thresholdRule(values.type);
  const set = (patch: Partial<AlertFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const toggleChannel = (channel: AlertChannel, on: boolean) =>
    set({ channels: on ? [...values.channels.filter((c) => c !== channel), channel] : values.channels.filter((c) => c !== channel) });

  return (
    <form
      noValidate
      aria-labelledby={`${id}-title`}
      className="flex flex-col gap-4 rounded-xl border border-subtle bg-surface p-4 md:p-5"
      onSubmit={(event) => {
        event.preventDefault();
        const found = validateForm(values, editing);
        setErrors(found);
        if (Object.keys(found).length === 0) onSubmit(values);
      }}
    >
      <h3 id={`${id}-title`} className="text-lg font-semibold">
        {editing ? "Change alert" : "New alert"}
      </h3>

      <div className="grid gap-4 md:grid-cols-2">
        <div className="flex flex-col gap-1 text-sm font-medium">
          <label htmlFor={`${id}-type`}>Alert type</label>
          <select
            id={`${id}-type`}
            aria-describedby={`${id}-type-help`}
            value={values.type}
            disabled={editing}
            onChange={(e) => {
              const type = e.target.value as AlertFormValues["type"];
              const next = thresholdRule(type);
              set({ type, threshold: next.kind === "points" ? values.threshold || "10" : next.kind === "percent" ? "" : "" });
              setErrors((er) => ({ ...er, threshold: undefined }));
            }}
            className={inputClass}
          >
            {ALERT_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <span id={`${id}-type-help`} className="text-xs font-normal text-secondary">
            {ALERT_TYPES.find((t) => t.value === values.type)?.hint}
          </span>
        </div>

        {rule.kind !== "none" && (
          <div className="flex flex-col gap-1 text-sm font-medium">
            <label htmlFor={`${id}-threshold`}>
              {rule.kind === "points" ? (values.type === "vrs_drop" ? "Score drop (points)" : "Score under (points)") : "Commission above (%)"}
              {rule.kind === "percent" && <span className="font-normal text-secondary"> — optional</span>}
            </label>
            <input
              id={`${id}-threshold`}
              inputMode="decimal"
              autoComplete="off"
              value={values.threshold}
              onChange={(e) => set({ threshold: e.target.value })}
              aria-invalid={errors.threshold ? true : undefined}
              aria-describedby={`${id}-threshold-help`}
              className={inputClass}
            />
            <span id={`${id}-threshold-help`} className={`text-xs font-normal ${errors.threshold ? "text-negative" : "text-secondary"}`}>
              {errors.threshold ?? (rule.kind === "points" ? "A whole number from 1 to 100, e.g. 10." : "Empty: any raise. Else above 0 and below 100, e.g. 8.5.")}
            </span>
          </div>
        )}
      </div>

      <fieldset className="flex flex-col gap-2" disabled={editing}>
        <legend className="mb-1 text-sm font-medium">Which validators</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {SCOPES.map((s) => (
            <label key={s.value} className="flex min-h-11 items-center gap-2 text-sm">
              <input type="radio" name={`${id}-scope`} value={s.value} checked={values.scope === s.value} onChange={() => set({ scope: s.value })} className="h-4 w-4 accent-brand" />
              {s.label}
            </label>
          ))}
        </div>
        {values.scope !== "all" && (
          <div className="flex flex-col gap-1 text-sm font-medium md:max-w-xs">
            <label htmlFor={`${id}-chain`}>Chain</label>
            <select
              id={`${id}-chain`}
              value={values.chain}
              onChange={(e) => set({ chain: e.target.value as ChainId, validatorId: null })}
              className={inputClass}
            >
              {CHAINS.map((c) => (
                <option key={c} value={c}>
                  {CHAIN_NAME[c]}
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>
      {values.scope === "validator" && !editing && (
        <ValidatorPicker chain={values.chain} value={values.validatorId} error={errors.validatorId} onChange={(validatorId) => set({ validatorId })} />
      )}

      <fieldset className="flex flex-col gap-1" aria-describedby={`${id}-channels-help`}>
        <legend className="mb-1 text-sm font-medium">Send to</legend>
        <div className="flex flex-wrap gap-x-4">
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input type="checkbox" checked={values.channels.includes("email")} onChange={(e) => toggleChannel("email", e.target.checked)} className="h-4 w-4 accent-brand" />
            Email
          </label>
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={values.channels.includes("webhook")}
              disabled={!webhookVerified && !values.channels.includes("webhook")}
              onChange={(e) => toggleChannel("webhook", e.target.checked)}
              className="h-4 w-4 accent-brand"
            />
            Webhook
          </label>
        </div>
        <p id={`${id}-channels-help`} className={`text-xs ${errors.channels ? "text-negative" : "text-secondary"}`}>
          {errors.channels ??
            (!webhookVerified ? "The webhook channel needs a webhook that passed its test ping (below)." : "Email and/or your verified webhook.")}
        </p>
        {values.channels.includes("email") && !emailVerified && (
          <p className="text-xs text-warning">
            Email alerts start once your account has a verified email address. <Link to="/settings/email" className="font-medium text-brand underline underline-offset-2">Add an email</Link>
          </p>
        )}
      </fieldset>

      <label className="flex min-h-11 items-center gap-2 text-sm">
        <input type="checkbox" checked={values.notifyResolved} onChange={(e) => set({ notifyResolved: e.target.checked })} className="h-4 w-4 accent-brand" />
        Also tell me once the condition clears
      </label>

      {error && (
        <p role="alert" className="text-sm text-negative">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={busy} className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong disabled:opacity-50">
          {busy ? "Saving…" : editing ? "Save changes" : "Create alert"}
        </button>
        <button type="button" onClick={onCancel} className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised">
          Cancel
        </button>
      </div>
    </form>
  );
}
