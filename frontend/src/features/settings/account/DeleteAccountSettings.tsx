// Settings → Delete account (story 1.6, GDPR Art. 17): says exactly what is deleted, asks
// for the word DELETE, deletes (DELETE /api/me with {"confirm": "DELETE"}; the server ends
// every session), forgets every cached read and lands on sign-in with a notice. A failure
// leaves the account intact and says so.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api, unwrap } from "../../../api/client";
import { ME_KEY } from "../../../app/session";
import { ConfirmDialog } from "../../../components/ConfirmDialog";

export const CONFIRM_WORD = "DELETE";
export const DELETED_MESSAGE = "Your account was deleted.";

/** What a deletion removes (the rows `services.accounts.delete_account` deletes). */
export const DELETED_ITEMS = [
  "Your account and its plan (subscription)",
  "All linked wallets, and the staking positions and rewards fetched for them",
  "Your email address and any pending sign-in or verification links",
  "Your alerts, their history and your webhook",
  "Your watchlist",
  "All API keys and every sign-in session, on every device",
] as const;

function DeletedList() {
  return (
    <ul className="list-disc space-y-1 pl-5">
      {DELETED_ITEMS.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

export function DeleteAccountSettings() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);

  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/me", { body: { confirm: CONFIRM_WORD } })),
    onSuccess: async () => {
      setOpen(false);
      client.clear();
      client.setQueryData(ME_KEY, null);
      await navigate("/signin", { replace: true, state: { message: DELETED_MESSAGE } });
    },
  });

  return (
    <section aria-labelledby="delete-title" className="space-y-6">
      <div className="space-y-1">
        <h2 id="delete-title" className="text-xl font-semibold">
          Delete account
        </h2>
        <p className="text-sm text-secondary">Permanently delete your StakeTrack AI account and all data tied to it.</p>
      </div>

      <div className="space-y-3 rounded-xl border border-negative bg-surface p-4 text-sm">
        <h3 className="font-semibold">What is deleted</h3>
        <DeletedList />
        <p className="text-secondary">
          Nothing on any blockchain changes: your wallets and stakes stay yours. The admin audit trail keeps its entries with your id replaced by an
          anonymous one. Deletion cannot be undone; you can sign up again any time with a fresh account.
        </p>
        <button
          type="button"
          onClick={() => {
            remove.reset();
            setOpen(true);
          }}
          className="min-h-11 rounded-lg bg-negative px-4 font-medium text-on-brand hover:opacity-90"
        >
          Delete account…
        </button>
      </div>

      <ConfirmDialog
        open={open}
        title="Delete your account permanently?"
        confirmLabel="Delete account"
        destructive
        confirmWord={CONFIRM_WORD}
        busy={remove.isPending}
        error={remove.isError ? `Deletion failed; your account is intact. Please try again or contact support. (${remove.error.message})` : null}
        onCancel={() => setOpen(false)}
        onConfirm={() => remove.mutate()}
      >
        <p>This deletes at once, for good:</p>
        <DeletedList />
        <p>You will be signed out everywhere.</p>
      </ConfirmDialog>
    </section>
  );
}
