// The chart: stacked fiat for all chains, one chain in its coin, the keyboard tooltip and
// the table alternative.
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { RewardsChart } from "./RewardsChart";
import type { Reward } from "./view";

afterEach(cleanup);

const row = (chain: Reward["chain"], day: string, display: string, usd: string | null): Reward => ({
  chain,
  walletId: "00000000-0000-4000-8000-000000000001",
  wallet: "0x1234…abcd",
  validatorId: `${chain}:1`,
  position: "1",
  day,
  occurredAt: null,
  periodStart: null,
  kind: null,
  amount: { baseUnits: "1", display, fiat: usd === null ? null : { usd, eur: usd } },
  price: null,
  epoch: null,
  source: null,
  period: null,
  events: 1,
  estimated: false,
  fetchedAt: `${day}T10:00:00Z`,
});

const rows = [row("eth", "2026-12-02", "0.01", "33.00"), row("sol", "2026-12-02", "2", "400.00"), row("eth", "2026-12-03", "0.02", "66.00"), row("sol", "2026-12-03", "1", null)];

function draw() {
  render(<RewardsChart rows={rows} from="2026-12-01" to="2026-12-03" currency="usd" />);
}

describe("RewardsChart", () => {
  it("all chains: fiat stacked per chain, a legend, a summary and the days missing a price said", () => {
    draw();
    expect(screen.getByTestId("chart-summary").textContent).toBe("$499.00 over 3 days; highest on 2 Dec with $433.00.");
    expect(within(screen.getByRole("list", { name: "Legend" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["ETH", "SOL"]);
    // 2 chains × 3 days of bars
    expect(screen.getByTestId("rewards-chart").querySelectorAll("rect")).toHaveLength(6);
    expect(screen.getByText(/Some days have no price yet/)).toBeTruthy();
  });

  it("one chain: its coin amounts", () => {
    draw();
    fireEvent.click(screen.getByRole("button", { name: "SOL" }));
    expect(screen.getByRole("button", { name: "SOL" }).getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("chart-summary").textContent).toBe("3 SOL over 3 days; highest on 2 Dec with 2 SOL.");
    expect(screen.queryByText(/Some days have no price yet/)).toBeNull();
  });

  it("the arrow keys read one day at a time in a tooltip; Escape closes it", () => {
    draw();
    const chart = screen.getByTestId("rewards-chart");
    fireEvent.keyDown(chart, { key: "End" });
    expect(screen.getByTestId("chart-tooltip").textContent).toContain("3 Dec");
    fireEvent.keyDown(chart, { key: "ArrowLeft" });
    const tip = screen.getByTestId("chart-tooltip").textContent ?? "";
    expect(tip).toContain("2 Dec");
    expect(tip).toContain("ETH $33.00");
    expect(tip).toContain("SOL $400.00");
    fireEvent.keyDown(chart, { key: "Escape" });
    expect(screen.queryByTestId("chart-tooltip")).toBeNull();
  });

  it("the table alternative lists every day, newest first", () => {
    draw();
    const table = within(screen.getByRole("region", { name: "Rewards per day, table" })).getByRole("table");
    const days = within(table).getAllByRole("rowheader").map((th) => th.textContent);
    expect(days).toEqual(["3 Dec", "2 Dec", "1 Dec"]);
  });
});
