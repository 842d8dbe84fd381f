// The admin console's sections against a faked /api/admin/* (src/test/net.ts): what is
// shown, what is sent, and the refusals.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryRouter, Route, Routes } from "react-router";
import { json, net } from "../../test/net";
import { ME_KEY } from "../../app/session";
import { AdminConsole } from "./AdminConsole";

afterEach(cleanup);

const USER_ID = "1a2b3c4d-5e6f-4000-8000-000000000001";
const user = (over: Record<string, unknown> = {}) => ({
  id: USER_ID,
  walletChains: ["eth"],
  email: null,
  emailVerified: false,
  tier: "free",
  subscription: null,
  role: "user",
  createdAt: "2026-12-01T10:00:00Z",
  lastSeenAt: null,
  ...over,
});
const LIMITS = [
  { tier: "free", chains: 1, watchedValidators: 3, vrsFactors: 3, alerts: 1, historyDays: 7, rewardDays: 30, rewardsExport: false },
  { tier: "pro", chains: 3, watchedValidators: null, vrsFactors: 5, alerts: 50, historyDays: 365, rewardDays: null, rewardsExport: true },
];
const VRS = {
  version: 3,
  values: {
    "weight.uptime": "30",
    "weight.slashing": "25",
    "weight.commission": "20",
    "weight.performance": "15",
    "weight.decentralization": "10",
    "window.recent_days": "30",
    "window.recent_weight": "0.7",
    "window.horizon_days": "90",
    "window.older_weight": "0.3",
    pending_days: "7",
    "confidence.high_days": "60",
    "confidence.medium_days": "30",
  },
  changedAt: "2026-12-02T09:00:00Z",
  changedBy: USER_ID,
  reason: "tuning",
};
const YIELD = { version: 1, values: { "eth/slots_per_epoch": "32" }, changedAt: null, changedBy: null, reason: null };

type Sent = { method: string; path: string; query: URLSearchParams; body: unknown };
let sent: Sent[];
let answer: (s: Sent) => Response | undefined;

beforeEach(() => {
  sent = [];
  answer = () => undefined;
  net.handler = async (request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? null : await request.json();
    const s = { method: request.method, path: url.pathname, query: url.searchParams, body };
    sent.push(s);
    const custom = answer(s);
    if (custom) return custom;
    const list = (data: unknown[], nextCursor: string | null = null) => json({ data, meta: { nextCursor, limit: 25 } });
    switch (`${s.method} ${s.path}`) {
      case "GET /api/admin/users":
        return url.searchParams.get("cursor") ? list([user({ id: "99999999-0000-4000-8000-000000000002" })]) : list([user()], "next-page");
      case "GET /api/admin/subscriptions":
        return list([user({ tier: "pro", subscription: { tier: "pro", startedAt: "2026-12-01T10:00:00Z", expiresAt: "2027-01-31T23:59:59Z", source: "admin" } })]);
      case "PUT /api/admin/users/1a2b3c4d-5e6f-4000-8000-000000000001/subscription":
        return json({ data: user({ tier: "pro" }), meta: {} });
      case "GET /api/admin/audit-log":
        return list([
          {
            id: 7,
            at: "2026-12-04T08:00:00Z",
            actorType: "admin",
            actorId: USER_ID,
            action: "subscription.set",
            targetType: "user",
            targetId: USER_ID,
            before: { tier: "free" },
            after: { tier: "pro" },
            reason: "beta tester",
            requestId: "req-1",
          },
        ]);
      case "GET /api/admin/tier-limits":
      case "PUT /api/admin/tier-limits":
        return list(LIMITS);
      case "GET /api/admin/vrs-config":
        return json({ data: VRS, meta: {} });
      case "GET /api/admin/yield-config":
        return json({ data: YIELD, meta: {} });
      case "GET /api/admin/errors":
        return list([]);
    }
    return json({ error: `unexpected ${s.method} ${s.path}`, code: "NOT_FOUND", details: {} }, 404);
  };
});

function show(path: string, { isAdmin = true } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(ME_KEY, { id: "me", isAdmin, tier: "free" });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/admin/*" element={<AdminConsole />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("AdminConsole", () => {
  it("a non-admin is refused and nothing is asked of the admin API", () => {
    show("/admin/users", { isAdmin: false });
    expect(screen.getByRole("heading", { name: "Not allowed" })).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Admin" })).toBeNull();
    expect(sent).toEqual([]);
  });

  it("a 403 from the server (no longer an admin) shows the same refusal", async () => {
    answer = () => json({ error: "Admins only.", code: "FORBIDDEN", details: {} }, 403);
    show("/admin/users");
    expect(await screen.findByRole("heading", { name: "Not allowed" })).toBeTruthy();
  });

  it("users: the section nav, a page of users, load more, and search sent to the server", async () => {
    show("/admin");
    const nav = screen.getByRole("navigation", { name: "Admin" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Users", "Audit log", "Tier limits", "VRS & yield config", "Last errors"]);
    const table = await screen.findByRole("table", { name: "Users" });
    expect(within(table).getAllByTestId("user-row")).toHaveLength(1);
    expect(within(table).getByText("1a2b3c4d")).toBeTruthy();
    expect(within(table).getByText("Wallet (ETH)")).toBeTruthy();
    fireEvent.click(screen.getAllByRole("button", { name: "Load more users" })[0]!);
    await waitFor(() => expect(within(table).getAllByTestId("user-row")).toHaveLength(2));
    expect(sent.at(-1)?.query.get("cursor")).toBe("next-page");

    fireEvent.change(screen.getByRole("searchbox", { name: "Search users" }), { target: { value: "  alice@ex" } });
    await waitFor(() => expect(sent.some((s) => s.query.get("q") === "alice@ex")).toBe(true));
  });

  it("tier change: the reason is required; confirmed, the change is sent with it", async () => {
    show("/admin/users");
    const table = await screen.findByRole("table", { name: "Users" });
    fireEvent.click(within(table).getByRole("button", { name: "Change tier of user 1a2b3c4d" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByRole("heading", { name: "Set the tier of user 1a2b3c4d to Pro?" })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole("button", { name: "Set to Pro" }));
    expect(within(dialog).getByText(/A reason is required/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole("textbox", { name: /Reason/ }));
    expect(sent.some((s) => s.method === "PUT")).toBe(false);

    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: " beta tester " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Set to Pro" }));
    await waitFor(() => expect(sent.some((s) => s.method === "PUT")).toBe(true));
    expect(sent.find((s) => s.method === "PUT")?.body).toEqual({ tier: "pro", expiresAt: null, reason: "beta tester" });
  });

  it("tier change: pro until a date; the admin is told when it is stored", async () => {
    show("/admin/users");
    const table = await screen.findByRole("table", { name: "Users" });
    fireEvent.click(within(table).getByRole("button", { name: "Change tier of user 1a2b3c4d" }));
    const dialog = await screen.findByRole("dialog");
    const until = within(dialog).getByLabelText(/Pro until/);
    fireEvent.change(until, { target: { value: "2020-01-01" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "trial" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Set to Pro" }));
    expect(within(dialog).getByText("The expiry must be in the future.")).toBeTruthy();
    fireEvent.change(until, { target: { value: "2999-01-31" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Set to Pro" }));
    expect(await screen.findByText("User 1a2b3c4d is now Pro until 2999-01-31.")).toBeTruthy();
    expect(sent.find((s) => s.method === "PUT")?.body).toEqual({ tier: "pro", expiresAt: "2999-01-31T23:59:59Z", reason: "trial" });
  });

  it("the story's /admin/subscriptions: only users with a pro subscription, with its end", async () => {
    show("/admin/subscriptions");
    const table = await screen.findByRole("table", { name: "Users" });
    expect(within(table).getByText(/until 31 Jan 2027/)).toBeTruthy();
    expect(sent.map((s) => s.path)).toContain("/api/admin/subscriptions");
    expect((screen.getByRole("checkbox", { name: /Only users with a pro subscription/ }) as HTMLInputElement).checked).toBe(true);
  });

  it("tier change: the server's error is shown in the dialog", async () => {
    answer = (s) => (s.method === "PUT" ? json({ error: "No such user.", code: "NOT_FOUND", details: {} }, 404) : undefined);
    show("/admin/users");
    const table = await screen.findByRole("table", { name: "Users" });
    fireEvent.click(within(table).getByRole("button", { name: "Change tier of user 1a2b3c4d" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "support" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Set to Pro" }));
    expect(await within(dialog).findByText("No such user.")).toBeTruthy();
  });

  it("audit log: who, what, when, why and the change", async () => {
    show("/admin/audit");
    const entry = await screen.findByTestId("audit-entry");
    expect(entry.textContent).toContain("subscription.set");
    expect(entry.textContent).toContain("beta tester");
    expect(entry.textContent).toContain("Admin 1a2b3c4d");
    expect(entry.textContent).toMatch(/tier:\s*free\s*→\s*to\s*pro/);
    fireEvent.change(screen.getByRole("combobox", { name: "Action" }), { target: { value: "role.grant" } });
    await waitFor(() => expect(sent.some((s) => s.query.get("action") === "role.grant")).toBe(true));
  });

  it("tier limits: a bad value is named, the diff is shown before saving, then sent with the reason", async () => {
    show("/admin/limits");
    const alerts = await screen.findByRole("textbox", { name: "Free: Alerts" });
    expect(screen.getByText(/No changes/)).toBeTruthy();
    fireEvent.change(alerts, { target: { value: "0" } });
    expect(screen.getByText("A whole number, at least 1.")).toBeTruthy();
    expect(screen.queryByRole("table", { name: "Tier limit changes" })).toBeNull();

    fireEvent.change(alerts, { target: { value: "2" } });
    const diff = screen.getByRole("table", { name: "Tier limit changes" });
    expect(within(diff).getAllByTestId("diff-row").map((r) => r.textContent)).toEqual(["Free · Alerts12"]);
    fireEvent.click(screen.getByRole("button", { name: "Save limits" }));
    expect(screen.getByText(/A reason is required/)).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: /Reason/ }), { target: { value: "two alerts for free" } });
    fireEvent.click(screen.getByRole("button", { name: "Save limits" }));
    await waitFor(() => expect(sent.some((s) => s.method === "PUT")).toBe(true));
    expect(sent.find((s) => s.method === "PUT")?.body).toEqual({ limits: [{ ...LIMITS[0], alerts: 2 }, LIMITS[1]], reason: "two alerts for free" });
  });

  it("configs: versions shown, validation, the diff and a stale version explained", async () => {
    answer = (s) =>
      s.method === "PUT" ? json({ error: "The config changed since you read it; reload it.", code: "STALE_VERSION", details: { currentVersion: 4 } }, 409) : undefined;
    show("/admin/config");
    expect((await screen.findByTestId("vrs-version")).textContent).toBe("Version 3");
    expect((await screen.findByTestId("yield-version")).textContent).toBe("Version 1");
    expect(screen.getByText(/by admin 1a2b3c4d — “tuning”/)).toBeTruthy();

    const horizon = screen.getByRole("textbox", { name: "window.horizon_days" });
    fireEvent.change(horizon, { target: { value: "20" } });
    expect(screen.getByText("Must be less than window.horizon_days.")).toBeTruthy();
    fireEvent.change(horizon, { target: { value: "120" } });
    expect(screen.getByRole("heading", { name: "Your change: version 3 → 4" })).toBeTruthy();
    const diff = screen.getByRole("table", { name: "VRS config changes" });
    expect(within(diff).getAllByTestId("diff-row").map((r) => r.textContent)).toEqual(["window.horizon_days90120"]);
    fireEvent.change(screen.getByRole("textbox", { name: /Reason/ }), { target: { value: "longer horizon" } });
    fireEvent.click(screen.getByRole("button", { name: "Save VRS config" }));
    expect(await screen.findByText(/changed since you read it/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /Load the new version/ })).toBeTruthy();
    expect(sent.find((s) => s.method === "PUT")?.body).toMatchObject({ version: 3, reason: "longer horizon", values: { "window.horizon_days": "120" } });
  });

  it("last errors: the empty state", async () => {
    show("/admin/errors");
    expect(await screen.findByText("No errors recorded.")).toBeTruthy();
  });
});
