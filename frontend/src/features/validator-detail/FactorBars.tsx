// The five factors of the score as horizontal bars (story 4.3): each coloured by its band,
// with its weight and an aria-label ("Uptime: 92 of 100"); each can be reached with Tab.
// Factors withheld from the caller's tier are shown locked, with one inline upgrade hint.
import { UpgradeHint } from "../../components/UpgradeHint";
import { bandOf } from "../../components/VrsBadge";
import type { VrsFactor } from "./queries";

export const FACTOR_NAME: Record<VrsFactor["name"], string> = {
  uptime: "Uptime",
  slashing: "Slashing history",
  commission: "Commission stability",
  performance: "Performance",
  decentralization: "Decentralisation",
};

const BAR = { green: "bg-vrs-green", yellow: "bg-vrs-yellow", red: "bg-vrs-red" } as const;

/** "40%" from a fraction. */
export function weightText(weight: number): string {
  return `${Math.round(weight * 100)}%`;
}

export function factorLabel(f: VrsFactor): string {
  const name = FACTOR_NAME[f.name];
  if (f.locked) return `${name}: locked, shown with Pro`;
  if (f.unavailable || f.score === null) return `${name}: not measured`;
  return `${name}: ${f.score} of 100, weight ${weightText(f.weight)}`;
}

function LockIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round">
      <path d="M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3" />
    </svg>
  );
}

function FactorRow({ f }: { f: VrsFactor }) {
  const name = FACTOR_NAME[f.name];
  const score = f.locked || f.unavailable ? null : f.score;
  const band = f.band ?? (score === null ? null : bandOf(score));
  return (
    <li className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1">
      <span className={`flex items-center gap-1.5 text-sm ${f.locked ? "text-muted" : "text-primary"}`}>
        {f.locked && <LockIcon />}
        {name}
      </span>
      <span className="num text-sm text-secondary">
        {f.locked ? "Pro" : score === null ? "n/a" : score}
        <span className="ml-2 text-xs text-muted">{f.locked ? "" : `weight ${weightText(f.weight)}`}</span>
      </span>
      <div
        role="meter"
        tabIndex={0}
        aria-label={factorLabel(f)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={score ?? 0}
        data-factor={f.name}
        className="col-span-2 h-2.5 overflow-hidden rounded-full bg-raised"
      >
        {f.locked ? (
          <div aria-hidden="true" className="h-full w-3/5 rounded-full bg-subtle blur-[2px]" />
        ) : score !== null && band ? (
          <div aria-hidden="true" className={`h-full rounded-full ${BAR[band]}`} style={{ width: `${Math.max(2, score)}%` }} />
        ) : null}
      </div>
      {!f.locked && (f.unavailable || score === null) && <span className="col-span-2 text-xs text-muted">Not measured for this validator or chain.</span>}
    </li>
  );
}

export function FactorBars({ factors }: { factors: VrsFactor[] }) {
  const locked = factors.filter((f) => f.locked).length;
  return (
    <div className="flex flex-col gap-3">
      <ul className="flex flex-col gap-3" aria-label="Score factors">
        {factors.map((f) => (
          <FactorRow key={f.name} f={f} />
        ))}
      </ul>
      {locked > 0 && (
        <UpgradeHint compact>
          Unlock all {factors.length} factors ({factors.filter((f) => f.locked).map((f) => FACTOR_NAME[f.name]).join(", ")}) with Pro.
        </UpgradeHint>
      )}
    </div>
  );
}

/** "Weights: 40% Uptime · 33% Slashing history · 27% Commission stability". */
export function weightsLine(factors: VrsFactor[]): string {
  return factors
    .filter((f) => f.weight > 0)
    .map((f) => `${weightText(f.weight)} ${FACTOR_NAME[f.name]}`)
    .join(" · ");
}
