// The detail panel against a faked API (src/test/net.ts): score, factors with their
// labels, locked pro factors with the inline hint, history with its drop and why, the
// watch toggle, the TIER_LIMIT hint, and closing (the URL forgets the validator).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { json, net } from "../../test/net";
import { ValidatorDetailHost } from "./ValidatorDetailHost";

afterEach(cleanup);

const ID = "sol:Vote111";
const factor = (name: string, score: number | null, weight: number, locked = false) => ({
  name,
  score: locked ? null : score,
  weight: locked ? 0 : weight,
  configuredWeight: weight,
  band: locked || score === null ? null : score >= 80 ? "green" : score >= 50 ? "yellow" : "red",
  unavailable: score === null,
  locked,
});
const FREE_FACTORS = [
  factor("uptime", 40, 0.4),
  factor("slashing", 100, 0.3333),
  factor("commission", 95, 0.2667),
  factor("performance", 70, 0.15, true),
  factor("decentralization", 60, 0.1, true),
];
const point = (date: string, total: number, drop?: { points: number; since: string }) => ({
  date,
  calculatedAt: `${date}T23:00:00Z`,
  status: "scored",
  total,
  band: null,
  drop: !!drop,
  dropPoints: drop?.points ?? null,
  dropSince: drop?.since ?? null,
});

type Options = { watched?: boolean; watchAnswer?: Response; history?: unknown[]; lastDrop?: unknown };
function api(options: Options = {}) {
  const calls: string[] = [];
  let watched = options.watched ?? false;
  net.handler = async (request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname); // the client encodes the id's ":"
    calls.push(`${request.method} ${path}${decodeURIComponent(url.search)}`);
    if (path === `/api/validators/${ID}`)
      return json({
        data: { id: ID, chain: "sol", address: "Vote111", name: "Chorus One", status: "active", stake: { baseUnits: "1", display: "120000", fiat: null }, commission: "0.05", jailed: false, slashed: false, identity: {}, fetchedAt: "2026-12-04T10:00:00Z", vrs: { total: 78, band: "yellow", confidence: "low", status: "scored" }, observations: [] },
        meta: { fetchedAt: "2026-12-04T10:00:00Z", stale: false },
      });
    if (path === `/api/vrs/${ID}`)
      return json({
        data: { validatorId: ID, chain: "sol", address: "Vote111", status: "scored", view: "basic", total: 78, band: "yellow", confidence: "low", dataDays: 5, calculatedAt: "2026-12-04T10:00:00Z", methodologyVersion: "x", factors: FREE_FACTORS },
        meta: { tier: "free", factorsShown: 3, upgradeUrl: "/settings/subscription" },
      });
    if (path === `/api/vrs/${ID}/history`)
      return json({
        data: {
          validatorId: ID,
          chain: "sol",
          address: "Vote111",
          view: "basic",
          firstScoredAt: "2026-12-01T10:00:00Z",
          points: options.history ?? [point("2026-12-01", 95), point("2026-12-02", 95), point("2026-12-03", 80, { points: 15, since: "2026-12-02" }), point("2026-12-04", 78, { points: 17, since: "2026-12-02" })],
          lastDrop: options.lastDrop === undefined ? { from: "2026-12-02", to: "2026-12-04", before: 95, after: 78, fell: 17, causes: [{ factor: "uptime", before: 90, after: 40, delta: -50 }, { factor: "commission", before: 90, after: 95, delta: 5 }] } : options.lastDrop,
        },
        meta: { tier: "free", days: 7, requestedDays: 30, maxDays: 7, clamped: true, upgradeUrl: "/settings/subscription" },
      });
    if (path === "/api/yield/history")
      return json({
        data: { chain: "sol", validatorId: ID, points: [] },
        meta: { tier: "free", days: 7, requestedDays: 30, maxDays: 7, clamped: true },
      });
    if (path === "/api/watchlist" && request.method === "GET")
      return json({ data: watched ? [{ validatorId: ID, chain: "sol", name: "Chorus One", addedAt: "2026-12-04T10:00:00Z", vrs: null, overLimit: false }] : [], meta: { limit: 0, watchLimit: 10, upgradeUrl: null } });
    if (path === "/api/watchlist" && request.method === "POST") {
      if (options.watchAnswer) return options.watchAnswer;
      watched = true;
      return json({ data: { validatorId: ID } }, 201);
    }
    if (path === `/api/watchlist/${ID}` && request.method === "DELETE") {
      watched = false;
      return json({ data: { validatorId: ID, deleted: true } });
    }
    throw new Error(`unexpected ${request.method} ${url.pathname}`);
  };
  return calls;
}

function show(path = `/validators?chain=sol&validator=${encodeURIComponent(ID)}`) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter([{ path: "*", element: <ValidatorDetailHost /> }], { initialEntries: [path] });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe("ValidatorDetailPanel", () => {
  it("shows the name, the score with its view and confidence, and the factor bars with labels and weights", async () => {
    const calls = api();
    show();
    const dialog = await screen.findByRole("dialog", { name: "Chorus One" });
    expect(dialog.hasAttribute("open")).toBe(true);
    await screen.findByText("Basic VRS");
    expect(within(dialog).getByRole("img", { name: "Validator Risk Score: 78 of 100, medium risk" })).toBeTruthy();
    expect(dialog.textContent).toContain("based on 5 days of history");
    expect(dialog.textContent).toContain("More data becomes available over the next days");
    const meters = within(dialog).getAllByRole("meter");
    expect(meters.map((m) => m.getAttribute("aria-label"))).toEqual([
      "Uptime: 40 of 100, weight 40%",
      "Slashing history: 100 of 100, weight 33%",
      "Commission stability: 95 of 100, weight 27%",
      "Performance: locked, shown with Pro",
      "Decentralisation: locked, shown with Pro",
    ]);
    expect(meters.every((m) => m.tabIndex === 0)).toBe(true); // each bar is reachable with Tab
    expect(dialog.textContent).toContain("Weights: 40% Uptime · 33% Slashing history · 27% Commission stability");
    // one inline hint, a link (no modal)
    expect(within(dialog).getByText(/^Unlock all 5 factors/).closest("p")?.querySelector("a")?.getAttribute("href")).toBe("/settings/subscription");
    expect(calls).toContain(`GET /api/vrs/${ID}/history?days=30`);
    expect(calls).toContain(`GET /api/yield/history?validatorId=${ID}&days=30`);
  });

  it("draws the history with the drop marked and explains the last drop", async () => {
    api();
    show();
    const dialog = await screen.findByRole("dialog", { name: "Chorus One" });
    const chart = await within(dialog).findByRole("group", { name: /^Risk score, last 7 days/ });
    expect(dialog.querySelectorAll("[data-drop=true]")).toHaveLength(2);
    expect(within(dialog).getByTestId("drop-note").textContent).toBe("Fell by 17 since 2 Dec 2026 (2 days marked)");
    expect(within(dialog).getByTestId("collected-since").textContent).toContain("History is collected since 1 Dec 2026");
    expect(within(dialog).getByText("See 30 days of history with Pro.")).toBeTruthy();
    const why = within(dialog).getByRole("region", { name: "Why the score changed" });
    expect(why.textContent).toContain("Fell by 17 since 2 Dec 2026: from 95 to 78 on 4 Dec 2026.");
    expect(within(why).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Uptime90 → 40 (\u221250)", "Commission stability90 → 95 (+5)"]);
    // the keyboard reads the chart day by day
    fireEvent.focus(chart);
    expect(within(dialog).getByTestId("chart-tooltip").textContent).toBe("4 Dec 2026: score 78, \u22122 to the day before, fell by 17 since 2 Dec 2026");
    fireEvent.keyDown(chart, { key: "Home" });
    expect(within(dialog).getByTestId("chart-tooltip").textContent).toBe("1 Dec 2026: score 95, first day shown");
    fireEvent.keyDown(chart, { key: "ArrowRight" });
    expect(within(dialog).getByTestId("chart-tooltip").textContent).toBe("2 Dec 2026: score 95, ±0 to the day before");
    expect(within(dialog).getByText(/^No yield history yet/)).toBeTruthy();
  });

  it("no drop: no 'why'; no scored day: says history starts", async () => {
    api({ history: [], lastDrop: null });
    show();
    const dialog = await screen.findByRole("dialog", { name: "Chorus One" });
    await within(dialog).findByText(/No score history yet/);
    expect(within(dialog).queryByRole("region", { name: "Why the score changed" })).toBeNull();
  });

  it("watch and stop watching (a toggle button)", async () => {
    const calls = api();
    show();
    const button = await screen.findByRole("button", { name: "Watch Chorus One" });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    expect(button.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(button);
    await waitFor(() => expect(button.getAttribute("aria-pressed")).toBe("true"));
    expect(calls).toContain("POST /api/watchlist");
    fireEvent.click(button);
    await waitFor(() => expect(button.getAttribute("aria-pressed")).toBe("false"));
    expect(calls).toContain(`DELETE /api/watchlist/${ID}`);
  });

  it("the plan's watch limit is shown with the inline upgrade hint", async () => {
    api({
      watchAnswer: json({ error: "Watch limit reached (10/10)", code: "TIER_LIMIT", details: { feature: "watched_validators", limit: 10, current: 10 } }, 403),
    });
    show();
    const button = await screen.findByRole("button", { name: "Watch Chorus One" });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    expect((await screen.findByText("You watch 10 of 10 validators, the limit of your plan.")).closest("p")?.querySelector("a")).toBeTruthy();
    expect(button.getAttribute("aria-pressed")).toBe("false");
  });

  it("Escape (cancel) and the close button remove the validator from the URL, keeping the page's own parameters", async () => {
    api();
    const router = show();
    const dialog = await screen.findByRole("dialog", { name: "Chorus One" });
    fireEvent(dialog, new Event("cancel", { cancelable: true }));
    await waitFor(() => expect(router.state.location.search).toBe("?chain=sol"));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("an unknown validator says so", async () => {
    net.handler = async (request) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/api/validators/")) return json({ error: "No such validator.", code: "NOT_FOUND", details: {} }, 404);
      if (url.pathname === "/api/watchlist") return json({ data: [], meta: { limit: 0, watchLimit: 10, upgradeUrl: null } });
      return json({ error: "No such validator.", code: "NOT_FOUND", details: {} }, 404);
    };
    show("/dashboard?validator=atom:nobody");
    expect((await screen.findByText(/^There is no validator atom:nobody/)).getAttribute("role")).toBe("alert");
  });
});
