// The Validator Risk Score as a coloured badge with its band in words (never colour alone).
export type VrsBand = "green" | "yellow" | "red";

const BAND_WORDS: Record<VrsBand, string> = { green: "low risk", yellow: "medium risk", red: "high risk" };
const BAND_CLASS: Record<VrsBand, string> = {
  green: "bg-vrs-green",
  yellow: "bg-vrs-yellow",
  red: "bg-vrs-red",
};

/** Band from the score when the API gave none (domain/vrs/model.py): 80–100 green, 50–79 yellow, 0–49 red. */
export function bandOf(total: number): VrsBand {
  return total >= 80 ? "green" : total >= 50 ? "yellow" : "red";
}

export function vrsLabel(total: number, band: VrsBand): string {
  return `Validator Risk Score: ${total} of 100, ${BAND_WORDS[band]}`;
}

export function VrsBadge({ total, band, compact = false }: { total: number; band?: VrsBand | null; compact?: boolean }) {
  const b = band ?? bandOf(total);
  const label = vrsLabel(total, b);
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-band={b}
      className={`inline-flex items-center gap-1.5 rounded-full border border-subtle bg-raised font-medium text-primary ${compact ? "px-2 py-0.5 text-xs" : "px-2.5 py-1 text-sm"}`}
    >
      <span aria-hidden="true" className={`inline-block rounded-full ${BAND_CLASS[b]} ${compact ? "h-2 w-2" : "h-2.5 w-2.5"}`} />
      <span aria-hidden="true" className="num">
        {total}
      </span>
      {!compact && (
        <span aria-hidden="true" className="text-secondary">
          {BAND_WORDS[b]}
        </span>
      )}
    </span>
  );
}

/** "Score pending": grey text while a validator has no score yet. */
export function VrsPending() {
  return <span className="text-sm text-muted">Score pending</span>;
}
