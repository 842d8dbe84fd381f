// Settings → API keys: create (the key shown once with a copy button, gone after "stored"),
// the list with created / last used, revoke through the confirmation, name checks.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { json, net } from "../../../test/net";
import type { ApiKey } from "../queries";
import { apiError, envelope, renderSection } from "../test-utils";
import { ApiKeysSettings, keyNameProblem } from "./ApiKeysSettings";

const OLD: ApiKey = { id: "33333333-3333-4333-8333-333333333333", name: "tax script", prefix: "stk_abcd1234", createdAt: "2026-11-01T09:00:00Z", lastUsedAt: "2026-12-03T08:36:00Z" };
const NEW = { id: "44444444-4444-4444-8444-444444444444", name: "bot", prefix: "stk_efgh5678", createdAt: "2026-12-04T09:00:00Z", lastUsedAt: null, key: "stk_efgh5678_secretsecretsecret" };

function serve(createAnswer?: () => Response) {
  let keys: ApiKey[] = [OLD];
  const calls: string[] = [];
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    calls.push(`${request.method} ${path}`);
    if (path === "/api/me/api-keys" && request.method === "GET") return json(envelope(keys));
    if (path === "/api/me/api-keys" && request.method === "POST") {
      if (createAnswer) return createAnswer();
      const { key: _key, ...listed } = NEW;
      keys = [...keys, listed];
      return json(envelope(NEW), 201);
    }
    if (request.method === "DELETE") {
      const id = path.split("/").pop();
      keys = keys.filter((k) => k.id !== id);
      return json(envelope({ id, deleted: true }));
    }
    return json(apiError("NOT_FOUND", "not here"), 404);
  };
  return calls;
}

afterEach(cleanup);

describe("keyNameProblem", () => {
  it("wants a name of 1 to 100 characters", () => {
    expect(keyNameProblem("   ")).toMatch(/Give the key a name/);
    expect(keyNameProblem("x".repeat(101))).toMatch(/at most 100/);
    expect(keyNameProblem("bot")).toBeNull();
  });
});

describe("ApiKeysSettings", () => {
  it("lists keys with created and last used", async () => {
    serve();
    renderSection(<ApiKeysSettings />);
    const [row] = await screen.findAllByTestId("api-key-row");
    expect(row!.textContent).toContain("tax script");
    expect(row!.textContent).toContain("Created 1 Nov 2026");
    expect(row!.textContent).toContain("Last used 3 Dec 2026");
  });

  it("creates a key, shows it once with a copy button, then only the listing", async () => {
    serve();
    renderSection(<ApiKeysSettings />);
    await screen.findAllByTestId("api-key-row");
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Give the key a name/);

    fireEvent.change(screen.getByLabelText("New key name"), { target: { value: "bot" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    const panel = await screen.findByTestId("new-key");
    expect(within(panel).getByTestId("new-key-value").textContent).toBe(NEW.key);
    expect(panel.textContent).toContain("you won’t see it again");
    expect(within(panel).getByRole("button", { name: "Copy API key" })).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("api-key-row")).toHaveLength(2));
    expect(screen.getAllByTestId("api-key-row")[1]!.textContent).toContain("Never used");

    fireEvent.click(within(panel).getByRole("button", { name: "I have stored it" }));
    expect(screen.queryByTestId("new-key")).toBeNull();
    expect(document.body.textContent).not.toContain(NEW.key);
  });

  it("revokes a key after the confirmation", async () => {
    const calls = serve();
    renderSection(<ApiKeysSettings />);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke API key tax script" }));
    const dialog = await screen.findByRole("dialog", { name: "Revoke the key “tax script”?" });
    expect(dialog.textContent).toContain("stops working at once");
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke key" }));
    expect((await screen.findByText(/Key “tax script” revoked/)).textContent).toBeTruthy();
    expect(calls).toContain(`DELETE /api/me/api-keys/${OLD.id}`);
    await waitFor(() => expect(screen.queryAllByTestId("api-key-row")).toHaveLength(0));
  });

  it("shows a TIER_LIMIT refusal as an upgrade hint", async () => {
    serve(() => json(apiError("TIER_LIMIT", "Your plan allows 2 API keys.", { feature: "api_keys", limit: 2 }), 403));
    renderSection(<ApiKeysSettings />);
    fireEvent.change(await screen.findByLabelText("New key name"), { target: { value: "third" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect((await screen.findByText("Your plan allows 2 API keys.")).textContent).toBeTruthy();
    expect(screen.getByRole("link", { name: "See Pro" }).getAttribute("href")).toBe("/settings/subscription");
  });
});
