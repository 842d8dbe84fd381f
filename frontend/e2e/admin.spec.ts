// The admin console on the demo network, as the suite's admin (the demo "empty" wallet is
// the e2e server's ADMIN_WALLETS): find a user, give them pro with a reason through the
// confirmation, see it in the audit log; edit a tier limit with the diff shown first; a
// non-admin has no Admin entry and is refused; axe + screenshots of every section.
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { myId, signInFresh, signInWithEthViaApi } from "./demo";
import { expectNoSeriousA11yViolations, lookAt } from "./look";

type Limits = { tier: "free" | "pro"; alerts: number } & Record<string, unknown>;

const short = (id: string) => id.replace(/-/g, "").slice(0, 8);

async function csrfOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((cookie) => cookie.name === "st_csrf")?.value ?? "";
}

async function tierLimits(request: APIRequestContext): Promise<Limits[]> {
  const response = await request.get("/api/admin/tier-limits");
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { data: Limits[] }).data;
}

/** A brand-new user in a context of their own: their address, id and request context. */
async function freshUser(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const address = await signInFresh(context.request);
  const id = await myId(context.request);
  return { context, address, id };
}

test("an admin finds a user, sets them to pro with a reason, and sees it in the audit log", async ({ page, browser, baseURL }) => {
  const other = await freshUser(browser, baseURL ?? "");
  try {
    await signInWithEthViaApi(page.request, "empty");
    await page.goto("/dashboard");
    await page.getByRole("navigation", { name: "Main" }).filter({ visible: true }).getByRole("link", { name: "Admin" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "Admin console", level: 1 })).toBeVisible();

    // server-side search by the wallet address: exactly this user
    await page.getByRole("searchbox", { name: "Search users" }).fill(other.address);
    await expect(page).toHaveURL(new RegExp(`q=${other.address}`));
    const rows = page.getByRole("table", { name: "Users" }).getByTestId("user-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(short(other.id));
    await expect(rows.first()).toContainText("Free");

    await rows.first().getByRole("button", { name: `Change tier of user ${short(other.id)}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: `Set the tier of user ${short(other.id)} to Pro?` })).toBeVisible();
    // no reason: refused with a message, nothing sent
    await dialog.getByRole("button", { name: "Set to Pro" }).click();
    await expect(dialog.getByText("A reason is required (it goes into the audit log).")).toBeVisible();
    await expectNoSeriousA11yViolations(page, "tier change dialog");
    await page.screenshot({ path: `${import.meta.dirname}/screenshots/admin-tier-dialog-dark-desktop.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${import.meta.dirname}/screenshots/admin-tier-dialog-dark-phone.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    const reason = `e2e beta tester ${short(other.id)}`;
    await dialog.getByRole("textbox", { name: /Reason/ }).fill(reason);
    await dialog.getByRole("button", { name: "Set to Pro" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`User ${short(other.id)} is now Pro.`)).toBeVisible();
    await expect(rows.first()).toContainText("Pro");

    // the user's own next request sees it
    const me = await other.context.request.get("/api/me");
    expect(((await me.json()) as { data: { tier: string } }).data.tier).toBe("pro");

    // the audit log: who, what, when, why
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
    const entry = page.getByTestId("audit-entry").filter({ hasText: reason });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText("subscription.set");
    await expect(entry).toContainText(`user ${short(other.id)}`);
    await expect(entry).toContainText(`Admin ${short(await myId(page.request))}`);
    await expect(entry).toContainText(/tier:\s*free\s*→\s*to\s*pro/);
  } finally {
    await other.context.close();
  }
});

test("an admin edits a tier limit and sees the change old → new before saving", async ({ page }) => {
  await signInWithEthViaApi(page.request, "empty");
  const before = await tierLimits(page.request);
  const pro = before.find((l) => l.tier === "pro");
  if (!pro) throw new Error("no pro limits");
  try {
    await page.goto("/admin/limits");
    const input = page.getByRole("textbox", { name: "Pro: Alerts" });
    await expect(input).toHaveValue(String(pro.alerts));
    await expect(page.getByText(/No changes/)).toBeVisible();

    await input.fill("0");
    await expect(page.getByText("A whole number, at least 1.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save limits" })).toHaveCount(0);

    const next = pro.alerts + 1;
    await input.fill(String(next));
    const diff = page.getByRole("table", { name: "Tier limit changes" });
    await expect(diff.getByTestId("diff-row")).toHaveCount(1);
    await expect(diff.getByTestId("diff-row")).toContainText(`Pro · Alerts${pro.alerts}${next}`);
    await page.getByRole("textbox", { name: /Reason/ }).fill("e2e: one more alert for pro");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByText("Saved. The limits above are in force.")).toBeVisible();
    expect((await tierLimits(page.request)).find((l) => l.tier === "pro")?.alerts).toBe(next);

    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
    const entry = page.getByTestId("audit-entry").filter({ hasText: "e2e: one more alert for pro" });
    await expect(entry).toContainText("tier_limits.update");
    await expect(entry).toContainText(new RegExp(`alerts:\\s*${pro.alerts}\\s*→\\s*to\\s*${next}`));
  } finally {
    // the suite shares one server: leave the limits as they were for the other specs
    const response = await page.request.put("/api/admin/tier-limits", {
      data: { limits: before, reason: "e2e: restore the limits" },
      headers: { "X-CSRF-Token": await csrfOf(page) },
    });
    expect(response.ok()).toBe(true);
  }
});

test("a non-admin has no Admin entry and is refused, by the page and by the server", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toHaveCount(0);
  expect((await page.request.get("/api/admin/users")).status()).toBe(403);
});

test("every admin section passes axe in both themes at three sizes (screenshots)", async ({ page }) => {
  await signInWithEthViaApi(page.request, "empty");
  const sections: [string, string, (p: Page) => Promise<void>][] = [
    ["admin-users", "/admin/users", async (p) => void (await expect(p.getByTestId(/user-(row|card)/).filter({ visible: true }).first()).toBeVisible())],
    ["admin-audit", "/admin/audit", async (p) => void (await expect(p.getByTestId("audit-entry").or(p.getByText(/^No entries/)).first()).toBeVisible())],
    ["admin-limits", "/admin/limits", async (p) => void (await expect(p.getByRole("textbox", { name: "Pro: Alerts" })).toBeVisible())],
    ["admin-config", "/admin/config", async (p) => {
      await expect(p.getByTestId("vrs-version")).toBeVisible();
      await expect(p.getByTestId("yield-version")).toBeVisible();
    }],
    ["admin-errors", "/admin/errors", async (p) =>
      void (await expect(p.getByTestId(/error-(row|card)/).filter({ visible: true }).or(p.getByText("No errors recorded.")).first()).toBeVisible())],
  ];
  for (const [name, path, ready] of sections) {
    await page.goto(path);
    await lookAt(page, name, ready);
  }
});
