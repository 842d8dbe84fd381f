import type { ReactNode } from "react";

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <section className="mx-auto flex max-w-lg flex-col items-center gap-3 rounded-xl border border-dashed border-subtle bg-surface px-6 py-10 text-center">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children && <div className="text-sm text-secondary">{children}</div>}
      {action}
    </section>
  );
}
