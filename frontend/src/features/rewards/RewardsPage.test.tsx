// The rewards page against a stubbed network boundary: empty states, performance cards,
// realised APY next to the real yield, the chart's summary, the ledger's paging and
// granularity, and the export (free: the hint; pro: a download of the chosen year).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, net } from "../../test/net";
import type { Portfolio } from "../dashboard/position-view";
import { RewardsPage } from "./RewardsPage";
import type { PerformanceWindow, PortfolioPerformance, Reward } from "./view";

afterEach(cleanup);
beforeEach(() => localStorage.clear());

const today = new Date().toISOString().slice(0, 10);
const amount = (display: string, usd: string) => ({ baseUnits: "1", display, fiat: { usd, eur: usd } });
const win = (window: PerformanceWindow["window"], events: number, over: Partial<PerformanceWindow> = {}): PerformanceWindow => ({
  window,
  rewards: amount(events ? "0.5" : "0", events ? "1650.00" : "0.00"),
  events,
  estimatedEvents: 0,
  averageStake: null,
  coveredFrom: events ? "2026-11-24T14:00:00Z" : null,
  coveredTo: events ? "2026-12-04T14:00:00Z" : null,
  coveredDays: events ? "10" : "0",
  realisedApy: events ? "0.0274" : null,
  confidence: events > 100 ? "medium" : "low",
  ...over,
});
const perf = (events: number): PortfolioPerformance => ({
  windows: (["24h", "7d", "30d", "all"] as const).map((w) => ({
    window: w,
    fiat: { usd: events ? "1650.00" : "0.00", eur: events ? "1500.00" : "0.00" },
    events,
    estimatedEvents: 0,
    realisedApy: events ? "0.0274" : null,
    confidence: events > 100 ? ("medium" as const) : ("low" as const),
  })),
  chains: [{ chain: "eth", nominalApy: "0.0276", realYield: "0.0211", windows: (["24h", "7d", "30d", "all"] as const).map((w) => win(w, events)) }],
  nominalApy: "0.0276",
  realYield: "0.0211",
  since: "2026-11-04T14:00:00Z",
});
const portfolio = (over: Partial<Portfolio>): Portfolio => ({
  wallets: 1,
  chains: [{ chain: "eth", wallets: 1, positions: 1, validators: 1, total: amount("32", "100000"), fetchedAt: "2026-12-04T14:00:00Z", stale: false, lastError: null }],
  positions: [
    {
      chain: "eth",
      wallet: "0x1234…abcd",
      walletId: "00000000-0000-4000-8000-000000000001",
      validator: { id: "eth:14928", address: "14928", name: null, status: "active", commission: "0" },
      amount: amount("32", "100000"),
      rewards: null,
      status: "active",
      kind: "stake",
      completesAt: null,
      fetchedAt: "2026-12-04T14:00:00Z",
      vrs: { total: null, band: null, confidence: "low", status: "pending" },
      realYield: { nominalApy: "0.0276", inflationRate: "0.0065", validatorFee: "0", slashingRisk: "0.00001", realYield: "0.0211", confidence: "exact" },
      performance: { windows: (["24h", "7d", "30d", "all"] as const).map((w) => win(w, 36)) },
    },
  ],
  totalFiat: { usd: "100000", eur: "92000" },
  chainCount: 1,
  validatorCount: 1,
  positionCount: 1,
  performance: perf(360),
  ...over,
});
const reward = (i: number, over: Partial<Reward> = {}): Reward => ({
  chain: "eth",
  walletId: "00000000-0000-4000-8000-000000000001",
  wallet: "0x1234…abcd",
  validatorId: "eth:14928",
  position: "14928",
  day: today,
  occurredAt: `${today}T0${i % 10}:00:00Z`,
  periodStart: null,
  kind: "reward",
  amount: amount("0.001", "3.30"),
  price: null,
  epoch: null,
  source: null,
  period: null,
  events: 1,
  estimated: false,
  fetchedAt: `${today}T10:00:00Z`,
  ...over,
});

type Seen = { rewards: URLSearchParams[]; exports: URLSearchParams[] };

function serve(body: Portfolio, tier: "free" | "pro" = "free", exportAnswer?: () => Response): Seen {
  const seen: Seen = { rewards: [], exports: [] };
  net.handler = async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/portfolio") return json({ data: body, meta: {} });
    if (url.pathname === "/api/me")
      return json({ data: { id: "u1", email: null, emailVerified: false, primaryLogin: "wallet", tier, isAdmin: false, createdAt: "2026-01-01T00:00:00Z" }, meta: {} });
    if (url.pathname === "/api/rewards/export") {
      seen.exports.push(url.searchParams);
      return exportAnswer ? exportAnswer() : new Response("date_utc,chain\n2026-12-01,eth\n", { status: 200, headers: { "Content-Type": "text/csv" } });
    }
    if (url.pathname === "/api/rewards") {
      seen.rewards.push(url.searchParams);
      const q = url.searchParams;
      const granularity = q.get("granularity") === "day" ? "day" : "epoch";
      const meta = { limit: Number(q.get("limit")), granularity, from: "2026-11-05", to: today, clamped: tier === "free", upgradeUrl: null };
      if (granularity === "day") return json({ data: [reward(0, { kind: null, occurredAt: null, events: 3, amount: amount("0.003", "9.90") })], meta: { ...meta, nextCursor: null } });
      if (q.get("cursor") === "page2") return json({ data: [reward(7, { estimated: true })], meta: { ...meta, nextCursor: null } });
      return json({ data: [reward(1), reward(2, { kind: "penalty", amount: amount("-0.0001", "-0.33") })], meta: { ...meta, nextCursor: "page2" } });
    }
    return json({ error: "not here", code: "NOT_FOUND", details: {} }, 404);
  };
  return seen;
}

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <RewardsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const ledger = () => screen.getByRole("table", { name: "Rewards ledger" });

describe("RewardsPage", () => {
  it("no wallets: the link-a-wallet empty state", async () => {
    serve(portfolio({ wallets: 0, performance: null, chains: [], positions: [], positionCount: 0 }));
    show();
    expect(await screen.findByRole("heading", { name: "Link a wallet to see your rewards" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Link a wallet" }).getAttribute("href")).toBe("/settings/wallets");
  });

  it("wallets but no reward events yet: says so, no cards", async () => {
    serve(portfolio({ performance: perf(0) }));
    show();
    expect(await screen.findByRole("heading", { name: "No rewards recorded yet" })).toBeTruthy();
    expect(screen.queryAllByTestId("performance-card")).toHaveLength(0);
  });

  it("free: four windows, realised APY beside the real yield with why, the chart, the ledger with paging, the hint instead of the export", async () => {
    const seen = serve(portfolio({}));
    show();
    const cards = await screen.findAllByTestId("performance-card");
    expect(cards.map((c) => within(c).getByRole("heading").textContent)).toEqual(["Last 24 hours", "Last 7 days", "Last 30 days", "Since first seen"]);
    expect(cards[0]!.textContent).toContain("$1,650");
    expect(cards[0]!.textContent).toContain("0.5 ETH");
    expect(cards[3]!.textContent).toContain("Medium confidence");

    const compare = screen.getByTestId("yield-compare");
    expect(compare.textContent).toContain("2.74%");
    expect(compare.textContent).toContain("+2.11%");
    expect(compare.textContent).toContain("0.6 points higher");

    // the chart's summary reads the day rows (granularity=day from 30 days back)
    expect((await screen.findByTestId("chart-summary")).textContent).toContain("$9.90 over 30 days");
    const day = seen.rewards.find((q) => q.get("granularity") === "day");
    expect(day?.get("from")).toBeTruthy();

    // ledger: epoch rows, penalty marked, Load more sends the cursor, estimated marked
    await waitFor(() => expect(within(ledger()).getAllByTestId("ledger-row")).toHaveLength(2));
    expect(within(ledger()).getByText("Penalty")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(ledger()).getAllByTestId("ledger-row")).toHaveLength(3));
    expect(seen.rewards.some((q) => q.get("cursor") === "page2")).toBe(true);
    expect(within(ledger()).getByText("estimated")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();

    // per day
    fireEvent.click(screen.getByRole("button", { name: "Per day" }));
    await waitFor(() => expect(within(ledger()).getByText("3 events")).toBeTruthy());

    // free: the hint, no download
    const exportSection = screen.getByRole("region", { name: "Export for taxes" });
    expect(within(exportSection).getByRole("link", { name: "See Pro" }).getAttribute("href")).toBe("/settings/subscription");
    expect(screen.queryByRole("button", { name: "Download CSV" })).toBeNull();
    expect(seen.exports).toHaveLength(0);
  });

  it("more than one wallet: the ledger filters by wallet", async () => {
    const base = portfolio({});
    const second = { ...base.positions[0]!, walletId: "00000000-0000-4000-8000-000000000002", wallet: "0x9999…eeee" };
    const seen = serve({ ...base, positions: [...base.positions, second] });
    show();
    const select = await screen.findByLabelText("Wallet", { selector: "select" });
    fireEvent.change(select, { target: { value: "00000000-0000-4000-8000-000000000002" } });
    await waitFor(() => expect(seen.rewards.some((q) => q.get("walletId") === "00000000-0000-4000-8000-000000000002")).toBe(true));
  });

  it("pro: downloads the chosen year and currency as a CSV file", async () => {
    const seen = serve(portfolio({}), "pro");
    const created = vi.fn(() => "blob:csv");
    URL.createObjectURL = created;
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    show();
    const button = await screen.findByRole("button", { name: "Download CSV" });
    fireEvent.change(screen.getByLabelText("Currency", { selector: "select" }), { target: { value: "eur" } });
    fireEvent.click(button);
    expect(await screen.findByText(/^Downloaded staketrack-rewards-\d{4}-eur\.csv\.$/)).toBeTruthy();
    expect(seen.exports[0]?.get("currency")).toBe("eur");
    expect(seen.exports[0]?.get("year")).toBe(String(new Date().getUTCFullYear()));
    expect(created).toHaveBeenCalledOnce();
    expect(click).toHaveBeenCalledOnce();
    click.mockRestore();
  });

  it("pro in the client but the server says TIER_LIMIT: the hint replaces the form", async () => {
    serve(portfolio({}), "pro", () => json({ error: "Exporting rewards needs the pro tier.", code: "TIER_LIMIT", details: { feature: "rewards_export" } }, 403));
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Download CSV" })).toBeNull());
    expect(within(screen.getByRole("region", { name: "Export for taxes" })).getByRole("link", { name: "See Pro" })).toBeTruthy();
  });

  it("another export error is shown with the server's message", async () => {
    serve(portfolio({}), "pro", () => json({ error: "Too many requests.", code: "RATE_LIMITED", details: {} }, 429, { "Retry-After": "5" }));
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Download CSV" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The export failed: Too many requests.");
  });
});
