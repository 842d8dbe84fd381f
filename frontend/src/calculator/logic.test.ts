import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { AMOUNT_ERROR, checkAmount, errorMessage, parseQuery, shareUrl, validatorFor } from "./logic";

describe("checkAmount", () => {
  it.each([
    ["32", "32"],
    ["0.5", "0.5"],
    [".5", "0.5"],
    ["1,000.25", "1000.25"],
    [" 7. ", "7"],
  ])("accepts %j as %j", (text, amount) => {
    expect(checkAmount(text)).toEqual({ ok: true, amount });
  });
  it.each(["0", "0.000", "-1", "abc", "1e5", "NaN", "Infinity", "1.2.3"])("refuses %j with the inline error", (text) => {
    expect(checkAmount(text)).toEqual({ ok: false, error: AMOUNT_ERROR });
  });
  it("shows no error for an empty field", () => {
    expect(checkAmount("  ")).toEqual({ ok: false, error: null });
  });
});

describe("query parameters and the share link", () => {
  it("round-trips chain, amount and validator", () => {
    const inputs = { chain: "sol" as const, amount: "250", validatorId: "sol:Vote111" };
    const link = shareUrl("https://staketrack.example", inputs);
    expect(link).toBe("https://staketrack.example/calculator?chain=sol&amount=250&validator=sol%3AVote111");
    expect(parseQuery(new URL(link).search)).toEqual(inputs);
  });
  it("accepts any ETH validator index", () => {
    expect(parseQuery("?chain=eth&amount=32&validator=eth:123").validatorId).toBe("eth:123");
  });
  it("falls back for a missing or foreign chain and drops a validator of another chain", () => {
    expect(parseQuery("")).toEqual({ chain: "eth", amount: "32", validatorId: null });
    expect(parseQuery("?chain=doge&amount=5")).toEqual({ chain: "eth", amount: "5", validatorId: null });
    expect(parseQuery("?chain=atom&validator=eth:1")).toEqual({ chain: "atom", amount: "100", validatorId: null });
    expect(validatorFor("atom", "atom:")).toBeNull();
  });
  it("leaves an invalid amount out of the link", () => {
    expect(shareUrl("http://x", { chain: "eth", amount: "-1", validatorId: null })).toBe("http://x/calculator?chain=eth");
  });
});

describe("errorMessage", () => {
  it("explains 429 and 503 with the Retry-After wait", () => {
    expect(errorMessage(new ApiError(429, "RATE_LIMITED", "x", {}, 30), false)).toBe("Too many requests from your network. Try again in 30 s.");
    expect(errorMessage(new ApiError(503, "UNAVAILABLE", "x", {}, 5), false)).toContain("temporarily unavailable. Try again in 5 s.");
  });
  it("names an unknown validator on 404", () => {
    expect(errorMessage(new ApiError(404, "NOT_FOUND", "x"), true)).toContain("Unknown validator");
  });
  it("covers network failures", () => {
    expect(errorMessage(new TypeError("fetch failed"), false)).toContain("Could not reach StakeTrack");
  });
});
