// The subscription page from GET /api/subscription: the free plan with usage bars, the
// comparison and the mailto with its subject; the pro plan managed by an admin, no upgrade.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { SubscriptionPage, usagePercent } from "./SubscriptionPage";
import { SUBSCRIPTION_KEY, type Subscription } from "./queries";

afterEach(cleanup);

const FREE: Subscription = {
  tier: "free",
  since: "2026-12-01T00:00:00Z",
  expiresAt: null,
  source: null,
  limits: [
    { feature: "chains", limit: 1, current: 1, overLimit: false },
    { feature: "alerts", limit: 1, current: 0, overLimit: false },
    { feature: "watched_validators", limit: 10, current: 12, overLimit: true },
  ],
  comparison: [
    { feature: "alerts", free: 1, pro: 5 },
    { feature: "watched_validators", free: 10, pro: null },
    { feature: "rewards_export", free: 0, pro: 1 },
  ],
  price: { amount: "19", currency: "USD", period: "month", displayOnly: true },
  upgrade: { email: "upgrade@staketrack.ai", subject: "StakeTrack AI Pro Upgrade", mailto: "mailto:upgrade@staketrack.ai?subject=StakeTrack%20AI%20Pro%20Upgrade" },
  upgradeUrl: "/settings/subscription",
};

function show(sub: Subscription) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(SUBSCRIPTION_KEY, sub);
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <SubscriptionPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("SubscriptionPage", () => {
  it("free: the plan, each limit as a meter, the comparison and the upgrade mailto", () => {
    show(FREE);
    expect(screen.getByText(/Current plan:/).textContent).toBe("Current plan: Free");
    const chains = screen.getByRole("meter", { name: "Chains: 1 of 1 used" });
    expect(chains.getAttribute("aria-valuenow")).toBe("1");
    expect(screen.getByRole("meter", { name: "Alerts: 0 of 1 used" })).toBeTruthy();
    expect(screen.getByText("More than the limit is in use: the rest is kept, read-only.")).toBeTruthy();
    const table = screen.getByRole("table");
    const alertsRow = within(table).getByRole("row", { name: /Alerts/ });
    expect(alertsRow.textContent).toContain("1 alert");
    expect(alertsRow.textContent).toContain("5 alerts");
    expect(within(table).getByRole("row", { name: /Watched validators/ }).textContent).toContain("Unlimited");
    expect(within(table).getByRole("row", { name: /Rewards CSV export/ }).textContent).toBe("Rewards CSV exportNoYes");
    expect(within(table).getByRole("columnheader", { name: /Pro · \$19\/month/ })).toBeTruthy();
    const mail = screen.getByRole("link", { name: "Email for Pro access" });
    expect(mail.getAttribute("href")).toBe("mailto:upgrade@staketrack.ai?subject=StakeTrack%20AI%20Pro%20Upgrade");
    expect(screen.getByText(/Subject: “StakeTrack AI Pro Upgrade”/)).toBeTruthy();
  });

  it("pro: the plan with its end, managed by an admin, no upgrade contact", () => {
    show({ ...FREE, tier: "pro", source: "admin", expiresAt: "2027-01-01T00:00:00Z", upgradeUrl: null });
    expect(screen.getByText(/Current plan:/).textContent).toBe("Current plan: Pro");
    expect(screen.getByText(/until 1 Jan 2027/)).toBeTruthy();
    expect(screen.getByText("Your Pro access is managed by an admin.")).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Email for Pro access" })).toBeNull();
    expect(screen.getByRole("columnheader", { name: "Pro (your plan)" })).toBeTruthy();
  });

  it("usagePercent: unlimited is empty, over the limit is full", () => {
    expect(usagePercent({ current: 3, limit: null })).toBe(0);
    expect(usagePercent({ current: 1, limit: 4 })).toBe(25);
    expect(usagePercent({ current: 12, limit: 10 })).toBe(100);
    expect(usagePercent({ current: 1, limit: 0 })).toBe(100);
  });
});
