// A modal confirmation on the native <dialog> (showModal: the browser traps focus, makes
// the page inert and closes on Escape). Destructive actions say exactly what happens;
// `confirmWord` makes the user type a word before the action is enabled.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

export type ConfirmDialogProps = {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Red confirm button (deleting, revoking). */
  destructive?: boolean;
  /** The exact word to type before confirming (e.g. "DELETE"). */
  confirmWord?: string;
  busy?: boolean;
  /** A failure to show inside the dialog (the dialog stays open). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ConfirmDialog({ open, title, children, confirmLabel, destructive, confirmWord, busy, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const wordId = useId();
  const [typed, setTyped] = useState("");

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped("");
      // jsdom has no showModal; the attribute keeps tests meaningful there.
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  const ready = !busy && (!confirmWord || typed === confirmWord);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-subtle bg-surface p-0 text-primary shadow-xl backdrop:bg-black/60"
    >
      {open && (
        <form
          method="dialog"
          className="flex flex-col gap-4 p-5"
          onSubmit={(event) => {
            event.preventDefault();
            if (ready) onConfirm();
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {children && <div className="flex flex-col gap-2 text-sm text-secondary">{children}</div>}
          {confirmWord && (
            <label htmlFor={wordId} className="flex flex-col gap-1 text-sm">
              <span>
                Type <strong className="font-mono text-primary">{confirmWord}</strong> to confirm
              </span>
              <input
                id={wordId}
                autoComplete="off"
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                className="min-h-11 rounded-lg border border-subtle bg-base px-3 font-mono"
              />
            </label>
          )}
          {error && (
            <p role="alert" className="text-sm text-negative">
              {error}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" onClick={onCancel} disabled={busy} className="min-h-11 rounded-lg border border-subtle px-4 text-sm font-medium hover:bg-raised">
              Cancel
            </button>
            <button
              type="submit"
              disabled={!ready}
              className={`min-h-11 rounded-lg px-4 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${
                destructive ? "bg-negative text-on-brand hover:opacity-90" : "bg-brand text-on-brand hover:bg-brand-strong"
              }`}
            >
              {busy ? "Working…" : confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
