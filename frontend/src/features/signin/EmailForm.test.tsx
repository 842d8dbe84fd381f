// The email form against a stubbed network boundary: with no captcha configured the link is
// requested at once; with a Turnstile site key the form waits for the widget's token, sends
// it, and asks for a fresh challenge afterwards (a token works once).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { json, net } from "../../test/net";
import { EmailForm } from "./SignInPage";

let sent: Record<string, unknown>[];

function serve(siteKey: string | null) {
  sent = [];
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/api/auth/options") return json({ data: { turnstileSiteKey: siteKey }, meta: {} });
    if (path === "/api/auth/email") {
      sent.push((await request.json()) as Record<string, unknown>);
      return json({ data: { status: "sent" }, meta: {} }, 202);
    }
    return json({ error: "not here", code: "NOT_FOUND", details: {} }, 404);
  };
}

function renderForm() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <EmailForm />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const widget = { render: vi.fn(), reset: vi.fn(), remove: vi.fn() };

beforeEach(() => {
  widget.render.mockReset();
  widget.reset.mockReset();
  window.turnstile = widget;
});
afterEach(() => {
  cleanup();
  delete window.turnstile;
});

describe("EmailForm", () => {
  it("requests a link without a captcha when none is configured", async () => {
    serve(null);
    renderForm();
    fireEvent.change(screen.getByLabelText("Email address"), { target: { value: "ada@example.org" } });
    fireEvent.click(screen.getByRole("button", { name: "Email me a link" }));
    await screen.findByText("Check your email");
    expect(sent).toEqual([{ email: "ada@example.org" }]);
    expect(widget.render).not.toHaveBeenCalled();
  });

  it("with a site key, waits for the Turnstile token and sends it", async () => {
    serve("0x4AAAAAAA-site");
    let solve: (token: string) => void = () => undefined;
    widget.render.mockImplementation((_el: HTMLElement, options: { sitekey: string; callback: (t: string) => void }) => {
      expect(options.sitekey).toBe("0x4AAAAAAA-site");
      solve = options.callback;
      return "w1";
    });
    renderForm();
    await waitFor(() => expect(widget.render).toHaveBeenCalledTimes(1));
    fireEvent.change(screen.getByLabelText("Email address"), { target: { value: "ada@example.org" } });
    fireEvent.click(screen.getByRole("button", { name: "Email me a link" }));
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Complete the bot check first.");
    expect(sent).toEqual([]);

    act(() => solve("tok-1"));
    fireEvent.click(screen.getByRole("button", { name: "Email me a link" }));
    await screen.findByText("Check your email");
    expect(sent).toEqual([{ email: "ada@example.org", turnstileToken: "tok-1" }]);
  });
});
