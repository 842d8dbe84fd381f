// The positions: a table on desktop (≥ 1024 px), cards below; each with its real yield
// (breakdown on demand), its Validator Risk Score and the age of its data. The validator's
// name and its score open the validator detail over the dashboard (`?validator=`).
import { Fragment, useState } from "react";
import { ConfidenceBadge } from "../../components/ConfidenceBadge";
import { CopyButton } from "../../components/CopyButton";
import { Icon } from "../../components/Icon";
import { FreshnessIndicator } from "../../components/FreshnessIndicator";
import { RealYieldBar } from "../../components/RealYieldBar";
import { VrsBadge, VrsPending } from "../../components/VrsBadge";
import { ValidatorLink } from "../validator-detail/ValidatorLink";
import { CHAIN_SYMBOL, formatAmount, formatFiat, formatRate, rateTone, shortAddress, type Currency } from "../../lib/format";
import type { PositionView } from "./position-view";

const TONE = { positive: "text-positive", negative: "text-negative", zero: "text-secondary" } as const;

/** The validator's name; else "Validator 14928" for an ETH validator index; else a short address. */
export function validatorLabel(p: Pick<PositionView, "validatorName" | "validatorAddress">): string {
  if (p.validatorName) return p.validatorName;
  if (/^\d+$/.test(p.validatorAddress)) return `Validator ${p.validatorAddress}`;
  return shortAddress(p.validatorAddress);
}

function ValidatorCell({ p }: { p: PositionView }) {
  return (
    <div className="flex min-w-0 items-center gap-1">
      <div className="min-w-0">
        <ValidatorLink
          validatorId={p.validatorId}
          className="block truncate font-medium text-primary underline decoration-subtle underline-offset-4 hover:decoration-brand"
          aria-label={`${validatorLabel(p)}: open validator details`}
        >
          {validatorLabel(p)}
        </ValidatorLink>
        <div className="text-xs text-muted">
          {CHAIN_SYMBOL[p.chain]} · {p.kind}
        </div>
      </div>
      <CopyButton value={p.validatorAddress} label={`Copy validator address of ${validatorLabel(p)}`} />
    </div>
  );
}

function Amount({ p, currency }: { p: PositionView; currency: Currency }) {
  return (
    <div className="num text-right">
      <div>{formatAmount(p.amountDisplay, p.chain)}</div>
      <div className="text-xs text-muted">{formatFiat(p.fiat[currency], currency)}</div>
    </div>
  );
}

function RealYieldValue({ p }: { p: PositionView }) {
  if (!p.realYield) return <span className="text-sm text-muted">—</span>;
  return (
    <span className={`num font-medium ${TONE[rateTone(p.realYield.realYield)]}`}>
      {formatRate(p.realYield.realYield, { signed: true })}
    </span>
  );
}

function Vrs({ p }: { p: PositionView }) {
  if (p.vrs.status !== "scored" || p.vrs.total === null) return <VrsPending />;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <ValidatorLink
        validatorId={p.validatorId}
        className="inline-flex min-h-11 items-center rounded-full"
        aria-label={`Risk score of ${validatorLabel(p)}: ${p.vrs.total} of 100, open the details`}
      >
        <VrsBadge total={p.vrs.total} band={p.vrs.band} compact />
      </ValidatorLink>
      <ConfidenceBadge confidence={p.vrs.confidence} />
    </span>
  );
}

function BreakdownToggle({ p, open, onToggle }: { p: PositionView; open: boolean; onToggle: () => void }) {
  if (!p.realYield) return null;
  return (
    <button
      type="button"
      onClick={onToggle}
      aria-expanded={open}
      aria-controls={`breakdown-${p.key}`}
      aria-label={`${open ? "Hide" : "Show"} real-yield breakdown for ${validatorLabel(p)}`}
      className="inline-flex min-h-11 min-w-11 items-center justify-center rounded-md text-sm text-secondary hover:bg-raised hover:text-primary"
    >
      <Icon name={open ? "chevronUp" : "chevronDown"} className="h-4 w-4" />
    </button>
  );
}

function Breakdown({ p }: { p: PositionView }) {
  if (!p.realYield) return null;
  return (
    <div id={`breakdown-${p.key}`} className="space-y-1">
      <RealYieldBar parts={p.realYield} variant="dashboard" label={validatorLabel(p)} />
      {p.realYield.confidence === "fallback" && <p className="text-xs text-muted">Some inputs use last known values.</p>}
    </div>
  );
}

export function PositionsList({ positions, currency }: { positions: PositionView[]; currency: Currency }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <>
      <div className="hidden overflow-hidden rounded-xl border border-subtle bg-surface lg:block">
        <table className="w-full text-sm">
          <caption className="sr-only">Staking positions</caption>
          <thead className="bg-raised text-left text-xs text-secondary">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Validator
              </th>
              <th scope="col" className="px-4 py-3 text-right font-medium">
                Amount
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Status
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Real yield
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Risk score
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Data
              </th>
            </tr>
          </thead>
          <tbody>
            {positions.map((p) => (
              <Fragment key={p.key}>
                <tr className="border-t border-subtle" data-testid="position-row">
                  <td className="max-w-64 px-4 py-2">
                    <ValidatorCell p={p} />
                  </td>
                  <td className="px-4 py-2">
                    <Amount p={p} currency={currency} />
                  </td>
                  <td className="px-4 py-2 capitalize text-secondary">{p.status}</td>
                  <td className="px-4 py-2">
                    <span className="inline-flex items-center gap-1">
                      <RealYieldValue p={p} />
                      <BreakdownToggle p={p} open={open.has(p.key)} onToggle={() => toggle(p.key)} />
                    </span>
                  </td>
                  <td className="px-4 py-2">
                    <Vrs p={p} />
                  </td>
                  <td className="px-4 py-2">
                    <FreshnessIndicator fetchedAt={p.fetchedAt} />
                  </td>
                </tr>
                {open.has(p.key) && (
                  <tr className="bg-base/40">
                    <td colSpan={6} className="px-4 pb-3">
                      <Breakdown p={p} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>

      <ul className="grid gap-3 md:grid-cols-2 lg:hidden" aria-label="Staking positions">
        {positions.map((p) => (
          <li key={p.key} className="rounded-xl border border-subtle bg-surface p-4" data-testid="position-card">
            <div className="flex items-start justify-between gap-2">
              <ValidatorCell p={p} />
              <Amount p={p} currency={currency} />
            </div>
            <dl className="mt-3 grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-xs text-muted">Status</dt>
                <dd className="capitalize">{p.status}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted">Real yield</dt>
                <dd className="-my-3 flex items-center">
                  <RealYieldValue p={p} />
                  <BreakdownToggle p={p} open={open.has(p.key)} onToggle={() => toggle(p.key)} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted">Risk score</dt>
                <dd>
                  <Vrs p={p} />
                </dd>
              </div>
            </dl>
            {open.has(p.key) && (
              <div className="mt-2">
                <Breakdown p={p} />
              </div>
            )}
            <div className="mt-2">
              <FreshnessIndicator fetchedAt={p.fetchedAt} />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
