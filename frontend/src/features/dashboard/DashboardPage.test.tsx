// The dashboard's states from a portfolio answer (seeded into the query cache, no network).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DashboardPage } from "./DashboardPage";
import type { Portfolio, PortfolioPosition } from "./position-view";
import { PORTFOLIO_KEY } from "./queries";

afterEach(cleanup);
beforeEach(() => localStorage.clear());

const AT = "2026-12-03T08:36:00Z";
type Block = Portfolio["chains"][number];
const block = (chain: Block["chain"], over: Partial<Block> = {}): Block => ({
  chain,
  wallets: 1,
  positions: 0,
  validators: 0,
  total: { baseUnits: "0", display: "0", fiat: null },
  fetchedAt: AT,
  stale: false,
  lastError: null,
  ...over,
});
const pos = (address: string, usd: string, vrsTotal: number | null): PortfolioPosition => ({
  chain: "eth",
  wallet: "0x1234…abcd",
  walletId: "00000000-0000-4000-8000-000000000001",
  validator: { id: `eth:${address}`, address, name: null, status: "active", commission: "0.1" },
  amount: { baseUnits: "1", display: "32", fiat: { usd, eur: usd } },
  rewards: null,
  status: "active",
  kind: "stake",
  completesAt: null,
  fetchedAt: AT,
  vrs: vrsTotal === null ? { total: null, band: null, confidence: "low", status: "pending" } : { total: vrsTotal, band: null, confidence: "high", status: "scored" },
  realYield: null,
});

function show(portfolio: Partial<Portfolio>, wallets: { chain: "eth"; linkedAt: string }[] = [{ chain: "eth", linkedAt: "2026-01-01T00:00:00Z" }]) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const full: Portfolio = { wallets: 1, positions: [], chains: [], totalFiat: { usd: "0", eur: "0" }, chainCount: 0, validatorCount: 0, positionCount: 0, ...portfolio };
  client.setQueryData(PORTFOLIO_KEY, full);
  client.setQueryData(["yield", full.positionCount], { positions: [], chains: [], overall: null, overallWeighting: null });
  client.setQueryData(["me", "wallets"], wallets);
  render(
    <QueryClientProvider client={client}>
      <DashboardPage />
    </QueryClientProvider>,
  );
}

describe("DashboardPage", () => {
  it("no wallets: the connect empty state", () => {
    show({ wallets: 0 });
    expect(screen.getByRole("heading", { name: "Connect your wallet and see your staking portfolio" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Connect wallet" })).toBeTruthy();
  });

  it("a chain not fetched yet: 'Fetching … data', no empty state yet", () => {
    show({ chains: [block("eth", { fetchedAt: null })], chainCount: 1 });
    expect(screen.getByRole("status").textContent).toContain("Fetching Ethereum data");
    expect(screen.queryByRole("heading", { name: "No staking positions found" })).toBeNull();
  });

  it("fetched, no positions: the empty state offers the chains not linked yet", () => {
    show({ chains: [block("eth")], chainCount: 1 });
    expect(screen.getByRole("heading", { name: "No staking positions found" })).toBeTruthy();
    expect(screen.getByText("Staked on another chain? Add SOL · Add ATOM")).toBeTruthy();
  });

  it("fetched, no positions, but the wallet was linked just now: says it is looking, keeps the empty state", () => {
    show({ chains: [block("eth")], chainCount: 1 }, [{ chain: "eth", linkedAt: new Date().toISOString() }]);
    expect(screen.getByText("Looking for staking positions of your newly linked ETH wallet…")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "No staking positions found" })).toBeTruthy();
  });

  it("a stale chain gets an info banner with the last good time; the KPI score is value-weighted", () => {
    show({
      chains: [block("eth", { stale: true, positions: 2 })],
      positions: [pos("1", "3000", 90), pos("2", "1000", 50)],
      positionCount: 2,
      totalFiat: { usd: "4000", eur: "3700" },
    });
    const banner = screen.getAllByRole("status").find((el) => el.textContent?.includes("could not be refreshed"));
    expect(banner?.textContent).toContain("Ethereum");
    expect(banner?.textContent).toContain("3 Dec 2026, 08:36 UTC");
    expect(banner?.className).toContain("text-primary");
    expect(banner?.className).not.toContain("negative");
    expect(screen.getByRole("img", { name: "Validator Risk Score: 80 of 100, low risk" })).toBeTruthy();
  });

  it("a chain tab without positions, 'Show all chains' goes back; tab and currency are remembered", () => {
    show({ chains: [block("eth", { positions: 1 })], positions: [pos("1", "3000", null)], positionCount: 1, totalFiat: { usd: "3000", eur: "2800" } });
    fireEvent.click(screen.getByRole("tab", { name: "SOL" }));
    expect(screen.getByRole("heading", { name: "No validators for SOL" })).toBeTruthy();
    expect(localStorage.getItem("st-chain-tab")).toBe("sol");
    fireEvent.click(screen.getByRole("button", { name: "Show all chains" }));
    expect(screen.getByRole("tab", { name: "All" }).getAttribute("aria-selected")).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "EUR" }));
    expect(screen.getByTestId("kpi-value").textContent).toBe("€2,800");
    expect(localStorage.getItem("st-currency")).toBe("eur");
    expect(screen.getByRole("region", { name: "Risk score" }).textContent).toContain("pending");
  });
});

describe("DashboardPage errors", () => {
  it("a failed portfolio read: a message and a retry, not a blank page", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, retryOnMount: false } } });
    await client.prefetchQuery({ queryKey: PORTFOLIO_KEY, queryFn: () => Promise.reject(new Error("The service is unavailable.")) });
    render(
      <QueryClientProvider client={client}>
        <DashboardPage />
      </QueryClientProvider>,
    );
    expect(screen.getByRole("alert").textContent).toContain("The service is unavailable.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});
