// Settings → Wallets against a stubbed network: the list, make primary (PATCH with
// {primary: true}), the last-sign-in-method warning and the API's refusal shown in the
// dialog, a TIER_LIMIT refusal as an upgrade hint.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, net } from "../../../test/net";
import type { Wallet } from "../queries";
import { apiError, envelope, ME, renderSection } from "../test-utils";
import { isLastLoginMethod, WalletsSettings } from "./WalletsSettings";

// the wallet connectors (the dashboard's panel) are not what these tests are about
vi.mock("../../dashboard/link-panel", () => ({ LinkWalletPanel: () => <p>link panel</p> }));

const W1: Wallet = { id: "11111111-1111-4111-8111-111111111111", chain: "eth", address: "0xAbC0000000000000000000000000000000001234", shortAddress: "0xAbC0…1234", linkedAt: "2026-12-01T10:00:00Z", isPrimary: true, overLimit: false };
const W2: Wallet = { id: "22222222-2222-4222-8222-222222222222", chain: "eth", address: "0xDeF0000000000000000000000000000000005678", shortAddress: "0xDeF0…5678", linkedAt: "2026-12-02T10:00:00Z", isPrimary: false, overLimit: false };

type Seen = { method: string; path: string; body: unknown };

function serve(wallets: Wallet[], handlers: Partial<Record<string, (seen: Seen) => Response>> = {}, me = ME) {
  const seen: Seen[] = [];
  let list = wallets;
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    const body = request.method === "GET" || request.method === "DELETE" ? null : await request.json().catch(() => null);
    const entry = { method: request.method, path, body };
    seen.push(entry);
    const custom = handlers[`${request.method} ${path}`];
    if (custom) return custom(entry);
    if (path === "/api/me") return json(envelope(me));
    if (path === "/api/me/wallets" && request.method === "GET") return json(envelope(list));
    if (request.method === "PATCH") {
      const id = path.split("/").pop();
      list = list.map((w) => ({ ...w, isPrimary: w.id === id }));
      return json(envelope(list.find((w) => w.id === id)));
    }
    return json(apiError("NOT_FOUND", "not here"), 404);
  };
  return seen;
}

afterEach(cleanup);

describe("isLastLoginMethod", () => {
  it("is the only wallet without a verified email", () => {
    expect(isLastLoginMethod([W1], false)).toBe(true);
    expect(isLastLoginMethod([W1], true)).toBe(false);
    expect(isLastLoginMethod([W1, W2], false)).toBe(false);
  });
});

describe("WalletsSettings", () => {
  it("lists wallets with chain, short address, primary marker and date", async () => {
    serve([W1, W2]);
    renderSection(<WalletsSettings />);
    const rows = await screen.findAllByTestId("wallet-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain("ETH");
    expect(rows[0]!.textContent).toContain("0xAbC0…1234");
    expect(rows[0]!.textContent).toContain("Primary");
    expect(rows[0]!.textContent).toContain("Linked 1 Dec 2026");
    expect(rows[1]!.textContent).not.toContain("Primary");
    expect(screen.getByRole("heading", { level: 2, name: "Wallets" })).toBeTruthy();
  });

  it("makes a wallet primary with PATCH {primary: true}", async () => {
    const seen = serve([W1, W2]);
    renderSection(<WalletsSettings />);
    fireEvent.click(await screen.findByRole("button", { name: "Make primary: ETH wallet 0xDeF0…5678" }));
    await screen.findByText(/0xDeF0…5678 is now your primary wallet/);
    expect(seen.find((s) => s.method === "PATCH")).toEqual({ method: "PATCH", path: `/api/me/wallets/${W2.id}`, body: { primary: true } });
    await waitFor(() => expect(screen.getAllByTestId("wallet-row")[1]!.textContent).toContain("Primary"));
  });

  it("warns before unlinking the last way to sign in and shows the API's refusal", async () => {
    const seen = serve([W1], {
      [`DELETE /api/me/wallets/${W1.id}`]: () => json(apiError("LAST_LOGIN_METHOD", "This is the account's last way to sign in; add another wallet or an email first."), 409),
    });
    renderSection(<WalletsSettings />);
    fireEvent.click(await screen.findByRole("button", { name: "Unlink ETH wallet 0xAbC0…1234" }));
    const dialog = await screen.findByRole("dialog", { name: /Unlink wallet 0xAbC0…1234 on Ethereum/ });
    expect(within(dialog).getByTestId("last-method-warning").textContent).toContain("only way to sign in");
    fireEvent.click(within(dialog).getByRole("button", { name: "Unlink wallet" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("last way to sign in");
    expect(seen.filter((s) => s.method === "DELETE")).toHaveLength(1);
    expect(screen.getAllByTestId("wallet-row")).toHaveLength(1);
  });

  it("unlinks a secondary wallet and says so", async () => {
    serve([W1, W2], { [`DELETE /api/me/wallets/${W2.id}`]: () => json(envelope({ id: W2.id, deleted: true })) });
    renderSection(<WalletsSettings />);
    fireEvent.click(await screen.findByRole("button", { name: "Unlink ETH wallet 0xDeF0…5678" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).queryByTestId("last-method-warning")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Unlink wallet" }));
    await screen.findByText("Wallet unlinked.");
  });

  it("shows a TIER_LIMIT refusal of make-primary as an upgrade hint", async () => {
    serve([W1, W2], {
      [`PATCH /api/me/wallets/${W2.id}`]: () =>
        json(apiError("TIER_LIMIT", "This wallet's chain is over your plan's limit.", { feature: "chains", limit: 1, current: 2 }), 403),
    });
    renderSection(<WalletsSettings />);
    fireEvent.click(await screen.findByRole("button", { name: "Make primary: ETH wallet 0xDeF0…5678" }));
    expect(await screen.findByText("This wallet's chain is over your plan's limit.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "See Pro" }).getAttribute("href")).toBe("/settings/subscription");
  });
});
