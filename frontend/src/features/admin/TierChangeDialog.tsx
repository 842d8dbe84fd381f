// "Set the tier of <user> to <tier>?" — the confirmation of a tier change, with the
// required reason (it goes into the audit log) and an optional end for pro.
import { useEffect, useId, useRef, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { type AdminUser, useSetSubscription } from "./api";
import { expiryOf, shortId, TIER_LABEL, validateTierChange, type Tier, type TierChangeErrors } from "./logic";
import { inputClass, ReasonField } from "./ui";

export function TierChangeDialog({
  user,
  onClose,
  onDone,
  now = () => new Date(),
}: {
  user: AdminUser | null;
  onClose: () => void;
  /** After the change is stored: what to tell the admin. */
  onDone: (message: string) => void;
  now?: () => Date;
}) {
  const [tier, setTier] = useState<Tier>("pro");
  const [expires, setExpires] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<TierChangeErrors>({});
  const save = useSetSubscription();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const expiresId = useId();
  const expiresErrorId = useId();

  // a user chosen (closing sets null, so reopening starts afresh too): the other tier,
  // nothing typed
  useEffect(() => {
    if (!user) return;
    setTier(user.tier === "pro" ? "free" : "pro");
    setExpires("");
    setReason("");
    setErrors({});
    save.reset();
  }, [user?.id]);

  const who = user ? (user.email ?? `user ${shortId(user.id)}`) : "";
  const confirm = () => {
    if (!user) return;
    const found = validateTierChange({ tier, expires, reason }, now());
    setErrors(found);
    if (found.expires) document.getElementById(expiresId)?.focus();
    else if (found.reason) reasonRef.current?.focus();
    if (Object.keys(found).length > 0) return;
    const expiresAt = tier === "pro" ? expiryOf(expires) : null;
    save.mutate(
      { userId: user.id, tier, expiresAt, reason },
      { onSuccess: () => onDone(`${who[0]?.toUpperCase()}${who.slice(1)} is now ${TIER_LABEL[tier]}${expiresAt ? ` until ${expires}` : ""}.`) },
    );
  };

  return (
    <ConfirmDialog
      open={user !== null}
      title={`Set the tier of ${who} to ${TIER_LABEL[tier]}?`}
      confirmLabel={`Set to ${TIER_LABEL[tier]}`}
      busy={save.isPending}
      error={save.error ? `${save.error.message}` : null}
      onConfirm={confirm}
      onCancel={onClose}
    >
      {user && (
        <>
          <p>
            Now: <strong className="text-primary">{TIER_LABEL[user.tier]}</strong>
            {user.subscription?.expiresAt && user.tier === "pro" ? ` until ${user.subscription.expiresAt.slice(0, 10)}` : ""}. The change applies on
            the user's next request.
          </p>
          <fieldset className="flex flex-col gap-1">
            <legend className="mb-1 font-medium text-primary">New tier</legend>
            <div className="flex gap-2">
              {(["free", "pro"] as const).map((option) => (
                <label key={option} className="flex min-h-11 flex-1 cursor-pointer items-center gap-2 rounded-lg border border-subtle px-3 has-[:checked]:border-brand">
                  <input
                    type="radio"
                    name="tier"
                    value={option}
                    checked={tier === option}
                    onChange={() => {
                      setTier(option);
                      if (option === "free") setExpires("");
                    }}
                  />
                  <span className="text-primary">{TIER_LABEL[option]}</span>
                </label>
              ))}
            </div>
          </fieldset>
          {tier === "pro" && (
            <div className="flex flex-col gap-1">
              <label htmlFor={expiresId} className="font-medium text-primary">
                Pro until <span className="text-secondary">(optional; end of that day, UTC; empty: no end)</span>
              </label>
              <input
                id={expiresId}
                type="date"
                value={expires}
                aria-invalid={errors.expires ? true : undefined}
                aria-describedby={errors.expires ? expiresErrorId : undefined}
                onChange={(event) => setExpires(event.target.value)}
                className={inputClass}
              />
              {errors.expires && (
                <p id={expiresErrorId} className="text-negative">
                  {errors.expires}
                </p>
              )}
            </div>
          )}
          <ReasonField value={reason} onChange={setReason} error={errors.reason} inputRef={reasonRef} />
        </>
      )}
    </ConfirmDialog>
  );
}
