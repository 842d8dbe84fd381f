// A small daily line chart on visx: one or two lines over UTC days, optional coloured
// bands behind them, red markers on chosen days, and a tooltip that follows the pointer,
// a touch, or the arrow keys (the chart is one focusable group; the tooltip is also
// announced). The figures are in a visually hidden table for screen readers as well.
import { AxisBottom, AxisLeft } from "@visx/axis";
import { localPoint } from "@visx/event";
import { Group } from "@visx/group";
import { scaleLinear, scaleUtc } from "@visx/scale";
import { LinePath } from "@visx/shape";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { nearestIndex, shortDay } from "./chart";

export type ChartLine = { label: string; color: string; values: (number | null)[]; dashed?: boolean };
export type ChartBand = { from: number; to: number; color: string };

type Props = {
  label: string;
  days: string[];
  lines: ChartLine[];
  yDomain: [number, number];
  yTicks?: number[];
  yFormat?: (value: number) => string;
  bands?: ChartBand[];
  markers?: boolean[];
  /** The words for one day (tooltip and announcement). */
  describe: (index: number) => string;
  /** Column headings and cell text of the hidden table. */
  table: { columns: string[]; row: (index: number) => string[] };
  height?: number;
};

const MARGIN = { top: 10, right: 14, bottom: 26, left: 40 };
const day = (d: string) => new Date(`${d}T00:00:00Z`);

/** The element's width, followed as it resizes (jsdom has no ResizeObserver: 320). */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(320);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function TimeChart({ label, days, lines, yDomain, yTicks, yFormat = String, bands = [], markers = [], describe, table, height = 200 }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [active, setActive] = useState<number | null>(null);
  const liveId = useId();
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return null;
  // one day alone gets a day either side, so it sits in the middle
  const start = days.length > 1 ? day(first) : new Date(day(first).getTime() - 86_400_000);
  const end = days.length > 1 ? day(last) : new Date(day(last).getTime() + 86_400_000);
  const x = scaleUtc({ domain: [start, end], range: [0, innerW] });
  const y = scaleLinear({ domain: yDomain, range: [innerH, 0], clamp: true });
  const xs = days.map((d) => x(day(d)));
  const tickCount = Math.max(2, Math.min(days.length, Math.floor(innerW / 70)));

  const pick = (event: PointerEvent<SVGRectElement>) => {
    const point = localPoint(event);
    if (point) setActive(nearestIndex(xs, point.x - MARGIN.left));
  };
  const onKey = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    setActive((i) => {
      if (step === -Infinity) return 0;
      if (step === Infinity) return days.length - 1;
      if (i === null) return step > 0 ? 0 : days.length - 1;
      return Math.min(days.length - 1, Math.max(0, i + step));
    });
  };

  const activeX = active === null ? 0 : (xs[active] ?? 0) + MARGIN.left;
  return (
    <div className="relative">
      <div
        ref={ref}
        role="group"
        tabIndex={0}
        aria-label={`${label}. Use the left and right arrow keys to read each day.`}
        aria-describedby={liveId}
        onKeyDown={onKey}
        onFocus={() => setActive((i) => i ?? days.length - 1)}
        onBlur={() => setActive(null)}
        className="rounded-lg"
      >
        <svg width={width} height={height} aria-hidden="true" className="block max-w-full overflow-visible">
          <Group left={MARGIN.left} top={MARGIN.top}>
            {bands.map((b) => (
              <rect key={b.from} x={0} width={innerW} y={y(b.to)} height={y(b.from) - y(b.to)} fill={b.color} opacity={0.14} />
            ))}
            <AxisLeft
              scale={y}
              tickValues={yTicks}
              numTicks={yTicks ? undefined : 4}
              tickFormat={(v) => yFormat(Number(v))}
              stroke="var(--st-border-subtle)"
              tickStroke="var(--st-border-subtle)"
              tickLabelProps={{ fill: "var(--st-text-secondary)", fontSize: 11, textAnchor: "end", dx: -4, dy: 3 }}
            />
            <AxisBottom
              top={innerH}
              scale={x}
              numTicks={tickCount}
              tickFormat={(v) => shortDay((v as Date).toISOString().slice(0, 10))}
              stroke="var(--st-border-subtle)"
              tickStroke="var(--st-border-subtle)"
              tickLabelProps={{ fill: "var(--st-text-secondary)", fontSize: 11, textAnchor: "middle" }}
            />
            {lines.map((line) => (
              <LinePath
                key={line.label}
                data={line.values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null)}
                x={(p) => xs[p.i] ?? 0}
                y={(p) => y(p.v)}
                stroke={line.color}
                strokeWidth={2}
                strokeDasharray={line.dashed ? "5 4" : undefined}
              />
            ))}
            {lines[0]?.values.map((v, i) =>
              v === null ? null : (
                <circle
                  key={days[i]}
                  cx={xs[i]}
                  cy={y(v)}
                  r={markers[i] ? 5 : days.length > 20 ? 0 : 2.5}
                  fill={markers[i] ? "var(--st-vrs-red)" : lines[0]?.color}
                  stroke={markers[i] ? "var(--st-bg-surface)" : "none"}
                  strokeWidth={1.5}
                  data-drop={markers[i] ? "true" : undefined}
                />
              ),
            )}
            {active !== null && <line x1={xs[active]} x2={xs[active]} y1={0} y2={innerH} stroke="var(--st-text-muted)" strokeDasharray="3 3" />}
            <rect
              width={Math.max(0, innerW)}
              height={Math.max(0, innerH)}
              fill="transparent"
              onPointerMove={pick}
              onPointerDown={pick}
              onPointerLeave={() => setActive(null)}
            />
          </Group>
        </svg>
      </div>
      {active !== null && (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute top-0 z-10 max-w-[14rem] rounded-md border border-subtle bg-raised px-2 py-1 text-xs text-primary shadow-lg"
          style={activeX > width / 2 ? { right: width - activeX + 8 } : { left: activeX + 8 }}
          data-testid="chart-tooltip"
        >
          {describe(active)}
        </div>
      )}
      <p id={liveId} aria-live="polite" className="sr-only">
        {active !== null ? describe(active) : ""}
      </p>
      <table className="sr-only">
        <caption>{label}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d, i) => (
            <tr key={d}>
              {table.row(i).map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
