// Looking at pages: axe-core (0 serious/critical) and screenshots at the three sizes in
// both themes, saved under e2e/screenshots/ for a person to review.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "tablet", width: 768, height: 1024 },
  { name: "phone", width: 390, height: 844 },
] as const;
export const THEMES = ["dark", "light"] as const;
export type Theme = (typeof THEMES)[number];

const SHOTS = join(import.meta.dirname, "screenshots");

/** Switch the theme the way the app remembers it, and apply it now. */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem("st-theme", t);
    document.documentElement.dataset.theme = t;
  }, theme);
}

/** axe-core on the current page: fails on any serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(summary, `axe on ${label}`).toEqual([]);
}

/** Screenshots of the page at every size in both themes (+ axe in each), named
 *  `<name>-<theme>-<viewport>.png`. `ready` waits for the content to be there. */
export async function lookAt(page: Page, name: string, ready: (page: Page) => Promise<void>): Promise<string[]> {
  mkdirSync(SHOTS, { recursive: true });
  const saved: string[] = [];
  for (const theme of THEMES) {
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await setTheme(page, theme);
      await ready(page);
      await expectNoSeriousA11yViolations(page, `${name} ${theme} ${vp.name}`);
      const file = join(SHOTS, `${name}-${theme}-${vp.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      saved.push(file);
    }
  }
  return saved;
}
