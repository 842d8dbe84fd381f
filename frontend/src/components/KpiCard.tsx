import type { ReactNode } from "react";

export function KpiCard({ label, value, hint, action, wide = false }: { label: string; value: ReactNode; hint?: ReactNode; action?: ReactNode; wide?: boolean }) {
  return (
    <section aria-label={label} className={`flex min-w-0 flex-col gap-1 rounded-xl border border-subtle bg-surface p-4 ${wide ? "col-span-2 md:col-span-1" : ""}`}>
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm text-secondary">{label}</h2>
        {action}
      </div>
      <div className="num truncate text-2xl font-semibold lg:text-kpi-large">{value}</div>
      {hint && <div className="text-xs text-muted">{hint}</div>}
    </section>
  );
}
