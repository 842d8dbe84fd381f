// The page against a stubbed fetch (the network boundary): the 300 ms debounce, no
// request for an invalid amount, inputs restored from the query, the share link, errors.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CalculatorPage } from "./CalculatorPage";

import { net } from "../test/net";
import { parseQuery } from "./logic";

const amount = (display: string) => ({ baseUnits: "0", display, fiat: { usd: "100", eur: "90" } });
const answer = (chain: string, validatorId: string | null) => ({
  data: {
    chain,
    validatorId,
    nominalApy: "0.07",
    inflationRate: "0.05",
    validatorFee: "0.007",
    slashingRisk: "0.0001",
    realYield: "0.0129",
    realYieldCompounded: "0.0125",
    commission: "0.1",
    slashingFactor: "1",
    performance: null,
    earning: true,
    confidence: "fallback",
    fallbackInputs: ["inflation"],
    estimatedInputs: [],
    fetchedAt: new Date().toISOString(),
    amount: amount("250"),
    yearly: { nominal: amount("17.5"), validatorFee: amount("1.75"), slashingRisk: amount("0.025"), inflation: amount("12.5"), real: amount("3.225"), realCompounded: amount("3.1") },
    formula: "",
  },
  meta: {},
});

type Call = { url: string; method: string; body: string | null };
let calls: Call[];
let calcStatus: number;

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  calcStatus = 200;
  net.handler = async (request: Request) => {
      const body = request.method === "POST" ? await request.clone().text() : null;
      const url = new URL(request.url);
      calls.push({ url: url.pathname + url.search, method: request.method, body });
      if (url.pathname === "/api/yield/calculate") {
        const sent = JSON.parse(body ?? "{}") as { chain: string; validatorId: string | null };
        if (calcStatus !== 200)
          return new Response(JSON.stringify({ error: "slow down", code: "RATE_LIMITED", details: {} }), {
            status: calcStatus,
            headers: { "Content-Type": "application/json", "Retry-After": "30" },
          });
        return Response.json(answer(sent.chain, sent.validatorId ?? null));
      }
      if (url.pathname === "/api/validators") {
        const v = (id: string, name: string | null) => ({ id: `eth:${id}`, address: id, chain: "eth", name, commission: "0.05", fetchedAt: "2026-12-03T10:00:00Z", identity: {}, jailed: false, slashed: false, stake: amount("32"), status: "active" });
        return Response.json({ data: [v("1", "Alpha"), v("2", "Beta")], meta: { chain: "eth", fetchedAt: null, limit: 10, sort: "stake", stale: false } });
      }
      return new Response(JSON.stringify({ error: "no", code: "UNAUTHENTICATED", details: {} }), { status: 401, headers: { "Content-Type": "application/json" } });
  };
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const calcCalls = () => calls.filter((c) => c.url === "/api/yield/calculate");

async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

describe("CalculatorPage", () => {
  it("calculates the restored inputs at once, then once 300 ms after the last keystroke", async () => {
    render(<CalculatorPage initial={parseQuery("?chain=sol&amount=100")} />);
    const input = screen.getByLabelText("Amount staked (SOL)") as HTMLInputElement;
    expect(input.value).toBe("100");
    await advance(0); // the restored inputs are calculated at once
    expect(calcCalls().map((c) => JSON.parse(c.body ?? ""))).toEqual([{ chain: "sol", amount: "100", validatorId: null }]);
    calls = [];
    fireEvent.change(input, { target: { value: "2" } });
    await advance(100);
    fireEvent.change(input, { target: { value: "25" } });
    await advance(100);
    fireEvent.change(input, { target: { value: "250" } });
    await advance(299);
    expect(calcCalls()).toEqual([]);
    await advance(1);
    await advance(0);
    expect(calcCalls().map((c) => JSON.parse(c.body ?? ""))).toEqual([{ chain: "sol", amount: "250", validatorId: null }]);
    expect(screen.getByText("3.225 SOL")).toBeTruthy();
    expect(screen.getByRole("note").textContent).toContain("inflation");
  });

  it("shows the inline error and sends nothing for an amount of 0", async () => {
    render(<CalculatorPage initial={parseQuery("?chain=eth&amount=0")} />);
    await advance(1000);
    expect(screen.getByRole("alert").textContent).toBe("Amount must be greater than 0");
    expect(calcCalls()).toEqual([]);
  });

  it("sends the restored validator id and explains a 429", async () => {
    calcStatus = 429;
    render(<CalculatorPage initial={parseQuery("?chain=eth&amount=32&validator=eth:123")} />);
    await advance(400);
    expect(JSON.parse(calcCalls()[0]?.body ?? "")).toEqual({ chain: "eth", amount: "32", validatorId: "eth:123" });
    expect(screen.getByRole("alert").textContent).toBe("Too many requests from your network. Try again in 30 s.");
  });

  it("copies a share link that restores the inputs", async () => {
    const writeText = vi.fn(async (_text: string) => undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    render(<CalculatorPage initial={parseQuery("?chain=atom&amount=42")} />);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Share your real yield" }));
      await vi.advanceTimersByTimeAsync(0);
    });
    const link = writeText.mock.calls[0]?.[0] ?? "";
    expect(parseQuery(new URL(link).search)).toEqual({ chain: "atom", amount: "42", validatorId: null });
    expect(screen.getByText("Link copied")).toBeTruthy();
  });

  it("offers the sign-in CTA to a signed-out visitor", async () => {
    render(<CalculatorPage initial={parseQuery("")} />);
    await advance(10);
    expect(screen.getByRole("link", { name: "Connect your wallet for your personal portfolio" }).getAttribute("href")).toBe("/signin");
  });

  it("picks a validator by keyboard from the debounced search and calculates with it", async () => {
    render(<CalculatorPage initial={parseQuery("?chain=eth&amount=32")} />);
    await advance(0);
    calls = [];
    const combo = screen.getByRole("combobox", { name: /Validator/ });
    fireEvent.focus(combo);
    fireEvent.change(combo, { target: { value: "be" } });
    await advance(300);
    expect(calls.some((c) => c.url === "/api/validators?chain=eth&limit=10&q=be")).toBe(true);
    expect(combo.getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(combo, { key: "ArrowDown" });
    const active = combo.getAttribute("aria-activedescendant");
    expect(active && document.getElementById(active)?.textContent).toContain("Beta");
    fireEvent.keyDown(combo, { key: "Enter" });
    expect(screen.getByText("Selected validator:").parentElement?.textContent).toContain("Beta");
    await advance(300);
    expect(calcCalls().map((c) => JSON.parse(c.body ?? "").validatorId)).toEqual(["eth:2"]);
  });
});
