// "Limited data": shown next to a score whose confidence is low (nothing when high/medium).
export type Confidence = "high" | "medium" | "low";

export function ConfidenceBadge({ confidence }: { confidence: Confidence | null | undefined }) {
  if (confidence !== "low") return null;
  return (
    <span
      className="inline-flex items-center rounded-full border border-subtle px-2 py-0.5 text-xs text-warning"
      title="The score rests on little history; treat it with care"
    >
      Limited data
    </span>
  );
}
