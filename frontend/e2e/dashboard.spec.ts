// The dashboard against the demo network: the whale's ETH positions with their values (as
// GET /api/portfolio reports them), chain tabs and currency remembered across a reload, the
// theme toggle, sign out; the empty wallet's empty state; axe + screenshots.
import { expect, test, type Page } from "@playwright/test";
import { signInWithEthViaApi } from "./demo";
import { lookAt } from "./look";

type Position = {
  chain: string;
  validator: { address: string; name: string | null };
  amount: { display: string; fiat: { usd: string | null; eur: string | null } | null };
};
type Portfolio = { positions: Position[]; chains: { chain: string; fetchedAt: string | null }[]; totalFiat: { usd: string | null; eur: string | null } };

/** The positions fetch runs right after sign-in: wait until every chain has been fetched. */
async function fetchedPortfolio(page: Page, ready: (p: Portfolio) => boolean = () => true): Promise<Portfolio> {
  let portfolio: Portfolio | null = null;
  await expect
    .poll(
      async () => {
        const response = await page.request.get("/api/portfolio");
        if (!response.ok()) return `status ${response.status()}`;
        portfolio = ((await response.json()) as { data: Portfolio }).data;
        return portfolio.chains.length > 0 && portfolio.chains.every((c) => c.fetchedAt !== null) && ready(portfolio) ? "fetched" : "pending";
      },
      { timeout: 120_000, intervals: [500, 1000, 2000] },
    )
    .toBe("fetched");
  if (!portfolio) throw new Error("no portfolio");
  return portfolio;
}

const table = (page: Page) => page.getByRole("table", { name: "Staking positions" });

test("the whale sees every ETH position with its value, and the choices are remembered", async ({ page }) => {
  await signInWithEthViaApi(page.request, "whale");
  // the wallet's own first fetch runs after sign-in (the chain's freshness may predate it)
  const portfolio = await fetchedPortfolio(page, (p) => p.positions.some((x) => x.chain === "eth"));

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(table(page).getByTestId("position-row")).toHaveCount(portfolio.positions.length);
  // compare with what the API says now (amounts move when the demo chain is fetched again)
  const now = ((await (await page.request.get("/api/portfolio")).json()) as { data: Portfolio }).data;
  const eth = now.positions.filter((p) => p.chain === "eth");

  // every ETH position: its validator and its amount as the API reports it
  for (const p of eth) {
    const a = p.validator.address;
    const label = p.validator.name ?? (/^\d+$/.test(a) ? `Validator ${a}` : a.length <= 11 ? a : `${a.slice(0, 6)}…${a.slice(-4)}`);
    const row = table(page).getByTestId("position-row").filter({ hasText: label }).first();
    await expect(row).toBeVisible();
    const amount = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 }).format(Number(p.amount.display));
    await expect(table(page)).toContainText(`${amount} ETH`);
  }
  // the real yield is a signed percentage (from /api/yield until positions carry it)
  await expect(table(page).getByTestId("position-row").first()).toContainText(/[+\u2212]?\d+\.\d%/);

  // chain tab ETH: only ETH rows, remembered after a reload
  await page.getByRole("tab", { name: "ETH" }).click();
  await expect(table(page).getByTestId("position-row")).toHaveCount(eth.length);
  // currency EUR, remembered too
  await page.getByRole("button", { name: "EUR" }).click();
  if (portfolio.totalFiat.eur !== null) await expect(page.getByTestId("kpi-value")).toContainText("€");
  await page.reload();
  await expect(page.getByRole("tab", { name: "ETH" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("button", { name: "EUR" })).toHaveAttribute("aria-pressed", "true");
  await expect(table(page).getByTestId("position-row")).toHaveCount(eth.length);

  // a chain without positions, then back to all
  const emptyChain = (["sol", "atom"] as const).find((c) => !portfolio.positions.some((p) => p.chain === c));
  if (emptyChain) {
    await page.getByRole("tab", { name: emptyChain.toUpperCase() }).click();
    await expect(page.getByRole("heading", { name: `No validators for ${emptyChain.toUpperCase()}` })).toBeVisible();
    await page.getByRole("button", { name: "Show all chains" }).click();
  } else {
    await page.getByRole("tab", { name: "All" }).click();
  }
  await expect(table(page).getByTestId("position-row")).toHaveCount(portfolio.positions.length);

  // the sidebar collapses, and stays collapsed after a reload
  await page.getByRole("button", { name: "Collapse sidebar" }).click();
  await page.reload();
  await expect(page.getByRole("button", { name: "Expand sidebar" })).toHaveAttribute("aria-expanded", "false");
  await expect(table(page).getByTestId("position-row").first()).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/dashboard-sidebar-collapsed.png" });
  await page.getByRole("button", { name: "Expand sidebar" }).click();

  // theme toggle: light, remembered
  await page.getByRole("button", { name: "Switch to light theme" }).first().click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.getByRole("button", { name: "Switch to dark theme" }).first().click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

  await lookAt(page, "dashboard", async (p) => {
    await expect(p.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
    await expect(p.getByRole("tablist", { name: "Chain" })).toBeVisible();
  });

  // sign out → /signin, and the dashboard is closed
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get("/api/portfolio")).status()).toBe(401);
});

test("a wallet without positions shows the no-positions empty state", async ({ page }) => {
  await signInWithEthViaApi(page.request, "empty");
  await fetchedPortfolio(page);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "No staking positions found" })).toBeVisible();
  await expect(page.getByText("Staked on another chain? Add SOL · Add ATOM")).toBeVisible();
  await lookAt(page, "dashboard-empty", async (p) => {
    await expect(p.getByRole("heading", { name: "No staking positions found" })).toBeVisible();
  });
});
