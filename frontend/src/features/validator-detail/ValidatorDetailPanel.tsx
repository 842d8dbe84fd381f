// The validator detail (stories 4.3–4.5) on the native <dialog> opened with showModal: the
// browser traps focus and makes the page inert; Escape, the close button and a click on
// the backdrop close it. A slide-over from the right at ≥ 768 px, a bottom sheet below.
import { useEffect, useId, useRef } from "react";
import { ConfidenceBadge } from "../../components/ConfidenceBadge";
import { CopyButton } from "../../components/CopyButton";
import { Icon } from "../../components/Icon";
import { Skeleton } from "../../components/Skeleton";
import { VrsBadge, VrsPending } from "../../components/VrsBadge";
import { ApiError } from "../../api/client";
import { CHAIN_NAME, formatAmount, formatRate, shortAddress } from "../../lib/format";
import { longDay } from "./chart";
import { FactorBars, weightsLine } from "./FactorBars";
import { useValidator, useVrsScore, type VrsScore } from "./queries";
import { ScoreHistory } from "./ScoreHistory";
import { WatchButton } from "./WatchButton";
import { YieldHistory } from "./YieldHistory";

const CONFIDENCE = { high: "High", medium: "Medium", low: "Low" } as const;

/** "Lido (Validator 14928)": the name, else "Validator 14928" for an ETH index, else a short address. */
export function detailTitle(id: string, name: string | null | undefined): string {
  if (name) return name;
  const address = id.slice(id.indexOf(":") + 1);
  if (/^\d+$/.test(address)) return `Validator ${address}`;
  return shortAddress(address, 8, 6);
}

function Confidence({ score }: { score: VrsScore }) {
  if (score.status === "pending") {
    const when = score.scoredFrom ? ` The first score is expected on ${longDay(score.scoredFrom)}.` : "";
    const why =
      score.pendingReason === "not_observed"
        ? "Nobody stakes with, watches or has opened this validator until now, so its history starts today."
        : `History is being collected (${score.dataDays} ${score.dataDays === 1 ? "day" : "days"} so far).`;
    return (
      <p className="text-sm text-secondary" data-testid="pending-hint">
        {why}
        {when}
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-1 text-sm">
      <p>
        <span className="text-secondary">Confidence:</span> <span className="font-medium">{CONFIDENCE[score.confidence]}</span>
        <span className="text-secondary"> · based on {score.dataDays} {score.dataDays === 1 ? "day" : "days"} of history</span>
      </p>
      {score.confidence === "low" && <p className="text-xs text-warning">More data becomes available over the next days; treat this score with care.</p>}
    </div>
  );
}

function ScoreSummary({ validatorId }: { validatorId: string }) {
  const vrs = useVrsScore(validatorId);
  if (vrs.isPending) return <Skeleton className="h-40" />;
  if (vrs.isError) {
    return (
      <p role="alert" className="text-sm text-negative">
        The risk score could not be loaded: {vrs.error.message}
      </p>
    );
  }
  const score = vrs.data.data;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        {score.status === "scored" && score.total !== null ? (
          <>
            <VrsBadge total={score.total} band={score.band} />
            <span className="rounded-full border border-subtle px-2 py-0.5 text-xs text-secondary">{score.view === "full" ? "Full VRS" : "Basic VRS"}</span>
            <ConfidenceBadge confidence={score.confidence} />
          </>
        ) : (
          <VrsPending />
        )}
      </div>
      <Confidence score={score} />
      {score.factors.length > 0 && (
        <>
          <p className="text-xs text-muted">Weights: {weightsLine(score.factors)}</p>
          <FactorBars factors={score.factors} />
        </>
      )}
    </div>
  );
}

function Facts({ validatorId }: { validatorId: string }) {
  const validator = useValidator(validatorId);
  if (!validator.data) return null;
  const v = validator.data;
  return (
    <dl className="grid grid-cols-3 gap-2 text-sm" data-testid="validator-facts">
      <div>
        <dt className="text-xs text-muted">Status</dt>
        <dd className="capitalize">{v.status}</dd>
      </div>
      <div>
        <dt className="text-xs text-muted">Stake</dt>
        <dd className="num truncate">{formatAmount(v.stake.display, v.chain, 0)}</dd>
      </div>
      <div>
        <dt className="text-xs text-muted">Commission</dt>
        <dd className="num">{v.commission === null ? "—" : formatRate(v.commission)}</dd>
      </div>
    </dl>
  );
}

export function ValidatorDetailPanel({ validatorId, onClose }: { validatorId: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const validator = useValidator(validatorId);
  const chain = validatorId.slice(0, validatorId.indexOf(":")) as keyof typeof CHAIN_NAME;
  const address = validatorId.slice(validatorId.indexOf(":") + 1);
  const title = detailTitle(validatorId, validator.data?.name);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // jsdom has no showModal; the attribute keeps tests meaningful there
    if (typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
    } else dialog.setAttribute("open", "");
    closeRef.current?.focus(); // not the copy button that comes first
    // the page behind stays put while the panel scrolls (a bottom sheet on phones)
    const root = document.documentElement;
    const overflow = root.style.overflow;
    root.style.overflow = "hidden";
    return () => {
      root.style.overflow = overflow;
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
    };
  }, []);

  const notFound = validator.error instanceof ApiError && validator.error.status === 404;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose(); // the backdrop
      }}
      data-testid="validator-detail"
      className="fixed inset-x-0 top-auto bottom-0 m-0 max-h-[90dvh] w-full max-w-none overflow-y-auto rounded-t-2xl border border-subtle bg-surface p-0 text-primary shadow-2xl backdrop:bg-black/60 md:inset-y-0 md:right-0 md:left-auto md:h-dvh md:max-h-dvh md:w-[40rem] md:rounded-none md:rounded-l-2xl xl:w-[58rem]"
    >
      <div className="sticky top-0 z-10 flex items-start justify-between gap-3 border-b border-subtle bg-surface px-4 py-3 md:px-6">
        <div className="min-w-0">
          <h2 id={titleId} className="truncate text-lg font-semibold" title={address}>
            {title}
          </h2>
          <p className="flex items-center gap-1 text-xs text-muted">
            <span>{CHAIN_NAME[chain] ?? chain}</span>
            <span aria-hidden="true">·</span>
            <span className="num truncate">{shortAddress(address, 8, 6)}</span>
            <CopyButton value={address} label={`Copy address of ${title}`} />
          </p>
        </div>
        <button
          ref={closeRef}
          type="button"
          onClick={onClose}
          aria-label="Close validator details"
          className="inline-flex min-h-11 min-w-11 items-center justify-center rounded-lg text-secondary hover:bg-raised hover:text-primary"
        >
          <Icon name="close" />
        </button>
      </div>
      {notFound ? (
        <p role="alert" className="p-6 text-sm text-negative">
          There is no validator {validatorId}. The link may be mistyped.
        </p>
      ) : (
        <div className="flex flex-col gap-6 px-4 py-4 md:px-6">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <Facts validatorId={validatorId} />
            <WatchButton validatorId={validatorId} label={title} />
          </div>
          <section aria-labelledby={`${titleId}-score`} className="flex flex-col gap-3">
            <h3 id={`${titleId}-score`} className="font-semibold">
              Risk score
            </h3>
            <ScoreSummary validatorId={validatorId} />
          </section>
          <div className="grid gap-6 xl:grid-cols-2">
            <section aria-labelledby={`${titleId}-history`} className="flex min-w-0 flex-col gap-2">
              <h3 id={`${titleId}-history`} className="font-semibold">
                Score history
              </h3>
              <ScoreHistory validatorId={validatorId} />
            </section>
            <section aria-labelledby={`${titleId}-yield`} className="flex min-w-0 flex-col gap-2">
              <h3 id={`${titleId}-yield`} className="font-semibold">
                Real yield history
              </h3>
              <YieldHistory validatorId={validatorId} />
            </section>
          </div>
        </div>
      )}
    </dialog>
  );
}
