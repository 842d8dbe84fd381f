// The real-yield bar: nominal APY (grey) and what is left after inflation, validator fee
// and slashing risk (green, or red when negative) on one scale, with the breakdown and a
// text equivalent for screen readers. `calculator`: large, revealed nominal first, then
// real (static under prefers-reduced-motion); `dashboard`: compact.
import { useEffect, useState } from "react";
import { formatRate, rateTone } from "../lib/format";

export type YieldParts = {
  nominalApy: string;
  inflationRate: string;
  validatorFee: string;
  slashingRisk: string;
  realYield: string;
};

export type RealYieldBarProps = {
  parts: YieldParts;
  /** dashboard: compact, one row per position; calculator: large, with the reveal animation */
  variant: "dashboard" | "calculator";
  /** what the bar is for, e.g. the validator's name (used in the accessible text) */
  label?: string;
};

function num(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Both bars' widths in percent of the track, on one scale (the larger magnitude = 100). */
export function barWidths(parts: YieldParts): { nominal: number; real: number } {
  const nominal = Math.abs(num(parts.nominalApy));
  const real = Math.abs(num(parts.realYield));
  const scale = Math.max(nominal, real);
  if (scale === 0) return { nominal: 0, real: 0 };
  return { nominal: (nominal / scale) * 100, real: (real / scale) * 100 };
}

/** The accessible sentence stating every part. */
export function yieldText(parts: YieldParts, label?: string): string {
  const negative = rateTone(parts.realYield) === "negative";
  return (
    `${label ? `${label}: ` : ""}nominal APY ${formatRate(parts.nominalApy)}, ` +
    `minus inflation ${formatRate(parts.inflationRate)}, ` +
    `minus validator fee ${formatRate(parts.validatorFee)}, ` +
    `minus slashing risk ${formatRate(parts.slashingRisk, { digits: 2 })}, ` +
    `real yield ${formatRate(parts.realYield, { signed: true })}` +
    (negative ? ". You are losing value in real terms." : ".")
  );
}

function prefersReducedMotion(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function"
    ? window.matchMedia("(prefers-reduced-motion: reduce)").matches
    : true;
}

export function RealYieldBar({ parts, variant, label }: RealYieldBarProps) {
  const large = variant === "calculator";
  const animate = large && !prefersReducedMotion();
  const [revealed, setRevealed] = useState(!animate);
  useEffect(() => {
    if (!animate) return;
    const frame = requestAnimationFrame(() => setRevealed(true));
    return () => cancelAnimationFrame(frame);
  }, [animate]);

  const widths = barWidths(parts);
  const tone = rateTone(parts.realYield);
  const negative = tone === "negative";
  const realColour = negative ? "bg-negative" : tone === "positive" ? "bg-positive" : "bg-muted";
  const realText = negative ? "text-negative" : tone === "positive" ? "text-positive" : "text-secondary";
  const barHeight = large ? "h-4" : "h-2";
  const motion = animate ? "transition-[width] duration-700 ease-out motion-reduce:transition-none" : "";

  const rows = [
    { key: "nominal", name: "Nominal APY", value: formatRate(parts.nominalApy), width: widths.nominal, colour: "bg-muted", text: "text-primary", delay: "0ms" },
    { key: "real", name: "Real yield", value: formatRate(parts.realYield, { signed: true }), width: widths.real, colour: realColour, text: realText, delay: "600ms" },
  ];
  const deductions = [
    { name: "inflation", value: formatRate(parts.inflationRate) },
    { name: "validator fee", value: formatRate(parts.validatorFee) },
    { name: "slashing risk", value: formatRate(parts.slashingRisk, { digits: 2 }) },
  ];

  return (
    <figure className={large ? "space-y-4" : "space-y-1.5"} data-variant={variant}>
      <p className="sr-only">{yieldText(parts, label)}</p>
      <div aria-hidden="true" className={large ? "space-y-3" : "space-y-1"}>
        {rows.map((row) => (
          <div key={row.key} className={large ? "space-y-1" : "flex items-center gap-2"}>
            <div className={`flex items-baseline justify-between gap-2 ${large ? "" : "w-28 shrink-0 text-xs"}`}>
              <span className={large ? "text-sm text-secondary" : "text-secondary"}>{row.name}</span>
              <span className={`num font-semibold ${row.text} ${large ? "text-kpi-medium" : ""}`}>{row.value}</span>
            </div>
            <div className={`${barHeight} w-full overflow-hidden rounded-full bg-raised`}>
              <div
                data-testid={`bar-${row.key}`}
                className={`${barHeight} rounded-full ${row.colour} ${motion}`}
                style={{ width: `${revealed ? row.width : 0}%`, transitionDelay: animate ? row.delay : undefined }}
              />
            </div>
          </div>
        ))}
        <ul className={`flex flex-wrap gap-x-4 gap-y-1 text-secondary ${large ? "text-sm" : "text-xs"}`}>
          {deductions.map((d) => (
            <li key={d.name}>
              <span className="num">−{d.value}</span> {d.name}
            </li>
          ))}
        </ul>
      </div>
      {large && negative && (
        // aria-hidden: the text equivalent above already says it
        <p aria-hidden="true" className="rounded-md border border-subtle bg-raised px-3 py-2 text-sm text-negative">You are losing value in real terms.</p>
      )}
    </figure>
  );
}
