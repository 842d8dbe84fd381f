// Where the alert form shows (story 5.3): inline on tablet and desktop, a bottom sheet on
// phones (< 768 px) — a native modal <dialog>: focus stays inside, Escape closes it.
import { useEffect, useRef, useSyncExternalStore, type ReactNode } from "react";

const PHONE = "(max-width: 767px)";

function subscribe(onChange: () => void): () => void {
  if (typeof window.matchMedia !== "function") return () => undefined;
  const query = window.matchMedia(PHONE);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** Whether the viewport is phone-sized (jsdom has no matchMedia: not a phone). */
export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, () => typeof window.matchMedia === "function" && window.matchMedia(PHONE).matches);
}

function BottomSheet({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open && typeof dialog.showModal === "function") dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={label}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="mx-0 mt-auto mb-0 max-h-[92dvh] w-full max-w-full overflow-y-auto rounded-t-2xl border border-subtle bg-base p-2 text-primary shadow-xl backdrop:bg-black/60"
    >
      <div aria-hidden="true" className="mx-auto mb-2 h-1 w-10 rounded-full bg-raised" />
      {children}
    </dialog>
  );
}

export function FormSheet({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const phone = usePhone();
  if (!phone) return <>{children}</>;
  return (
    <BottomSheet label={label} onClose={onClose}>
      {children}
    </BottomSheet>
  );
}
