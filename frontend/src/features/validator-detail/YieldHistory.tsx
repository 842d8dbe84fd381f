// The validator's daily real yield beside its score history: the real yield (after
// inflation, fee and slashing risk) and the nominal APY it comes from.
import { Skeleton } from "../../components/Skeleton";
import { formatRate } from "../../lib/format";
import { longDay } from "./chart";
import { useYieldHistory } from "./queries";
import { TimeChart } from "./TimeChart";

export function YieldHistory({ validatorId }: { validatorId: string }) {
  const history = useYieldHistory(validatorId);
  if (history.isPending) return <Skeleton className="h-52" />;
  if (history.isError) {
    return (
      <p role="alert" className="text-sm text-negative">
        The yield history could not be loaded: {history.error.message}
      </p>
    );
  }
  const { data, meta } = history.data;
  const points = data.points;
  if (points.length === 0) return <p className="rounded-lg border border-dashed border-subtle p-4 text-sm text-secondary">No yield history yet: the real yield is recorded once a day.</p>;
  const real = points.map((p) => Number(p.realYield) * 100);
  const nominal = points.map((p) => Number(p.nominalApy) * 100);
  const low = Math.min(0, ...real, ...nominal);
  const high = Math.max(1, ...real, ...nominal);
  const pad = (high - low) * 0.15;
  const latest = points[points.length - 1];
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-muted">
        Last {meta.days} days · now {formatRate(latest?.realYield, { signed: true })} real, {formatRate(latest?.nominalApy)} nominal
      </p>
      <TimeChart
        label={`Real yield, last ${meta.days} days`}
        days={points.map((p) => p.date)}
        lines={[
          { label: "Real yield", color: "var(--st-positive)", values: real },
          { label: "Nominal APY", color: "var(--st-text-muted)", values: nominal, dashed: true },
        ]}
        yDomain={[Math.floor(low - pad), Math.ceil(high + pad)]}
        yFormat={(v) => `${v}%`}
        describe={(i) => {
          const p = points[i];
          return p ? `${longDay(p.date)}: real yield ${formatRate(p.realYield, { signed: true, digits: 2 })}, nominal ${formatRate(p.nominalApy, { digits: 2 })}` : "";
        }}
        table={{
          columns: ["Day", "Real yield", "Nominal APY"],
          row: (i) => {
            const p = points[i];
            return p ? [longDay(p.date), formatRate(p.realYield, { signed: true, digits: 2 }), formatRate(p.nominalApy, { digits: 2 })] : [];
          },
        }}
      />
      <p className="flex flex-wrap gap-x-4 text-xs text-secondary" aria-hidden="true">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-0.5 w-4 bg-positive" /> Real yield
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-0.5 w-4 border-t-2 border-dashed border-muted" /> Nominal APY
        </span>
      </p>
    </div>
  );
}
