// The alerts screen against a stubbed API with state: create (validated), the free limit,
// the optimistic switch rolled back on a refusal, delete with confirmation, and the webhook.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json, net } from "../../../test/net";
import type { Alert } from "./rules";
import { AlertsSettings } from "./AlertsSettings";

type Call = { method: string; path: string; body: unknown };
let calls: Call[];
let alerts: Alert[];
let limit: number;
let webhook: Record<string, unknown> | null;
let refuse = false;
let patchAnswer: (() => Response | Promise<Response>) | null;

const ME = { id: "u1", tier: "free", isAdmin: false, email: "ada@example.org", emailVerified: true, createdAt: "2026-12-01T00:00:00Z" };
const SUB = {
  tier: "free",
  since: "2026-12-01T00:00:00Z",
  expiresAt: null,
  source: null,
  limits: [],
  comparison: [{ feature: "alerts", free: 1, pro: 5 }],
  price: { amount: "19", currency: "USD", period: "month", displayOnly: true },
  upgrade: { email: "upgrade@staketrack.ai", subject: "StakeTrack AI Pro Upgrade", mailto: "mailto:upgrade@staketrack.ai?subject=StakeTrack%20AI%20Pro%20Upgrade" },
  upgradeUrl: "/settings/subscription",
};
const err = (status: number, code: string, error: string, details = {}) => json({ error, code, details }, status);

function stored(over: Partial<Alert>): Alert {
  return {
    id: `a${alerts.length + 1}`,
    type: "vrs_drop",
    chain: null,
    validatorId: null,
    threshold: "10",
    notifyResolved: false,
    channels: ["email"],
    active: true,
    inactiveReason: null,
    overLimit: false,
    createdAt: "2026-12-04T10:00:00Z",
    updatedAt: "2026-12-04T10:00:00Z",
    ...over,
  };
}

beforeEach(() => {
  calls = [];
  alerts = [];
  limit = 1;
  webhook = null;
  patchAnswer = null;
  refuse = false;
  net.handler = async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const body = request.method === "GET" || request.method === "DELETE" ? null : await request.json().catch(() => null);
    calls.push({ method: request.method, path, body });
    if (path.startsWith("/api/validators/")) {
      const id = decodeURIComponent(path.slice("/api/validators/".length));
      return id === "sol:Vote111" ? json({ data: { id, name: "Figment" }, meta: {} }) : err(404, "NOT_FOUND", "Unknown validator.");
    }
    if (path === "/api/me") return json({ data: ME, meta: {} });
    if (path === "/api/subscription") return json({ data: SUB, meta: {} });
    if (path === "/api/alerts/history") return json({ data: [], meta: { limit: 20, nextCursor: null } });
    if (path === "/api/alerts" && request.method === "GET")
      return json({ data: alerts, meta: { limit: 100, alertLimit: limit, upgradeUrl: "/settings/subscription" } });
    if (path === "/api/alerts" && request.method === "POST") {
      if (refuse) return err(403, "TIER_LIMIT", "Alert limit reached (1/1)", { feature: "alerts", limit: 1, current: 1 });
      if (alerts.length >= limit) return err(403, "TIER_LIMIT", "Alert limit reached", { feature: "alerts", limit, current: alerts.length });
      const b = body as Record<string, unknown>;
      const created = stored({ type: b.type as Alert["type"], chain: (b.chain as Alert["chain"]) ?? null, threshold: b.threshold === null ? null : String(b.threshold) });
      alerts.push(created);
      return json({ data: created, meta: {} }, 201);
    }
    const one = /^\/api\/alerts\/(.+)$/.exec(path);
    if (one && request.method === "PATCH") {
      if (patchAnswer) return patchAnswer();
      const alert = alerts.find((a) => a.id === one[1])!;
      Object.assign(alert, body);
      return json({ data: alert, meta: {} });
    }
    if (one && request.method === "DELETE") {
      alerts = alerts.filter((a) => a.id !== one[1]);
      return json({ data: { id: one[1], deleted: true }, meta: {} });
    }
    if (path === "/api/me/webhook" && request.method === "GET") return webhook ? json({ data: webhook, meta: {} }) : err(404, "NOT_FOUND", "No webhook is set.");
    if (path === "/api/me/webhook" && request.method === "PUT") {
      const u = (body as { url: string }).url;
      if (u.includes("127.0.0.1")) return err(422, "INVALID_INPUT", "The webhook URL points to a private, loopback, link-local or reserved address.", { reason: "address" });
      webhook = { url: u, verified: false, verifiedAt: null, createdAt: "2026-12-04T10:00:00Z", updatedAt: "2026-12-04T10:00:00Z" };
      return json({ data: { ...webhook, secret: "whsec_abc123" }, meta: {} });
    }
    if (path === "/api/me/webhook/test") return err(502, "WEBHOOK_PING_FAILED", "The webhook did not answer the test ping with a 2xx status.", { reason: "status", status: 500 });
    return err(404, "NOT_FOUND", `not stubbed: ${request.method} ${path}`);
  };
});
afterEach(cleanup);

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <AlertsSettings />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("AlertsSettings", () => {
  it("empty state → form; a bad threshold is explained and nothing is sent; a good one creates the alert and reaches the free limit", async () => {
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Create alert" }));
    const form = screen.getByRole("form", { name: "New alert" });
    const threshold = within(form).getByLabelText(/Score drop/);
    fireEvent.change(threshold, { target: { value: "0" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create alert" }));
    expect(within(form).getByText("The points are a whole number from 1 to 100.")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    fireEvent.change(threshold, { target: { value: "12" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create alert" }));
    await screen.findByText("Alert created: it is active now.");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ type: "vrs_drop", chain: null, validatorId: null, threshold: 12, channels: ["email"], notifyResolved: false });
    const list = await screen.findByRole("list", { name: "My alerts" });
    expect(within(list).getByText("falls by ≥ 12 points")).toBeTruthy();
    expect(await screen.findByText("Alert-Limit erreicht (1/1)")).toBeTruthy();
    expect(screen.getByText("Up to 5 alerts with Pro.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "See Pro" }).getAttribute("href")).toBe("/settings/subscription");
    expect(screen.queryByRole("button", { name: "Create alert" })).toBeNull();
  });

  it("the switch turns off at once and comes back when the API refuses", async () => {
    alerts = [stored({ active: false, inactiveReason: "user" })];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    patchAnswer = async () => {
      await held; // the answer waits until the optimistic state was seen
      return err(409, "EMAIL_NOT_VERIFIED", "Email alerts need a verified email address.");
    };
    show();
    const toggle = await screen.findByRole("switch", { name: "Alert VRS drop on All my validators" });
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("true")); // optimistic
    release();
    expect((await screen.findByRole("alert")).textContent).toMatch(/could not be switched on: Email alerts need a verified email address/);
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("false"));
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ active: true });
  });

  it("change: type and scope stay, the threshold is checked and only what may change is sent", async () => {
    alerts = [stored({ type: "vrs_below", chain: "eth", threshold: "40" })];
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Change alert VRS below on All my ETH validators" }));
    const form = screen.getByRole("form", { name: "Change alert" });
    expect((within(form).getByLabelText("Alert type") as HTMLSelectElement).disabled).toBe(true);
    const threshold = within(form).getByLabelText(/Score under/) as HTMLInputElement;
    expect(threshold.value).toBe("40");
    fireEvent.change(threshold, { target: { value: "" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    expect(within(form).getByText(/Enter the points/)).toBeTruthy();
    fireEvent.change(threshold, { target: { value: "35" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Also tell me once the condition clears" }));
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    await screen.findByText("Alert changed.");
    expect(calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([{ threshold: 35, channels: ["email"], notifyResolved: true }]);
    expect(await screen.findByText("under 35 points")).toBeTruthy();
  });

  it("delete asks first, names the alert, and removes it", async () => {
    alerts = [stored({ type: "commission_increase", chain: "sol", threshold: null })];
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Delete alert Commission increase on All my SOL validators" }));
    const dialog = screen.getByRole("dialog", { name: "Delete the alert for Commission increase on All my SOL validators?" });
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete alert" }));
    await screen.findByText("Alert deleted.");
    expect(calls.find((c) => c.method === "DELETE")?.path).toBe("/api/alerts/a1");
    expect(await screen.findByRole("heading", { name: "No alerts configured yet" })).toBeTruthy();
  });

  it("single-validator alerts show the validator's name (or its short address when it has none)", async () => {
    alerts = [stored({ chain: "sol", validatorId: "sol:Vote111" }), stored({ id: "a2", chain: "atom", validatorId: "atom:cosmosvaloper1qwertyuiopasdf" })];
    limit = 5;
    show();
    const list = await screen.findByRole("list", { name: "My alerts" });
    expect(await within(list).findByText("SOL · Figment")).toBeTruthy();
    expect(within(list).getByText("ATOM · cosmos…asdf")).toBeTruthy();
    expect(screen.getByRole("switch", { name: "Alert VRS drop on SOL · Figment" })).toBeTruthy();
  });

  it("a TIER_LIMIT refusal of the API shows the limit state too (the list was stale)", async () => {
    alerts = [];
    limit = 1;
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Create alert" }));
    refuse = true; // the list still says 0/1
    const form = screen.getByRole("form", { name: "New alert" });
    fireEvent.click(within(form).getByRole("button", { name: "Create alert" }));
    expect(await screen.findByText("Alert-Limit erreicht (1/1)")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "New alert" })).toBeNull();
  });

  it("webhook: checks the URL, shows the server's refusal, shows the secret once, and a failed ping", async () => {
    show();
    const url = await screen.findByLabelText("Webhook URL");
    fireEvent.change(url, { target: { value: "not a url" } });
    fireEvent.click(screen.getByRole("button", { name: "Save webhook" }));
    expect(screen.getByText(/Enter a full URL/)).toBeTruthy();
    expect(calls.some((c) => c.method === "PUT")).toBe(false);

    fireEvent.change(url, { target: { value: "https://127.0.0.1/hook" } });
    fireEvent.click(screen.getByRole("button", { name: "Save webhook" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/private, loopback/);

    fireEvent.change(url, { target: { value: "https://hooks.example.com/st" } });
    fireEvent.click(screen.getByRole("button", { name: "Save webhook" }));
    expect((await screen.findByTestId("webhook-secret")).textContent).toBe("whsec_abc123");
    expect(await screen.findByText("Not verified yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Send test ping" }));
    expect(await screen.findByText(/did not answer the test ping/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
  });
});
