// Tier limits: each tier's limits as inputs (validated as the server does), the change
// shown old → new before it is saved with a reason; the gate reads it on the next request.
import { useEffect, useId, useRef, useState } from "react";
import { Skeleton } from "../../components/Skeleton";
import { isForbidden, usePutTierLimits, useTierLimits } from "./api";
import { diffLimits, LIMIT_FIELDS, limitsToForm, parseLimits, TIER_LABEL, validateReason, type LimitsForm, type TierLimits } from "./logic";
import { buttonPrimary, buttonSecondary, DiffTable, ErrorNote, inputClass, NotAllowed, ReasonField, SectionHeader } from "./ui";

function LimitInput({
  form,
  field,
  error,
  onChange,
}: {
  form: LimitsForm;
  field: (typeof LIMIT_FIELDS)[number];
  error?: string;
  onChange: (next: LimitsForm) => void;
}) {
  const id = useId();
  const errorId = useId();
  const label = `${TIER_LABEL[form.tier]}: ${field.label}`;
  if (field.kind === "flag") {
    return (
      <label className="flex min-h-11 items-center gap-2">
        <input type="checkbox" checked={form.rewardsExport} onChange={(event) => onChange({ ...form, rewardsExport: event.target.checked })} aria-label={label} className="h-5 w-5" />
        <span className="text-secondary">{form.rewardsExport ? "yes" : "no"}</span>
      </label>
    );
  }
  const key = field.key as keyof LimitsForm["values"];
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      {field.kind === "factors" ? (
        <select id={id} value={form.values[key]} onChange={(event) => onChange({ ...form, values: { ...form.values, [key]: event.target.value } })} className={`${inputClass} w-full`}>
          <option value="3">3</option>
          <option value="5">5</option>
        </select>
      ) : (
        <input
          id={id}
          inputMode="numeric"
          value={form.values[key]}
          placeholder={field.kind === "optional" ? (field.key === "rewardDays" ? "all" : "unlimited") : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => onChange({ ...form, values: { ...form.values, [key]: event.target.value } })}
          className={`${inputClass} num w-full ${error ? "border-negative" : ""}`}
        />
      )}
      {error && (
        <p id={errorId} className="text-xs text-negative">
          {error}
        </p>
      )}
    </div>
  );
}

export function LimitsSection() {
  const stored = useTierLimits();
  const save = usePutTierLimits();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [forms, setForms] = useState<LimitsForm[] | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  // the stored limits arrive (or change after a save): the form starts from them
  useEffect(() => {
    if (stored.data) setForms(stored.data.map(limitsToForm));
  }, [stored.data]);

  if (isForbidden(stored.error)) return <NotAllowed />;
  const parsed = forms?.map(parseLimits) ?? [];
  const valid = parsed.length > 0 && parsed.every((p) => p.limits !== null);
  const edited = valid ? parsed.map((p) => p.limits as TierLimits) : [];
  const diff = valid && stored.data ? diffLimits(stored.data, edited) : [];
  const errorCount = parsed.reduce((n, p) => n + Object.keys(p.errors).length, 0);

  const submit = () => {
    const problem = validateReason(reason);
    setReasonError(problem);
    if (problem) reasonRef.current?.focus();
    if (problem || !valid || diff.length === 0) return;
    save.mutate(
      { limits: edited, reason },
      {
        onSuccess: () => {
          setReason("");
          setSaved(true);
        },
      },
    );
  };

  return (
    <section className="flex flex-col gap-4" aria-label="Tier limits">
      <SectionHeader title="Tier limits">What each tier may use. A change applies to every user of the tier on their next request.</SectionHeader>
      <ErrorNote error={stored.error} />
      {!forms ? (
        stored.isPending && <Skeleton className="h-80" />
      ) : (
        <form
          className="flex flex-col gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <div className="overflow-x-auto rounded-xl border border-subtle bg-surface">
            <table className="w-full text-sm" aria-label="Limits per tier">
              <thead className="text-left text-xs text-secondary">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Limit</th>
                  {forms.map((f) => (
                    <th key={f.tier} scope="col" className="px-3 py-2 font-medium">
                      {TIER_LABEL[f.tier]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {LIMIT_FIELDS.map((field) => (
                  <tr key={field.key} className="border-t border-subtle align-top">
                    <th scope="row" className="px-3 py-2 text-left font-normal">
                      <span className="block text-primary">{field.label}</span>
                      {field.hint && <span className="block text-xs text-secondary">{field.hint}</span>}
                    </th>
                    {forms.map((form, index) => (
                      <td key={form.tier} className="min-w-28 px-3 py-2">
                        <LimitInput
                          form={form}
                          field={field}
                          error={parsed[index]?.errors[field.key]}
                          onChange={(next) => {
                            setSaved(false);
                            setForms(forms.map((f, i) => (i === index ? next : f)));
                          }}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {errorCount > 0 ? (
            <p role="status" className="text-sm text-negative">
              Fix {errorCount === 1 ? "the value" : `the ${errorCount} values`} marked above to see the change.
            </p>
          ) : diff.length === 0 ? (
            <p role="status" className="text-sm text-secondary">
              {saved ? "Saved. The limits above are in force." : "No changes. Edit a value to see the change before saving it."}
            </p>
          ) : (
            <div className="flex flex-col gap-3 rounded-xl border border-brand/60 bg-surface p-4">
              <h3 className="font-semibold">Your change ({diff.length === 1 ? "1 value" : `${diff.length} values`})</h3>
              <DiffTable rows={diff} caption="Tier limit changes" />
              <ReasonField value={reason} onChange={setReason} error={reasonError} inputRef={reasonRef} />
              <ErrorNote error={save.error} />
              <div className="flex flex-wrap gap-2">
                <button type="submit" disabled={save.isPending} className={buttonPrimary}>
                  {save.isPending ? "Saving…" : "Save limits"}
                </button>
                <button
                  type="button"
                  className={buttonSecondary}
                  onClick={() => {
                    if (stored.data) setForms(stored.data.map(limitsToForm));
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
