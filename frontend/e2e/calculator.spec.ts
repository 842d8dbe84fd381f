// The public calculator, signed out: live result matching the API, validator search,
// share link round trip, invalid amount, the CTA, and a look (axe + screenshots).
import { expect, type Page, test } from "@playwright/test";
import { formatAmount, formatFiat, formatRate } from "../src/lib/format";
import { signInWithEthViaApi } from "./demo";
import { lookAt } from "./look";

type Amount = { display: string; fiat?: { usd?: string | null; eur?: string | null } | null };
type Calc = {
  chain: "eth" | "sol" | "atom";
  validatorId: string | null;
  nominalApy: string;
  inflationRate: string;
  validatorFee: string;
  slashingRisk: string;
  realYield: string;
  yearly: { nominal: Amount; inflation: Amount; validatorFee: Amount; slashingRisk: Amount; real: Amount };
};

async function calculate(page: Page, body: { chain: string; amount: string; validatorId?: string }): Promise<Calc> {
  const response = await page.request.post("/api/yield/calculate", { data: body });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: Calc }).data;
}

async function expectRow(page: Page, part: string, rate: string, amount: Amount, chain: Calc["chain"]) {
  const row = page.locator(`tr[data-part="${part}"]`);
  await expect(row.locator("td").nth(0)).toHaveText(rate);
  await expect(row.locator("td").nth(1)).toHaveText(formatAmount(amount.display, chain));
  await expect(row.locator("td").nth(2)).toHaveText(formatFiat(amount.fiat?.usd, "usd"));
}

async function expectResult(page: Page, expected: Calc) {
  await expectRow(page, "nominal", formatRate(expected.nominalApy), expected.yearly.nominal, expected.chain);
  await expectRow(page, "inflation", formatRate(expected.inflationRate), expected.yearly.inflation, expected.chain);
  await expectRow(page, "fee", formatRate(expected.validatorFee), expected.yearly.validatorFee, expected.chain);
  await expectRow(page, "slashing", formatRate(expected.slashingRisk, { digits: 2 }), expected.yearly.slashingRisk, expected.chain);
  await expectRow(page, "real", formatRate(expected.realYield, { signed: true }), expected.yearly.real, expected.chain);
}

test("signed out: live result, validator search, share link, invalid amount, CTA", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await page.goto("/calculator");
  await expect(page.getByRole("heading", { level: 1, name: "What does your stake really earn?" })).toBeVisible();
  await expect(page.getByText("Not financial advice.")).toBeVisible();

  // chain + amount: the result equals the API's answer for the same inputs
  await page.getByRole("radio", { name: /SOL/ }).check({ force: true });
  await page.getByLabel("Amount staked (SOL)").fill("250");
  const network = await calculate(page, { chain: "sol", amount: "250" });
  await expectResult(page, network);
  await expect(page.getByTestId("subject")).toHaveText("Network average");

  // a validator picked by searching for its name
  const listed = await page.request.get("/api/validators?chain=sol&limit=5");
  expect(listed.status()).toBe(200);
  const validators = ((await listed.json()) as { data: { id: string; name: string | null; address: string }[] }).data;
  const target = validators.find((v) => v.name) ?? validators[0];
  expect(target).toBeDefined();
  const term = (target!.name ?? target!.address).slice(0, 6);
  const combo = page.getByRole("combobox", { name: /Validator/ });
  await combo.fill(term);
  await expect(combo).toHaveAttribute("aria-expanded", "true");
  const option = page.getByRole("option", { name: new RegExp(`^${(target!.name ?? target!.address.slice(0, 6)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) }).first();
  await expect(option).toBeVisible();
  await combo.press("ArrowDown").catch(() => undefined);
  await option.click();
  const withValidator = await calculate(page, { chain: "sol", amount: "250", validatorId: target!.id });
  await expectResult(page, withValidator);
  await expect(page.getByTestId("subject")).not.toHaveText("Network average");

  // share: the copied link restores the inputs in a fresh page
  await page.getByRole("button", { name: "Share your real yield" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const url = new URL(link);
  expect(url.pathname).toBe("/calculator");
  expect(Object.fromEntries(url.searchParams)).toEqual({ chain: "sol", amount: "250", validator: target!.id });
  const fresh = await context.newPage();
  await fresh.goto(link);
  await expect(fresh.getByRole("radio", { name: /SOL/ })).toBeChecked();
  await expect(fresh.getByLabel("Amount staked (SOL)")).toHaveValue("250");
  await expectResult(fresh, withValidator);
  await fresh.close();

  // an invalid amount: inline error, and no calculation is requested
  const posted: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/yield/calculate")) posted.push(r.postData() ?? "");
  });
  await page.getByLabel("Amount staked (SOL)").fill("0");
  await expect(page.getByText("Amount must be greater than 0")).toBeVisible();
  await page.getByLabel("Amount staked (SOL)").fill("-3");
  await expect(page.getByText("Amount must be greater than 0")).toBeVisible();
  await page.waitForTimeout(600); // longer than the 300 ms debounce: nothing may be sent
  expect(posted).toEqual([]);

  // the CTA leads to the sign-in
  await page.getByRole("link", { name: "Connect your wallet for your personal portfolio" }).click();
  await expect(page).toHaveURL(/\/signin/);
});

test("an unknown validator in a shared link gets a clear message", async ({ page }) => {
  await page.goto("/calculator?chain=eth&amount=32&validator=eth:99999999");
  await expect(page.getByRole("alert")).toContainText("Unknown validator");
});

test("a signed-in visitor gets a dashboard link instead of the CTA, and no redirect", async ({ page }) => {
  await signInWithEthViaApi(page.request, "whale");
  await page.goto("/calculator");
  await expect(page.getByRole("link", { name: "Go to your dashboard" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect your wallet for your personal portfolio" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/calculator$/);
});

test("look: the calculator with a result, both themes, three sizes", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/calculator?chain=eth&amount=32");
  await lookAt(page, "calculator", async (p) => {
    await expect(p.locator('tr[data-part="real"] td').first()).not.toBeEmpty();
  });
});

test("look: the validator search open, on Solana", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/calculator?chain=sol&amount=100");
  await lookAt(page, "calculator-search", async (p) => {
    await expect(p.locator('tr[data-part="real"] td').first()).not.toBeEmpty();
    const combo = p.getByRole("combobox", { name: /Validator/ });
    await combo.click();
    await expect(combo).toHaveAttribute("aria-expanded", "true");
    await expect(p.getByRole("option").first()).toBeVisible();
  });
});

test("look: a negative real yield (the highest-fee validator) shows the loss note", async ({ page }) => {
  const listed = await page.request.get("/api/validators?chain=sol&limit=50");
  const validators = ((await listed.json()) as { data: { id: string; commission: string | null }[] }).data;
  const costly = [...validators].sort((a, b) => Number(b.commission ?? 0) - Number(a.commission ?? 0))[0]!;
  const expected = await calculate(page, { chain: "sol", amount: "100", validatorId: costly.id });
  expect(Number(expected.realYield)).toBeLessThan(0);
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(`/calculator?chain=sol&amount=100&validator=${encodeURIComponent(costly.id)}`);
  await expectResult(page, expected);
  await expect(page.getByText("You are losing value in real terms.", { exact: true })).toBeVisible();
  await lookAt(page, "calculator-negative", async (p) => {
    await expect(p.locator('tr[data-part="real"] td').first()).toHaveText(formatRate(expected.realYield, { signed: true }));
  });
});
