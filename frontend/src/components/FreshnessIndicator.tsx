// "updated 12 min ago" with a coloured dot by age (fresh < 30 min, ageing < 2 h, stale).
import { formatDateTime, freshnessLevel, relativeTime } from "../lib/format";

const DOT: Record<ReturnType<typeof freshnessLevel>, string> = {
  fresh: "bg-positive",
  ageing: "bg-warning",
  stale: "bg-negative",
};

export function FreshnessIndicator({ fetchedAt, now }: { fetchedAt: string | null | undefined; now?: Date }) {
  const level = freshnessLevel(fetchedAt, now);
  const text = fetchedAt ? `updated ${relativeTime(fetchedAt, now)}` : "not fetched yet";
  const label = fetchedAt ? `Data ${text} (${formatDateTime(fetchedAt)}), ${level}` : "Data not fetched yet";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted" aria-label={label} role="img" data-level={level}>
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${DOT[level]}`} />
      <span aria-hidden="true">{text}</span>
    </span>
  );
}
