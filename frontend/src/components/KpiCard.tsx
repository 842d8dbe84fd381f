import type { ReactNode } from "react";

export function KpiCard({ label, value, hint, action }: { label: string; value: ReactNode; hint?: ReactNode; action?: ReactNode }) {
  return (
    <section aria-label={label} className="flex min-w-0 flex-col gap-1 rounded-xl border border-subtle bg-surface p-4">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm text-secondary">{label}</h2>
        {action}
      </div>
      <div className="num truncate text-kpi-medium font-semibold lg:text-kpi-large">{value}</div>
      {hint && <div className="text-xs text-muted">{hint}</div>}
    </section>
  );
}
