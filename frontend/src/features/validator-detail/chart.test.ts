import { describe, expect, it } from "vitest";
import { collectedSince, deltaText, fellText, nearestIndex, pointText, scoredSeries, shortDay, signed } from "./chart";
import type { VrsPoint } from "./queries";

const point = (date: string, total: number | null, drop: Partial<VrsPoint> = {}): VrsPoint => ({
  date,
  calculatedAt: `${date}T23:00:00Z`,
  status: total === null ? "pending" : "scored",
  total,
  band: null,
  drop: false,
  dropPoints: null,
  dropSince: null,
  ...drop,
});

describe("chart helpers", () => {
  it("the scored series skips pending days and carries each day's change to the one before", () => {
    const series = scoredSeries([point("2026-12-01", null), point("2026-12-02", 90), point("2026-12-03", 85), point("2026-12-05", 70)]);
    expect(series.map((p) => [p.date, p.total, p.delta, p.previous])).toEqual([
      ["2026-12-02", 90, null, null],
      ["2026-12-03", 85, -5, "2026-12-02"],
      ["2026-12-05", 70, -15, "2026-12-03"],
    ]);
    expect(deltaText(series[0]!)).toBe("first day shown");
    expect(deltaText(series[1]!)).toBe("\u22125 to the day before");
    expect(deltaText(series[2]!)).toBe("\u221215 since 3 Dec"); // a missing day: says since when
  });

  it("words a drop and a day for the tooltip", () => {
    expect(fellText(24, "2026-11-30")).toBe("Fell by 24 since 30 Nov 2026");
    const [, second] = scoredSeries([point("2026-11-30", 90), point("2026-12-01", 66, { drop: true, dropPoints: 24, dropSince: "2026-11-30" })]);
    expect(pointText(second!)).toBe("1 Dec 2026: score 66, \u221224 to the day before, fell by 24 since 30 Nov 2026");
    expect(signed(3)).toBe("+3");
    expect(signed(0)).toBe("±0");
    expect(shortDay("2026-12-04")).toBe("4 Dec");
  });

  it("a history younger than the window says since when it is collected", () => {
    expect(collectedSince("2026-12-01T10:00:00Z", 7, "2026-12-04")).toBe("2026-12-01"); // 4 of 7 days
    expect(collectedSince("2026-11-28T10:00:00Z", 7, "2026-12-04")).toBeNull(); // 7 of 7
    expect(collectedSince(null, 7, "2026-12-04")).toBeNull();
  });

  it("finds the nearest point to the pointer", () => {
    expect(nearestIndex([0, 50, 100], 60)).toBe(1);
    expect(nearestIndex([0, 50, 100], 90)).toBe(2);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});
