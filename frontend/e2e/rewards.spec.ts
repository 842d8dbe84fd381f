// Rewards on the demo network: the "staker" demo wallet's reward history (the real
// `staketrack demo seed` backfills it on the suite's server, as the hourly ingest would have
// stored it), its performance cards, chart and ledger; as free the export is an upgrade hint,
// after an admin grants pro the CSV downloads; a user without positions sees the empty state.
// axe + screenshots of both.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { makeFree, makePro, myId, signInFresh, signInWithEthViaApi } from "./demo";
import { lookAt } from "./look";

const ROOT = join(import.meta.dirname, "..", "..");
const DATA_DIR = process.env.E2E_DATA_DIR ?? join(ROOT, "frontend", "test-results", `e2e-data-${process.env.E2E_PORT ?? "8765"}`);

type Window = { window: string; events: number };
type Portfolio = { positions: { chain: string }[]; chains: { fetchedAt: string | null }[]; performance: { windows: Window[] } | null };

async function portfolioOf(request: APIRequestContext): Promise<Portfolio | null> {
  const response = await request.get("/api/portfolio");
  return response.ok() ? ((await response.json()) as { data: Portfolio }).data : null;
}

/** Wait (hang guard only) until the portfolio satisfies `ready`. */
async function waitForPortfolio(page: Page, ready: (p: Portfolio) => boolean): Promise<void> {
  await expect
    .poll(async () => {
      const p = await portfolioOf(page.request);
      return p !== null && ready(p) ? "ready" : "pending";
    }, { timeout: 180_000, intervals: [500, 1000, 2000] })
    .toBe("ready");
}

/** The linked wallets' reward events of the last days, through the CLI on the server's
 *  own embedded database (the running server sees a CLI write on its next request). */
// the same history as validators.spec.ts seeds (it skips its seed when this one ran): one
// backfill for the suite, so no later seed rewrites the days another spec reads
const SEED_DAYS = 10;

async function seedRewards(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR, NETWORK: "demo", LOG_LEVEL: "WARNING", LOG_FORMAT: "console" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  await promisify(execFile)(join(ROOT, ".venv", "bin", "staketrack"), ["demo", "seed", "--days", String(SEED_DAYS), "--workers", "1"], { env, cwd: ROOT, timeout: 600_000 });
}

const exportRegion = (page: Page) => page.getByRole("region", { name: "Export for taxes" });

test("a staker sees performance, chart and ledger; free gets the hint, pro downloads the CSV", async ({ page, browser, baseURL }) => {
  await signInWithEthViaApi(page.request, "staker");
  await waitForPortfolio(page, (p) => p.chains.length > 0 && p.chains.every((c) => c.fetchedAt !== null) && p.positions.some((x) => x.chain === "eth"));
  await seedRewards();
  await waitForPortfolio(page, (p) => (p.performance?.windows.find((w) => w.window === "all")?.events ?? 0) > 0);
  const userId = await myId(page.request);
  await makeFree(browser, baseURL ?? "", userId); // journey.spec.ts makes the staker pro

  await page.goto("/rewards");
  await expect(page.getByRole("heading", { name: "Rewards", level: 1 })).toBeVisible();
  const cards = page.getByTestId("performance-card");
  await expect(cards).toHaveCount(4);
  await expect(cards.last()).toContainText("ETH");
  await expect(cards.last()).toContainText(/Realised APY\s*\d+\.\d\d%/);
  await expect(page.getByTestId("yield-compare").first()).toContainText("Real yield");

  // the chart: a summary with a total, and a tooltip when a day is read with the keyboard
  await expect(page.getByTestId("chart-summary")).toContainText(/over \d+ days; highest on/);
  await page.getByTestId("rewards-chart").focus();
  await page.keyboard.press("End");
  await expect(page.getByTestId("chart-tooltip")).toBeVisible();
  await page.getByText("Show the numbers as a table").click();
  await expect(page.getByRole("region", { name: "Rewards per day, table" })).toBeVisible();

  // the ledger: rows newest first; per day groups the events
  const rows = page.getByRole("table", { name: "Rewards ledger" }).getByTestId("ledger-row");
  await expect(rows.first()).toBeVisible();
  const perEvent = await rows.count();
  await page.getByRole("button", { name: "Per day" }).click();
  await expect(rows.first()).toContainText(/\d+ events?/);
  expect(perEvent).toBeGreaterThan(0);

  // free: the upgrade hint instead of the export
  await expect(exportRegion(page).getByRole("link", { name: "See Pro" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Download CSV" })).toHaveCount(0);

  await lookAt(page, "rewards", async (p) => {
    await expect(p.getByRole("heading", { name: "Rewards", level: 1 })).toBeVisible();
    await expect(p.getByTestId("performance-card")).toHaveCount(4);
    await expect(p.getByTestId("rewards-chart")).toBeVisible();
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  try {
    await makePro(browser, baseURL ?? "", userId);
    await page.reload();
    const button = exportRegion(page).getByRole("button", { name: "Download CSV" });
    await expect(button).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^staketrack-rewards-\d{4}-usd\.csv$/);
    const path = await download.path();
    const lines = (await readFile(path, "utf8")).trim().split(/\r?\n/);
    expect(lines[0]).toBe("date_utc,chain,wallet,validator,position,kind,amount,asset,amount_base_units,price_usd,value_usd,source,epoch,period,estimated");
    expect(lines.length).toBeGreaterThan(1);
    // every row has the header's 15 fields; the staker's ETH rewards are there with the full
    // address (journey.spec.ts may have linked its SOL and ATOM wallets too)
    for (const line of lines.slice(1)) expect(line.split(",")).toHaveLength(15);
    expect(lines.slice(1).some((line) => /^\d{4}-\d{2}-\d{2}[^,]*,eth,0x[0-9a-fA-F]{40},/.test(line))).toBe(true);
    await expect(exportRegion(page).getByRole("status")).toContainText("Downloaded staketrack-rewards-");
  } finally {
    await makeFree(browser, baseURL ?? "", userId);
  }
});

test("a user without staking positions sees that no rewards are recorded", async ({ page }) => {
  await signInFresh(page.request);
  await waitForPortfolio(page, (p) => p.chains.length > 0 && p.chains.every((c) => c.fetchedAt !== null));
  await page.goto("/rewards");
  await expect(page.getByRole("heading", { name: "No rewards recorded yet" })).toBeVisible();
  await expect(page.getByText("Your linked wallets have no staking positions.")).toBeVisible();
  await lookAt(page, "rewards-empty", async (p) => {
    await expect(p.getByRole("heading", { name: "No rewards recorded yet" })).toBeVisible();
  });
});
