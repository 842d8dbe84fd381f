// The score's daily history (story 4.4): 0–100 over the bands, the change to the day
// before on hover, focus or touch, red markers on drops ("fell by X since DATE"), and why
// the last drop happened (the factors that moved, as the alerts attribute a drop).
import { useId } from "react";
import { Skeleton } from "../../components/Skeleton";
import { UpgradeHint } from "../../components/UpgradeHint";
import { BANDS, collectedSince, deltaText, fellText, longDay, pointText, scoredSeries, signed, todayUtc } from "./chart";
import { FACTOR_NAME } from "./FactorBars";
import { HISTORY_DAYS, useVrsHistory, type LastDrop } from "./queries";
import { TimeChart } from "./TimeChart";

const BAND_COLOR = { red: "var(--st-vrs-red)", yellow: "var(--st-vrs-yellow)", green: "var(--st-vrs-green)" } as const;

export function WhyItChanged({ drop, basic }: { drop: LastDrop; basic: boolean }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-2 rounded-lg border border-subtle bg-base/40 p-3">
      <h4 id={headingId} className="text-sm font-semibold">
        Why the score changed
      </h4>
      <p className="text-sm text-secondary">
        {fellText(drop.fell, drop.from)}: from {drop.before} to {drop.after} on {longDay(drop.to)}.
      </p>
      {drop.causes.length > 0 ? (
        <ul className="flex flex-col gap-1 text-sm" aria-label="Factors that moved">
          {drop.causes.map((c) => (
            <li key={c.factor} className="flex flex-wrap justify-between gap-x-3">
              <span>{FACTOR_NAME[c.factor]}</span>
              <span className="num">
                {c.before} → {c.after}{" "}
                <span className={c.delta < 0 ? "text-negative" : "text-positive"}>({signed(c.delta)})</span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted">No single factor moved by itself: the change comes from how the days are weighted.</p>
      )}
      {basic && <p className="text-xs text-muted">Only the factors of your plan are listed.</p>}
    </section>
  );
}

export function ScoreHistory({ validatorId }: { validatorId: string }) {
  const history = useVrsHistory(validatorId);
  if (history.isPending) return <Skeleton className="h-52" />;
  if (history.isError) {
    return (
      <p role="alert" className="text-sm text-negative">
        The history could not be loaded: {history.error.message}
      </p>
    );
  }
  const { data, meta } = history.data;
  const series = scoredSeries(data.points);
  const since = collectedSince(data.firstScoredAt, meta.days, todayUtc());
  const drops = series.filter((p) => p.drop);
  const lastMarked = drops[drops.length - 1];
  return (
    <div className="flex flex-col gap-3">
      <p className="text-xs text-muted">
        Last {meta.days} days{data.view === "basic" ? " · Basic VRS (3 factors)" : ""}
      </p>
      {series.length === 0 ? (
        <p className="rounded-lg border border-dashed border-subtle p-4 text-sm text-secondary">
          No score history yet.{" "}
          {data.firstScoredAt ? `History is collected since ${longDay(data.firstScoredAt)}.` : "History starts with the first score."}
        </p>
      ) : (
        <TimeChart
          label={`Risk score, last ${meta.days} days`}
          days={series.map((p) => p.date)}
          lines={[{ label: "Risk score", color: "var(--st-brand)", values: series.map((p) => p.total) }]}
          yDomain={[0, 100]}
          yTicks={[0, 50, 80, 100]}
          bands={BANDS.map((b) => ({ from: b.from, to: b.to, color: BAND_COLOR[b.band] }))}
          markers={series.map((p) => p.drop)}
          describe={(i) => (series[i] ? pointText(series[i]) : "")}
          table={{
            columns: ["Day", "Score", "Change"],
            row: (i) => {
              const p = series[i];
              return p ? [longDay(p.date), String(p.total), deltaText(p)] : [];
            },
          }}
        />
      )}
      {since && (
        <p className="text-xs text-secondary" data-testid="collected-since">
          History is collected since {longDay(since)}; the chart shows the days so far.
        </p>
      )}
      {lastMarked && lastMarked.dropPoints !== null && lastMarked.dropSince !== null && (
        <p className="flex items-center gap-2 text-sm text-negative" data-testid="drop-note">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-vrs-red" />
          {fellText(lastMarked.dropPoints, lastMarked.dropSince)}
          {drops.length > 1 ? ` (${drops.length} days marked)` : ""}
        </p>
      )}
      {meta.maxDays < HISTORY_DAYS && <UpgradeHint compact>See {HISTORY_DAYS} days of history with Pro.</UpgradeHint>}
      {data.lastDrop && <WhyItChanged drop={data.lastDrop} basic={data.view === "basic"} />}
    </div>
  );
}
