// STUB with the final interface (owned by the calculator slice, which completes it):
// the real-yield bar — nominal APY and what is left after inflation, fee and slashing
// risk — with a text equivalent for screen readers.
import { formatRate } from "../lib/format";

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

export function RealYieldBar({ parts, label }: RealYieldBarProps) {
  const text = `${label ? `${label}: ` : ""}nominal ${formatRate(parts.nominalApy)}, minus inflation ${formatRate(parts.inflationRate)}, fee ${formatRate(parts.validatorFee)}, slashing risk ${formatRate(parts.slashingRisk, { digits: 2 })}, real yield ${formatRate(parts.realYield, { signed: true })}`;
  return <p className="text-sm text-secondary">{text}</p>;
}
