// Alerts and the subscription page on the demo network (issue 17 items 4 and 5): a free user
// creates an alert with the keyboard, meets the limit ("Alert-Limit erreicht (1/1)") and
// its hint; an admin upgrades the user from a second browser context; on the next
// navigation (no reload) the Pro badge shows and a second alert can be created; an alert is
// switched off and on and deleted; a webhook is refused for a loopback URL and set for a
// public one (its secret shown once). No test pings: they would reach a third-party host.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { makePro, myId, signInFresh } from "./demo";
import { lookAt } from "./look";

const port = Number(process.env.E2E_PORT ?? 8765);
const OUTBOX = join(import.meta.dirname, "..", "test-results", `e2e-data-${port}`, "outbox");

async function csrf(page: Page): Promise<Record<string, string>> {
  const token = (await page.context().cookies()).find((c) => c.name === "st_csrf")?.value ?? "";
  return { "X-CSRF-Token": token };
}

/** Add and confirm an email for the signed-in user: the verification link from the demo
 *  server's outbox, traded in through the API (email alerts then start at once). */
async function verifyEmail(page: Page, request: APIRequestContext, address: string): Promise<void> {
  const before = Date.now();
  const added = await request.post("/api/me/email", { data: { email: address }, headers: await csrf(page) });
  expect(added.status(), await added.text()).toBe(202);
  let token: string | undefined;
  await expect
    .poll(
      () => {
        const files = readdirSync(OUTBOX)
          .filter((f) => f.endsWith(".eml"))
          .map((f) => join(OUTBOX, f))
          .filter((f) => statSync(f).mtimeMs >= before - 1000)
          .map((f) => readFileSync(f, "utf8").replace(/=\r?\n/g, "").replace(/=3D/gi, "="))
          .filter((raw) => raw.includes(address));
        token = files.map((raw) => /[?&]token=([A-Za-z0-9_\-.~%]+)/.exec(raw)?.[1]).find(Boolean);
        return token;
      },
      { message: "a verification link in the outbox" },
    )
    .toBeTruthy();
  const verified = await request.post("/api/auth/email/verify", { data: { token: decodeURIComponent(token!) }, headers: await csrf(page) });
  expect(verified.ok(), await verified.text()).toBe(true);
}

const alertsReady = async (page: Page) => {
  await expect(page.getByRole("heading", { level: 2, name: "Alerts" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(page.getByText(/Nothing reported yet|Fired|Cleared/).first()).toBeVisible();
};

test("alerts: create with the keyboard, the free limit and its hint, upgrade by an admin, switch, delete, webhook", async ({ page, browser, baseURL }) => {
  await signInFresh(page.request);
  const userId = await myId(page.request);
  await verifyEmail(page, page.request, `alerts-${Date.now()}@example.com`);

  // the subscription page as a free user
  await page.goto("/settings/subscription");
  await expect(page.getByText("Current plan:")).toContainText("Free");
  await expect(page.getByRole("meter", { name: /Alerts: 0 of 1 used/ })).toBeVisible();
  const mail = page.getByRole("link", { name: "Email for Pro access" });
  await expect(mail).toHaveAttribute("href", /^mailto:.+\?subject=/);
  await lookAt(page, "subscription", async (p) => {
    await expect(p.getByRole("table")).toBeVisible();
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  // the empty state, then the form — keyboard only: tab through it and submit with Enter
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByRole("heading", { name: "No alerts configured yet" })).toBeVisible();
  await page.getByRole("button", { name: "Create alert" }).focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "New alert" });
  await expect(form).toBeVisible();
  await lookAt(page, "settings-alerts-form", async (p) => {
    await expect(p.getByRole("form", { name: "New alert" })).toBeVisible();
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  const type = form.getByLabel("Alert type");
  await type.focus();
  await expect(type).toBeFocused();
  await page.keyboard.press("Tab"); // → the threshold (points)
  const threshold = form.getByLabel(/Score drop \(points\)/);
  await expect(threshold).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("150");
  await page.keyboard.press("Enter");
  await expect(form.getByText("The points are a whole number from 1 to 100.")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("15");
  // on through the scope radios, the channels and the resolved notice to the submit button
  const submit = form.getByRole("button", { name: "Create alert" });
  for (let i = 0; i < 12 && !(await submit.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(submit).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page.getByText("Alert created: it is active now.")).toBeVisible();
  const list = page.getByRole("list", { name: "My alerts" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list.getByText("falls by ≥ 15 points")).toBeVisible();
  await expect(list.getByRole("switch")).toHaveAttribute("aria-checked", "true");

  // the free limit: no second form, the limit state and the hint instead
  await expect(page.getByText("Alert-Limit erreicht (1/1)")).toBeVisible();
  await expect(page.getByRole("link", { name: "See Pro" })).toHaveAttribute("href", "/settings/subscription");
  await expect(page.getByRole("button", { name: "Create alert" })).toHaveCount(0);
  // the API refuses a second one too (the screen is not the only guard)
  const refused = await page.request.post("/api/alerts", { data: { type: "slashing" }, headers: await csrf(page) });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { code: string }).code).toBe("TIER_LIMIT");
  await lookAt(page, "settings-alerts-limit", async (p) => {
    await expect(p.getByText("Alert-Limit erreicht (1/1)")).toBeVisible();
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  // an admin makes the user pro in a second browser context; the next navigation shows it
  await expect(page.getByTitle("StakeTrack Pro")).toHaveCount(0);
  await makePro(browser, baseURL!, userId);
  const settingsNav = page.getByRole("navigation", { name: "Settings" });
  await settingsNav.getByRole("link", { name: "Subscription" }).click();
  await expect(page.getByText("Current plan:")).toContainText("Pro");
  await expect(page.getByTitle("StakeTrack Pro").first()).toBeVisible();
  await settingsNav.getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByText("Alert-Limit erreicht")).toHaveCount(0);
  await page.getByRole("button", { name: "Create alert" }).click();
  const form2 = page.getByRole("form", { name: "New alert" });
  await form2.getByLabel("Alert type").selectOption("commission_increase");
  await form2.getByLabel(/Commission above/).fill("8.5");
  await form2.getByRole("radio", { name: "My validators on one chain" }).check();
  await form2.getByLabel("Chain", { exact: true }).selectOption("sol");
  await form2.getByRole("button", { name: "Create alert" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list.getByText("All my SOL validators")).toBeVisible();
  await expect(list.getByText("above 8.5 %")).toBeVisible();

  // one validator, picked from the searchable list of a chain
  await page.getByRole("button", { name: "Create alert" }).click();
  const form3 = page.getByRole("form", { name: "New alert" });
  await form3.getByLabel("Alert type").selectOption("slashing");
  await expect(form3.getByLabel(/Score drop|Commission above/)).toHaveCount(0); // no threshold for slashing
  await form3.getByRole("radio", { name: "One validator" }).check();
  await form3.getByLabel("Chain", { exact: true }).selectOption("atom");
  await form3.getByRole("button", { name: "Create alert" }).click();
  await expect(form3.getByText("Pick a validator from the list.")).toBeVisible();
  const matches = form3.getByLabel(/^Matching validators/);
  await expect(matches.locator("option").first()).toBeAttached();
  const optionText = (await matches.locator("option").first().textContent())!;
  // a named validator reads "Name (short address)"; the list then shows its name
  const picked = optionText.includes(" (") ? `ATOM · ${optionText.split(" (")[0]}` : /^ATOM · /;
  await matches.selectOption({ index: 0 });
  await form3.getByRole("button", { name: "Create alert" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(list.getByText(picked)).toBeVisible();

  // switch the first off (and it stays off after a fresh read), then on again
  const first = list.getByRole("listitem").first();
  const toggle = first.getByRole("switch");
  const patchOf = () => page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/api/alerts/"));
  let patched = patchOf();
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false"); // at once (optimistic)
  expect((await patched).status()).toBe(200);
  await expect(first.getByText("Switched off.")).toBeVisible();
  const stored = await page.request.get("/api/alerts");
  const rows = ((await stored.json()) as { data: { active: boolean; threshold: string | null }[] }).data;
  expect(rows.find((a) => a.threshold === "15")?.active).toBe(false);
  patched = patchOf();
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  expect((await patched).status()).toBe(200);

  // delete the commission alert with the confirmation
  await list.getByRole("button", { name: /Delete alert Commission increase/ }).click();
  const dialog = page.getByRole("dialog", { name: /Delete the alert for Commission increase on All my SOL validators\?/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete alert" }).click();
  await expect(dialog).toBeHidden();
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(page.getByText("Alert deleted.")).toBeVisible();

  // the webhook: a loopback URL is refused with the server's reason; a public one is set
  const url = page.getByLabel("Webhook URL");
  await url.fill("ftp://nope");
  await page.getByRole("button", { name: "Save webhook" }).click();
  await expect(page.getByText("The URL must start with https://.")).toBeVisible();
  await url.fill("https://127.0.0.1/hook");
  await page.getByRole("button", { name: "Save webhook" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /private, loopback/ })).toBeVisible();
  // a public address literal (no DNS on this closed network); nothing is sent to it here
  await url.fill("https://93.184.215.14/staketrack-e2e");
  await page.getByRole("button", { name: "Save webhook" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveText(/^whsec_/);
  await expect(page.getByText("Not verified yet")).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy the webhook signing secret" })).toBeVisible();
  await page.getByRole("button", { name: "I have stored it" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);

  await lookAt(page, "settings-alerts", alertsReady);
  await page.setViewportSize({ width: 1440, height: 900 });

  // remove the webhook again
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  const removeDialog = page.getByRole("dialog", { name: "Remove the webhook?" });
  await removeDialog.getByRole("button", { name: "Remove webhook" }).click();
  await expect(removeDialog).toBeHidden();
  await expect(page.getByLabel("Webhook URL")).toBeVisible();
});
