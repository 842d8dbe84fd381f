// Rewards over time (daily): all chains stacked in fiat, or one chain in its coin. A
// tooltip on hover and on the arrow keys, a text summary, and the numbers as a table.
import { AxisBottom, AxisLeft } from "@visx/axis";
import { localPoint } from "@visx/event";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { BarStack } from "@visx/shape";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";
import { CHAIN_SYMBOL, formatAmount, formatFiat, type ChainId, type Currency } from "../../lib/format";
import { CHAIN_COLOR, chainsIn, dailySeries, seriesSummary, shortDay, type ChartMode, type DayPoint, type Reward } from "./view";

const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 32, left: 56 };

/** Axis labels: "$800", "$1.2K", "0.05" — short enough for a phone. */
function axisLabel(n: number, currency: Currency | null): string {
  const format = new Intl.NumberFormat("en-US", {
    notation: "compact",
    maximumFractionDigits: Math.abs(n) >= 10 || n === 0 ? 1 : 4,
    ...(currency ? { style: "currency", currency: currency.toUpperCase() } : {}),
  });
  return format.format(n);
}

/** The width of an element, followed with a ResizeObserver (a default where there is none). */
function useWidth(fallback = 640) {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setWidth(Math.floor(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

export function RewardsChart({ rows, from, to, currency, controls }: { rows: Reward[]; from: string; to: string; currency: Currency; controls?: ReactNode }) {
  const chains = useMemo(() => chainsIn(rows), [rows]);
  const [mode, setMode] = useState<ChartMode>("all");
  const shownMode: ChartMode = mode !== "all" && !chains.includes(mode) ? "all" : mode;
  const points = useMemo(() => dailySeries(rows, shownMode, currency, from, to), [rows, shownMode, currency, from, to]);
  const keys: ChainId[] = shownMode === "all" ? chains : [shownMode];
  const unit = (n: number) => (shownMode === "all" ? formatFiat(n, currency) : formatAmount(n, shownMode, 6));
  const [ref, width] = useWidth();
  const [active, setActive] = useState<number | null>(null);

  const innerW = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xScale = useMemo(() => scaleBand<string>({ domain: points.map((p) => p.day), range: [0, innerW], padding: 0.2 }), [points, innerW]);
  const yScale = useMemo(() => {
    let lo = 0;
    let hi = 0;
    for (const p of points) {
      const pos = keys.reduce((s, k) => s + Math.max(0, p[k]), 0);
      const neg = keys.reduce((s, k) => s + Math.min(0, p[k]), 0);
      hi = Math.max(hi, pos);
      lo = Math.min(lo, neg);
    }
    if (hi === 0 && lo === 0) hi = 1;
    return scaleLinear<number>({ domain: [lo, hi], range: [innerH, 0], nice: true });
  }, [points, keys, innerH]);
  const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(innerW / 64))));
  const ticks = points.filter((_, i) => (points.length - 1 - i) % every === 0).map((p) => p.day);
  const missingFiat = shownMode === "all" && points.some((p) => p.missingFiat);
  const current: DayPoint | null = active === null ? null : (points[active] ?? null);

  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    const at = localPoint(event);
    if (!at || xScale.step() === 0) return;
    const i = Math.floor((at.x - MARGIN.left - xScale.paddingOuter() * xScale.step()) / xScale.step());
    setActive(i >= 0 && i < points.length ? i : null);
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = points.length - 1;
    let next: number | null = null;
    if (event.key === "ArrowRight") next = Math.min(last, (active ?? -1) + 1);
    else if (event.key === "ArrowLeft") next = Math.max(0, (active ?? points.length) - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = last;
    else if (event.key === "Escape") {
      setActive(null);
      return;
    }
    if (next === null) return;
    event.preventDefault();
    setActive(next);
  };

  const tipLeft = current ? MARGIN.left + (xScale(current.day) ?? 0) + xScale.bandwidth() / 2 : 0;
  const tipText = current
    ? `${shortDay(current.day)}: ${unit(current.total)}${keys.length > 1 ? ` (${keys.map((k) => `${CHAIN_SYMBOL[k]} ${unit(current[k])}`).join(", ")})` : ""}`
    : "";

  return (
    <section aria-labelledby="rewards-chart-heading" className="space-y-3 rounded-xl border border-subtle bg-surface p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="rewards-chart-heading" className="text-lg font-semibold">
          Rewards per day
        </h2>
        <div className="flex flex-wrap items-center gap-2">
        {controls}
        <div role="group" aria-label="Chart shows" className="inline-flex flex-wrap rounded-md border border-subtle">
          {(["all", ...chains] as ChartMode[]).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={shownMode === m}
              onClick={() => setMode(m)}
              className={`min-h-11 px-3 text-sm font-medium ${shownMode === m ? "bg-raised text-primary" : "text-secondary hover:text-primary"}`}
            >
              {m === "all" ? `All chains (${currency.toUpperCase()})` : CHAIN_SYMBOL[m]}
            </button>
          ))}
        </div>
        </div>
      </div>
      <p id="rewards-chart-summary" className="text-sm text-secondary" data-testid="chart-summary">
        {seriesSummary(points, unit)}
      </p>
      {keys.length > 1 && (
        <ul className="flex flex-wrap gap-4 text-xs text-secondary" aria-label="Legend">
          {keys.map((k) => (
            <li key={k} className="flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm" style={{ background: CHAIN_COLOR[k] }} />
              {CHAIN_SYMBOL[k]}
            </li>
          ))}
        </ul>
      )}
      <div
        ref={ref}
        tabIndex={0}
        role="group"
        aria-label="Rewards chart: the left and right arrow keys read one day at a time"
        aria-describedby="rewards-chart-summary"
        onKeyDown={onKey}
        onBlur={() => setActive(null)}
        className="relative rounded-md text-secondary"
        data-testid="rewards-chart"
      >
        <svg width={width} height={HEIGHT} role="img" aria-label={`Bar chart of rewards per day from ${shortDay(from)} to ${shortDay(to)}`} onMouseMove={onMove} onMouseLeave={() => setActive(null)}>
          <Group left={MARGIN.left} top={MARGIN.top}>
            <line x1={0} x2={innerW} y1={yScale(0)} y2={yScale(0)} stroke="currentColor" strokeOpacity={0.4} />
            <BarStack<DayPoint, ChainId> data={points} keys={keys} x={(d) => d.day} xScale={xScale} yScale={yScale} color={(k) => CHAIN_COLOR[k]} offset="diverging">
              {(stacks) =>
                stacks.map((stack) =>
                  stack.bars.map((bar) => (
                    <rect
                      key={`${stack.index}-${bar.index}`}
                      x={bar.x}
                      y={bar.y}
                      width={bar.width}
                      height={Math.max(0, bar.height)}
                      style={{ fill: CHAIN_COLOR[bar.key], opacity: active === null || active === bar.index ? 1 : 0.45 }}
                      rx={2}
                    />
                  )),
                )
              }
            </BarStack>
            <AxisLeft
              scale={yScale}
              numTicks={4}
              stroke="currentColor"
              tickStroke="currentColor"
              tickFormat={(v) => axisLabel(Number(v), shownMode === "all" ? currency : null)}
              tickLabelProps={() => ({ fill: "currentColor", fontSize: 11, textAnchor: "end", dx: -4, dy: 3 })}
            />
            <AxisBottom
              top={innerH}
              scale={xScale}
              tickValues={ticks}
              stroke="currentColor"
              tickStroke="currentColor"
              tickFormat={(d) => shortDay(String(d))}
              tickLabelProps={() => ({ fill: "currentColor", fontSize: 11, textAnchor: "middle" })}
            />
          </Group>
        </svg>
        {current && (
          <div
            role="tooltip"
            data-testid="chart-tooltip"
            className="pointer-events-none absolute top-2 z-10 max-w-64 -translate-x-1/2 rounded-md border border-subtle bg-raised px-2 py-1 text-xs text-primary shadow-lg"
            style={{ left: Math.min(Math.max(tipLeft, 90), Math.max(90, width - 90)) }}
          >
            <div className="font-medium">{shortDay(current.day)}</div>
            <div className="num">{unit(current.total)}</div>
            {keys.length > 1 &&
              keys.map((k) => (
                <div key={k} className="num text-secondary">
                  {CHAIN_SYMBOL[k]} {unit(current[k])}
                </div>
              ))}
          </div>
        )}
        <p className="sr-only" aria-live="polite">
          {tipText}
        </p>
      </div>
      {missingFiat && <p className="text-xs text-warning">Some days have no price yet: their rewards are missing from the fiat bars. Pick a chain to see them in its coin.</p>}
      <details className="text-sm">
        <summary className="min-h-11 cursor-pointer content-center text-secondary hover:text-primary">Show the numbers as a table</summary>
        <div role="region" className="mt-2 max-h-80 overflow-auto rounded-md border border-subtle" tabIndex={0} aria-label="Rewards per day, table">
          <table className="w-full text-sm">
            <caption className="sr-only">Rewards per day</caption>
            <thead className="sticky top-0 bg-surface text-left text-xs text-secondary">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Day</th>
                {keys.length > 1 &&
                  keys.map((k) => (
                    <th key={k} scope="col" className="px-3 py-2 text-right font-medium">
                      {CHAIN_SYMBOL[k]}
                    </th>
                  ))}
                <th scope="col" className="px-3 py-2 text-right font-medium">Total</th>
              </tr>
            </thead>
            <tbody>
              {[...points].reverse().map((p) => (
                <tr key={p.day} className="border-t border-subtle">
                  <th scope="row" className="px-3 py-1.5 text-left font-normal">{shortDay(p.day)}</th>
                  {keys.length > 1 &&
                    keys.map((k) => (
                      <td key={k} className="num px-3 py-1.5 text-right">
                        {unit(p[k])}
                      </td>
                    ))}
                  <td className="num px-3 py-1.5 text-right">{unit(p.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
