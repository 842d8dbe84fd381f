// The validator detail and the validators page against the demo network: open the detail
// from the dashboard and from a shared URL, read its history, watch it, a keyboard-only
// pass through the panel; axe + screenshots of both. First `staketrack demo seed` backfills
// 10 days on the server's own database (as the rewards spec does), so risk scores have a
// daily history (scored from about day 6 on) with drops.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { makeFree, makePro, myId, signInFresh, signInWithEthViaApi } from "./demo";
import { lookAt } from "./look";

type Point = { date: string; total: number | null; drop: boolean };
type History = { data: { points: Point[]; lastDrop: { fell: number; causes: { factor: string }[] } | null }; meta: { days: number; maxDays: number } };
type Position = { chain: string; validator: { id: string; address: string; name: string | null } };

const dialog = (page: Page) => page.getByRole("dialog");

const ROOT = join(import.meta.dirname, "..", "..");
const DATA_DIR = process.env.E2E_DATA_DIR ?? join(ROOT, "frontend", "test-results", `e2e-data-${process.env.E2E_PORT ?? "8765"}`);

/** A scored demo history: `demo seed --days 10` through the CLI on the server's embedded
 *  database (the server drops its cached reads when another process writes:
 *  infrastructure/cache/memory.py), unless the suite's rewards.spec.ts already seeded the
 *  same 10 days: one backfill per suite (a 2-day seed there followed by this one left the
 *  current scores pending). */
test.beforeAll(async ({ request }) => {
  test.setTimeout(600_000);
  await signInFresh(request);
  const top = (await (await request.get("/api/validators?chain=sol&sort=vrs&limit=1")).json()) as { data: { vrs: { total: number | null } }[] };
  if (top.data[0]?.vrs.total != null) return;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR, NETWORK: "demo", LOG_LEVEL: "WARNING", LOG_FORMAT: "console" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  await promisify(execFile)(join(ROOT, ".venv", "bin", "staketrack"), ["demo", "seed", "--days", "10", "--workers", "1"], { env, cwd: ROOT, timeout: 600_000 });
});

async function csrf(page: Page): Promise<Record<string, string>> {
  const token = (await page.context().cookies()).find((c) => c.name === "st_csrf")?.value ?? "";
  return { "X-CSRF-Token": token };
}

async function history(request: APIRequestContext, id: string): Promise<History> {
  const response = await request.get(`/api/vrs/${encodeURIComponent(id)}/history?days=30`);
  expect(response.ok(), `history of ${id}`).toBe(true);
  return (await response.json()) as History;
}

/** The whale's ETH positions once fetched (the wallet's fetch runs after sign-in). */
async function whalePositions(page: Page): Promise<Position[]> {
  let positions: Position[] = [];
  await expect
    .poll(
      async () => {
        const response = await page.request.get("/api/portfolio");
        if (!response.ok()) return `status ${response.status()}`;
        const body = (await response.json()) as { data: { positions: Position[]; chains: { fetchedAt: string | null }[] } };
        positions = body.data.positions.filter((p) => p.chain === "eth");
        return body.data.chains.length > 0 && body.data.chains.every((c) => c.fetchedAt !== null) && positions.length > 0 ? "fetched" : "pending";
      },
      { timeout: 120_000, intervals: [500, 1000, 2000] },
    )
    .toBe("fetched");
  return positions;
}

/** A validator with scored days in the caller's view, one with a drop when there is one. */
async function withHistory(request: APIRequestContext, ids: string[]): Promise<{ id: string; history: History }> {
  let found: { id: string; history: History } | null = null;
  for (const id of ids) {
    const h = await history(request, id);
    if (!h.data.points.some((p) => p.total !== null)) continue;
    if (h.data.lastDrop) return { id, history: h };
    found ??= { id, history: h };
  }
  if (!found) throw new Error(`none of ${ids.length} validators has a scored history (did the demo seed run?)`);
  return found;
}

/** A SOL validator whose history (the caller's view) has a drop: the lowest scores of
 *  the list (keyset pages by score) are where drops are; null when none has one. */
async function withDrop(request: APIRequestContext): Promise<{ id: string; history: History } | null> {
  type Page = { data: { id: string; vrs: { total: number | null } }[]; meta: { nextCursor?: string | null } };
  const low: string[] = [];
  let cursor: string | null | undefined = null;
  for (let pages = 0; pages < 10; pages++) {
    const query: string = `/api/validators?chain=sol&sort=vrs&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = (await (await request.get(query)).json()) as Page;
    low.push(...page.data.filter((v) => v.vrs.total !== null && v.vrs.total < 90).map((v) => v.id));
    cursor = page.meta.nextCursor;
    if (!cursor) break;
  }
  for (const id of low.reverse().slice(0, 20)) {
    const h = await history(request, id);
    if (h.data.lastDrop) return { id, history: h };
  }
  return null;
}

async function unwatch(page: Page, id: string): Promise<void> {
  await page.request.delete(`/api/watchlist/${encodeURIComponent(id)}`, { headers: await csrf(page) });
}

async function watched(page: Page): Promise<string[]> {
  const body = (await (await page.request.get("/api/watchlist")).json()) as { data: { validatorId: string }[] };
  return body.data.map((w) => w.validatorId);
}

test("from the dashboard: open a validator's detail, read its history, watch it, close it", async ({ page, browser, baseURL }) => {
  await signInWithEthViaApi(page.request, "whale");
  await makeFree(browser, baseURL!, await myId(page.request)); // signin.spec.ts makes the whale pro
  const positions = await whalePositions(page);
  const { id, history: h } = await withHistory(
    page.request,
    positions.map((p) => p.validator.id),
  );
  await unwatch(page, id); // a rerun starts unwatched
  const position = positions.find((p) => p.validator.id === id)!;
  const label = position.validator.name ?? `Validator ${position.validator.address}`;

  await page.goto("/dashboard");
  const link = page.getByRole("table", { name: "Staking positions" }).getByRole("link", { name: `${label}: open validator details` });
  await link.click();
  await expect(page).toHaveURL(new RegExp(`[?&]validator=${encodeURIComponent(id)}`));
  const panel = dialog(page);
  const heading = panel.getByRole("heading", { level: 2 });
  await expect(heading).toBeVisible();
  // the detail's name: the validator's (an operator label for ETH), the position's otherwise
  await expect(panel.getByTestId("validator-facts")).toBeVisible();
  const title = (await heading.textContent()) ?? label;

  // the score: a free user sees three factors and two locked ones with the inline hint
  await expect(panel.getByText("Basic VRS", { exact: true }).or(panel.getByTestId("pending-hint"))).toBeVisible();
  const meters = panel.getByRole("meter");
  await expect(meters).toHaveCount(5);
  await expect(panel.getByRole("meter", { name: /locked, shown with Pro$/ })).toHaveCount(2);
  await expect(panel.getByText(/^Unlock all 5 factors/)).toBeVisible();

  // the history: one row per scored day of the API's answer (free: 7 days, clamped)
  const scored = h.data.points.filter((p) => p.total !== null);
  const chart = panel.getByRole("group", { name: /^Risk score, last 7 days/ });
  await expect(chart).toBeVisible();
  await expect(panel.getByRole("table", { name: "Risk score, last 7 days" }).locator("tbody tr")).toHaveCount(scored.length);
  await expect(panel.getByText("See 30 days of history with Pro.")).toBeVisible();
  // the tooltip: the newest day when the chart gets focus, the day before with ←
  await chart.focus();
  const tooltip = panel.getByTestId("chart-tooltip").first();
  await expect(tooltip).toContainText(`score ${scored[scored.length - 1]!.total}`);
  if (scored.length > 1) {
    await page.keyboard.press("ArrowLeft");
    await expect(tooltip).toContainText(`score ${scored[scored.length - 2]!.total}`);
  }
  const drops = scored.filter((p) => p.drop);
  await expect(panel.locator("[data-drop=true]")).toHaveCount(drops.length);
  if (drops.length > 0) await expect(panel.getByTestId("drop-note")).toContainText(/^Fell by \d+ since \d+ \w{3} \d{4}/);
  if (h.data.lastDrop) {
    const why = panel.getByRole("region", { name: "Why the score changed" });
    await expect(why).toContainText(`Fell by ${h.data.lastDrop.fell} since`);
    await expect(why.getByRole("listitem")).toHaveCount(h.data.lastDrop.causes.length);
  }
  // the yield history beside it
  await expect(panel.getByRole("heading", { name: "Real yield history" })).toBeVisible();
  await expect(panel.getByRole("group", { name: /^Real yield, last \d+ days/ }).or(panel.getByText(/^No yield history yet/))).toBeVisible();

  // watch it: the button says so, and the watchlist has it
  const watch = panel.getByRole("button", { name: `Watch ${title}` });
  await expect(watch).toHaveAttribute("aria-pressed", "false");
  await watch.click();
  await expect(watch).toHaveAttribute("aria-pressed", "true");
  expect(await watched(page)).toContain(id);

  // Escape closes it, the URL forgets it, focus is back on the link
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(page).not.toHaveURL(/validator=/);
  await expect(link).toBeFocused();

  // the validators page marks it as watched
  await page.goto(`/validators?chain=eth`);
  const row = page.getByTestId("validator-row").filter({ hasText: title });
  if ((await row.count()) > 0) await expect(row.getByText("(on your watchlist)")).toBeAttached();
  await unwatch(page, id);
});

test("a shared URL opens the detail on a fresh page; pro sees all five factors and 30 days", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInFresh(page.request);
  await makePro(browser, baseURL!, await myId(page.request));
  // a validator of the SOL list with a scored history
  const list = (await (await page.request.get("/api/validators?chain=sol&sort=vrs&limit=20")).json()) as { data: { id: string }[] };
  const { id, history: h } = await withHistory(
    page.request,
    list.data.map((v) => v.id),
  );
  expect(h.meta.maxDays).toBe(30);

  await page.goto(`/validators?validator=${encodeURIComponent(id)}`);
  const panel = dialog(page);
  await expect(panel).toBeVisible();
  await expect(panel.getByText("Full VRS", { exact: true })).toBeVisible();
  await expect(panel.getByRole("meter", { name: /locked/ })).toHaveCount(0);
  await expect(panel.getByRole("meter", { name: /of 100/ }).first()).toBeVisible();
  await expect(panel.getByRole("group", { name: /^Risk score, last 30 days/ })).toBeVisible();
  await expect(panel.getByText("See 30 days of history with Pro.")).toHaveCount(0);
  // 10 days seeded: the history is short, and says since when it is collected
  await expect(panel.getByTestId("collected-since")).toContainText("History is collected since");
  // the close button closes it
  await panel.getByRole("button", { name: "Close validator details" }).click();
  await expect(panel).toBeHidden();
  await expect(page).toHaveURL(/\/validators$/);
  await context.close();
});

// `/` sends a signed-in visitor to /dashboard with the query, so a shared `/?validator=`
// link opens the panel there (App.tsx's Home keeps the search).
test("a shared link on / keeps the validator and opens its detail on the dashboard", async ({ page }) => {
  await signInFresh(page.request);
  const list = (await (await page.request.get("/api/validators?chain=sol&sort=vrs&limit=1")).json()) as { data: { id: string }[] };
  const id = list.data[0].id;
  await page.goto(`/?validator=${encodeURIComponent(id)}`);
  await expect(page).toHaveURL(/\/dashboard\?validator=/);
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).getByTestId("validator-facts")).toBeVisible();
});

test("keyboard only: open from the list, tab through the panel, watch with Enter and Space, Escape returns focus", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/validators?chain=sol&sort=vrs");
  const first = page.getByTestId("validator-row").first();
  await expect(first).toBeVisible();
  const link = first.getByRole("link");
  await link.focus();
  await page.keyboard.press("Enter");
  const panel = dialog(page);
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("validator-facts")).toBeVisible();
  const name = (await panel.getByRole("heading", { level: 2 }).textContent()) ?? "";
  await expect(panel.getByRole("meter").first()).toBeVisible();

  // Tab through everything: focus never leaves the dialog, and reaches the controls
  const reached = new Set<string>();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const where = await page.evaluate(() => {
      const el = document.activeElement;
      return {
        // a modal dialog makes the page inert: focus is in it, or (after its last
        // control) in the browser's own UI, which leaves the body as activeElement
        inside: !!el?.closest("dialog") || el === document.body,
        name: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "",
        role: el?.getAttribute("role") ?? el?.tagName.toLowerCase() ?? "",
      };
    });
    expect(where.inside, `tab ${i} stays in the dialog (${where.role} ${where.name.slice(0, 80)})`).toBe(true);
    reached.add(`${where.role}:${where.name}`);
  }
  const seen = [...reached].join("\n");
  expect(seen).toContain("Close validator details");
  expect(seen).toContain(`Watch ${name}`);
  expect(seen).toMatch(/meter:Uptime: \d+ of 100/);

  // the watch toggle: Enter watches, Space stops watching
  const watch = panel.getByRole("button", { name: `Watch ${name}` });
  await watch.focus();
  await page.keyboard.press("Enter");
  await expect(watch).toHaveAttribute("aria-pressed", "true");
  await expect.poll(async () => (await watched(page)).length).toBe(1);
  await watch.focus();
  await page.keyboard.press("Space");
  await expect(watch).toHaveAttribute("aria-pressed", "false");
  await expect.poll(async () => (await watched(page)).length).toBe(0);

  // the chart reads day by day with the arrow keys
  const chart = panel.getByRole("group", { name: /^Risk score/ });
  if ((await chart.count()) > 0) {
    await chart.focus();
    await page.keyboard.press("Home");
    await expect(panel.getByTestId("chart-tooltip").first()).toContainText("first day shown");
  }

  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(link).toBeFocused();
});

test("look: the validators page and the detail (axe in both themes at three sizes)", async ({ page }) => {
  await signInFresh(page.request);
  await page.goto("/validators?chain=sol&sort=vrs");
  await lookAt(page, "validators", async (p) => {
    await expect(p.getByRole("heading", { name: "Validators", level: 1 })).toBeVisible();
    await expect(p.locator("[data-testid=validator-row]:visible, [data-testid=validator-card]:visible").first()).toBeVisible();
  });
  // a validator whose score dropped: the chart's red markers and "why" are in the shots
  const dropped = await withDrop(page.request);
  test.info().annotations.push({ type: "validator-detail", description: dropped ? `with a drop: ${dropped.id}` : "no dropped validator found" });
  let id = dropped?.id;
  if (!id) {
    const list = (await (await page.request.get("/api/validators?chain=sol&sort=vrs&limit=20")).json()) as { data: { id: string }[] };
    id = (await withHistory(page.request, list.data.map((v) => v.id))).id;
  }
  if (dropped) {
    // read the drop: one red marker per flagged day, the note and why it fell
    await page.goto(`/validators?chain=sol&validator=${encodeURIComponent(id)}`);
    const panel = dialog(page);
    const flagged = dropped.history.data.points.filter((p) => p.drop);
    await expect(panel.locator("[data-drop=true]")).toHaveCount(flagged.length);
    await expect(panel.getByTestId("drop-note")).toContainText(/^Fell by \d+ since/);
    const why = panel.getByRole("region", { name: "Why the score changed" });
    await expect(why).toContainText(`Fell by ${dropped.history.data.lastDrop!.fell} since`);
    await expect(why.getByRole("listitem")).toHaveCount(dropped.history.data.lastDrop!.causes.length);
  }
  // over a short page (a new user's dashboard), so the full-page shots show the panel as seen
  await page.goto(`/dashboard?validator=${encodeURIComponent(id)}`);
  await lookAt(page, "validator-detail", async (p) => {
    await expect(dialog(p)).toBeVisible();
    await expect(dialog(p).getByRole("group", { name: /^Risk score/ })).toBeVisible();
    await expect(dialog(p).getByRole("heading", { name: "Real yield history" })).toBeVisible();
    await expect(dialog(p).locator(".animate-pulse")).toHaveCount(0);
  });
});
