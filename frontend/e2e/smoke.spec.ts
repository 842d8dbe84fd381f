import { expect, test } from "@playwright/test";
import { signInWithEthViaApi } from "./demo";

test("the app loads, and a signed-in demo wallet reaches the dashboard", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await signInWithEthViaApi(page.request, "whale");
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboard/);
});

test("the calculator page loads signed out", async ({ page }) => {
  await page.goto("/calculator");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
