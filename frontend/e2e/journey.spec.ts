// The whole first visit, as a person does it: sign in with an Ethereum wallet, link the
// Solana and Cosmos wallets from the dashboard, see every position of all three chains
// with its values, switch tabs, then sign out. The staker, so that no other spec has
// linked these wallets already (the e2e server keeps one database for the whole run).
import { expect, test } from "@playwright/test";
import { CHAIN_SYMBOL, formatAmount } from "../src/lib/format";
import { makePro, myId } from "./demo";
import { installFakeWallets } from "./wallets/fakes";

type Position = { chain: string; validator: { id: string }; amount: { display: string } };

async function portfolio(page: import("@playwright/test").Page): Promise<Position[]> {
  const response = await page.request.get("/api/portfolio");
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { data: { positions: Position[] } }).data.positions;
}

test("sign in with ETH, link SOL and ATOM from the dashboard, see every position, sign out", async ({ page, browser, baseURL }) => {
  await installFakeWallets(page, "staker"); // not the whale: signin.spec links the whale's wallets itself
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await page.getByRole("dialog").getByRole("button", { name: /StakeTrack Test Wallet/ }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  // three chains are pro (free links one: signin.spec shows the refusal): an admin grants it
  await makePro(browser, baseURL ?? "", await myId(page.request));

  for (const [tab, chain] of [["SOL", "sol"], ["ATOM", "atom"]] as const) {
    await page.getByRole("tab", { name: tab, exact: true }).click();
    await page.getByRole("button", { name: `Add ${tab} wallet` }).click();
    // the link starts that wallet's positions fetch: wait until the API has them
    await expect
      .poll(async () => (await portfolio(page)).filter((p) => p.chain === chain).length, { timeout: 120_000 })
      .toBeGreaterThan(0);
  }

  const positions = await portfolio(page);
  expect(new Set(positions.map((p) => p.chain))).toEqual(new Set(["eth", "sol", "atom"]));
  // every position the API reports is on the page with its amount, under its chain's tab
  for (const chain of ["eth", "sol", "atom"] as const) {
    await page.getByRole("tab", { name: CHAIN_SYMBOL[chain], exact: true }).click();
    const panel = page.getByRole("tabpanel");
    for (const p of positions.filter((position) => position.chain === chain)) {
      const amount = formatAmount(p.amount.display, chain);
      await expect(panel.getByText(amount, { exact: true }).filter({ visible: true }).first()).toBeVisible();
    }
    const others = positions.find((position) => position.chain !== chain);
    if (others) {
      const foreign = formatAmount(others.amount.display, others.chain as "eth" | "sol" | "atom");
      await expect(panel.getByText(foreign, { exact: true }).filter({ visible: true })).toHaveCount(0);
    }
  }
  await page.getByRole("tab", { name: "All", exact: true }).click();
  for (const p of positions) {
    const amount = formatAmount(p.amount.display, p.chain as "eth" | "sol" | "atom");
    await expect(page.getByRole("tabpanel").getByText(amount, { exact: true }).filter({ visible: true }).first()).toBeVisible();
  }

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get("/api/portfolio")).status()).toBe(401);
});
