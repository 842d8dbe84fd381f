// The account settings against the demo server (stories 1.5, 1.6, API keys): an API key
// created, used with `Authorization: Bearer`, revoked (then refused); a primary wallet set;
// unlinking the last way to sign in refused; the account deleted (signed out, the old
// session refused); a keyboard-only pass; axe + screenshots of each section. Every test
// uses a fresh user of its own (signInFresh): they change or delete it.
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { ethMessage, nonceFor, signInFresh } from "./demo";
import { lookAt } from "./look";

const rows = (page: Page) => page.getByTestId("wallet-row");
const port = Number(process.env.E2E_PORT ?? 8765);
const OUTBOX = join(import.meta.dirname, "..", "test-results", `e2e-data-${port}`, "outbox");

/** The token of the link mailed to `address` (the demo server writes mail to its outbox). */
function tokenMailedTo(address: string): string | null {
  for (const file of readdirSync(OUTBOX).filter((f) => f.endsWith(".eml"))) {
    const raw = readFileSync(join(OUTBOX, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/gi, "=");
    if (!raw.includes(address)) continue;
    const token = /[?&]token=([A-Za-z0-9_\-.~%]+)/.exec(raw)?.[1];
    if (token) return token;
  }
  return null;
}

async function csrf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((cookie) => cookie.name === "st_csrf")?.value ?? "";
}

/** Link a second, fresh ETH wallet to the page's user through the API (the link flow's
 *  own UI is the dashboard's panel, tested there). Returns its address. */
async function linkFreshEth(page: Page): Promise<string> {
  const account = privateKeyToAccount(generatePrivateKey());
  const n = await nonceFor(page.request);
  const message = ethMessage(n, account.address);
  const signature = await account.signMessage({ message });
  const response = await page.request.post("/api/me/wallets/eth", { data: { message, signature }, headers: { "X-CSRF-Token": await csrf(page) } });
  if (!response.ok()) throw new Error(`link: ${response.status()} ${await response.text()}`);
  return account.address;
}

type WalletOut = { id: string; address: string; isPrimary: boolean };
async function walletsOf(request: APIRequestContext): Promise<WalletOut[]> {
  const response = await request.get("/api/me/wallets");
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { data: WalletOut[] }).data;
}

/** Press Tab until `target` has the focus (at most `max` times); fails otherwise. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

test("an API key reads with Authorization: Bearer until it is revoked", async ({ page, playwright, baseURL }) => {
  await signInFresh(page.request);
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 2 })).toBeVisible();
  await expect(page.getByText("No API keys yet.")).toBeVisible();

  await page.getByLabel("New key name").fill("e2e reader");
  await page.getByRole("button", { name: "Create key" }).click();
  const panel = page.getByTestId("new-key");
  await expect(panel).toContainText("you won’t see it again");
  await expect(panel.getByRole("button", { name: "Copy API key" })).toBeVisible();
  const key = (await panel.getByTestId("new-key-value").textContent())?.trim() ?? "";
  expect(key).toMatch(/^stk_/);
  await expect(page.getByTestId("api-key-row")).toHaveCount(1);
  await expect(page.getByTestId("api-key-row")).toContainText("Never used");

  // a client of its own: no cookies, only the key
  const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${key}` } });
  try {
    const read = await client.get("/api/me/wallets");
    expect(read.status()).toBe(200);

    await lookAt(page, "settings-api-keys", async (p) => {
      await expect(p.getByTestId("api-key-row")).toBeVisible();
      await expect(p.getByTestId("new-key")).toBeVisible();
    });

    await page.getByRole("button", { name: "I have stored it" }).click();
    await expect(page.getByTestId("new-key")).toHaveCount(0);
    await page.getByRole("button", { name: "Revoke API key e2e reader" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke the key “e2e reader”?" });
    await expect(dialog).toContainText("stops working at once");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText("Key “e2e reader” revoked.")).toBeVisible();
    await expect(page.getByTestId("api-key-row")).toHaveCount(0);

    const refused = await client.get("/api/me/wallets");
    expect(refused.status()).toBe(401);
  } finally {
    await client.dispose();
  }
});

test("a second wallet is made primary; the list and the API agree", async ({ page }) => {
  const first = await signInFresh(page.request);
  const second = await linkFreshEth(page);
  await page.goto("/settings/wallets");
  await expect(page.getByRole("heading", { name: "Wallets", level: 2 })).toBeVisible();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(0)).toContainText("Primary");
  await expect(rows(page).nth(1)).not.toContainText("Primary");

  await lookAt(page, "settings-wallets", async (p) => {
    await expect(rows(p)).toHaveCount(2);
    await expect(p.getByRole("heading", { name: "Link another wallet" })).toBeVisible();
  });

  await page.getByRole("button", { name: /^Make primary: ETH wallet / }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now your primary wallet" })).toBeVisible();
  await expect(rows(page).nth(1)).toContainText("Primary");
  await expect(rows(page).nth(0)).not.toContainText("Primary");
  const wallets = await walletsOf(page.request);
  expect(wallets.map((w) => [w.address.toLowerCase(), w.isPrimary])).toEqual([
    [first.toLowerCase(), false],
    [second.toLowerCase(), true],
  ]);
  // the rows show the addresses shortened, in the list order
  await expect(rows(page).nth(1)).toContainText(wallets[1]!.address.slice(0, 6));
});

test("unlinking the only way to sign in is explained and refused", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/settings/wallets");
  await expect(rows(page)).toHaveCount(1);
  await rows(page).getByRole("button", { name: /^Unlink ETH wallet/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Unlink wallet .* on Ethereum\?$/ });
  await expect(dialog.getByTestId("last-method-warning")).toContainText("only way to sign in");
  await dialog.getByRole("button", { name: "Unlink wallet" }).click();
  // the API's refusal (409 LAST_LOGIN_METHOD), shown in the dialog
  await expect(dialog.getByRole("alert")).toContainText("last way to sign in");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(rows(page)).toHaveCount(1);
  expect(await walletsOf(page.request)).toHaveLength(1);
});

test("email: added and verified by its link; then the only wallet may go and email signs in", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/settings/email");
  await expect(page.getByRole("heading", { name: "Email", level: 2 })).toBeVisible();
  await page.getByLabel("Add email").fill("not-an-email");
  await page.getByRole("button", { name: "Send verification link" }).click();
  await expect(page.getByRole("alert")).toContainText("valid email");
  const address = `e2e-${Date.now()}@example.org`;
  await page.getByLabel("Add email").fill(address);
  await page.getByRole("button", { name: "Send verification link" }).click();
  await expect(page.getByText(/We sent a link to/)).toContainText(address);
  await lookAt(page, "settings-email", async (p) => {
    await expect(p.getByText(/We sent a link to/)).toBeVisible();
  });

  let token: string | null = null;
  await expect.poll(() => (token = tokenMailedTo(address)), { timeout: 60_000 }).toBeTruthy();
  await page.goto(`/auth/verify?token=${token}`);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings/email");
  await expect(page.getByTestId("current-email")).toHaveText(address);
  await expect(page.getByText("Verified", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Change email")).toBeVisible();

  // with a verified email the only wallet is no longer the last way to sign in
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Wallets" }).click();
  await expect(rows(page)).toHaveCount(1);
  await rows(page).getByRole("button", { name: /^Unlink ETH wallet/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Unlink wallet/ });
  await expect(dialog.getByTestId("last-method-warning")).toHaveCount(0);
  await expect(dialog).toContainText("Your email becomes your primary sign-in.");
  await dialog.getByRole("button", { name: "Unlink wallet" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Wallet unlinked." })).toBeVisible();
  await expect(rows(page)).toHaveCount(0);
  const me = (await (await page.request.get("/api/me")).json()) as { data: { primaryLogin: string } };
  expect(me.data.primaryLogin).toBe("email");
});

test("deleting the account signs out, lands on sign-in with a notice, and the old session is refused", async ({ page, browser, baseURL }) => {
  await signInFresh(page.request);
  await page.goto("/settings/account");
  await expect(page.getByRole("heading", { name: "Delete account", level: 2 })).toBeVisible();
  await expect(page.getByText("All linked wallets, and the staking positions and rewards fetched for them")).toBeVisible();
  await lookAt(page, "settings-account", async (p) => {
    await expect(p.getByRole("button", { name: "Delete account…" })).toBeVisible();
  });
  const oldCookies = await page.context().cookies();

  await page.getByRole("button", { name: "Delete account…" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete your account permanently?" });
  const confirm = dialog.getByRole("button", { name: "Delete account" });
  await expect(confirm).toBeDisabled();
  // the open confirmation too: axe and screenshots (the page behind it is inert)
  await lookAt(page, "settings-account-confirm", async () => {
    await expect(dialog.getByLabel(/Type DELETE to confirm/)).toBeVisible();
  });
  await dialog.getByLabel(/Type DELETE to confirm/).fill("delete");
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type DELETE to confirm/).fill("DELETE");
  await confirm.click();

  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("status").filter({ hasText: "Your account was deleted." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign in to StakeTrack AI" })).toBeVisible();
  expect((await page.request.get("/api/me")).status()).toBe(401);

  // the cookies from before the deletion: refused too (access and refresh)
  const old = await browser.newContext({ baseURL });
  try {
    await old.addCookies(oldCookies);
    expect((await old.request.get("/api/me")).status()).toBe(401);
    const csrfValue = oldCookies.find((c) => c.name === "st_csrf")?.value ?? "";
    expect((await old.request.post("/api/auth/refresh", { headers: { "X-CSRF-Token": csrfValue } })).ok()).toBe(false);
  } finally {
    await old.close();
  }
});

test("keyboard only: through the settings to create and revoke an API key", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/settings/wallets");
  await expect(rows(page)).toHaveCount(1);

  const nav = page.getByRole("navigation", { name: "Settings" });
  await tabTo(page, nav.getByRole("link", { name: "API keys" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings\/api-keys$/);

  const name = page.getByLabel("New key name");
  await tabTo(page, name);
  await page.keyboard.type("keyboard key");
  await tabTo(page, page.getByRole("button", { name: "Create key" }), 3);
  await page.keyboard.press("Space");
  await expect(page.getByTestId("new-key")).toBeVisible();

  await tabTo(page, page.getByRole("button", { name: "I have stored it" }));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("new-key")).toHaveCount(0);

  // the focus went back to the page; Tab on to Revoke
  await tabTo(page, page.getByRole("button", { name: "Revoke API key keyboard key" }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Revoke the key “keyboard key”?" });
  await expect(dialog).toBeVisible();
  // Escape closes the dialog; reopen and confirm with the keyboard
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // the native dialog gives the focus back to the button that opened it
  const revoke = page.getByRole("button", { name: "Revoke API key keyboard key" });
  if (!(await revoke.evaluate((el) => el === document.activeElement))) await tabTo(page, revoke);
  await page.keyboard.press("Space");
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole("button", { name: "Revoke key" }), 5);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Key “keyboard key” revoked.")).toBeVisible();

  // and on to the other sections by keyboard
  await tabTo(page, nav.getByRole("link", { name: "Delete account" }), 80);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings\/account$/);
  await tabTo(page, page.getByRole("button", { name: "Delete account…" }));
  await page.keyboard.press("Enter");
  const del = page.getByRole("dialog", { name: "Delete your account permanently?" });
  await expect(del).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(del).toBeHidden();
});
