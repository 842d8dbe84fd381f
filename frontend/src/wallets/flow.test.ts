import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { explain, FlowError, isUserRejection, safeNext, toFlowError } from "./flow";
import { base58 } from "./base58";

describe("sign flow errors", () => {
  it("recognises declines from MetaMask/viem, Wallet Standard and Keplr", () => {
    expect(isUserRejection(Object.assign(new Error("x"), { code: 4001 }))).toBe(true);
    expect(isUserRejection({ name: "UserRejectedRequestError", message: "User rejected the request." })).toBe(true);
    expect(isUserRejection(new Error("wrapped", { cause: { code: 4001 } }))).toBe(true);
    expect(isUserRejection(new Error("Request rejected"))).toBe(true);
    expect(isUserRejection(new Error("network down"))).toBe(false);
  });

  it("maps API codes to what the user reads", () => {
    const expired = toFlowError(new ApiError(400, "NONCE_EXPIRED", "Nonce expired"));
    expect(expired.kind).toBe("nonce-expired");
    expect(explain(expired, "eth")).toMatch(/took too long/);
    expect(toFlowError(new ApiError(400, "CHAIN_ID_MISMATCH", "x")).kind).toBe("wrong-network");
    expect(explain(new FlowError("wrong-network"), "eth")).toMatch(/Switch it to Ethereum mainnet/);
    expect(toFlowError(new ApiError(409, "WALLET_ALREADY_LINKED", "x")).kind).toBe("already-linked");
    const limited = toFlowError(
      new ApiError(403, "TIER_LIMIT", "Your plan allows wallets on 1 chain(s); upgrade to Pro for more."),
    );
    expect(limited.kind).toBe("tier-limit");
    expect(explain(limited, "sol")).toMatch(/^Your plan allows wallets on 1 chain\(s\).*upgrade@staketrack\.ai/);
    expect(explain(new FlowError("already-linked"), "sol")).toBe("This wallet is already linked.");
    expect(toFlowError(new ApiError(429, "RATE_LIMITED", "x")).kind).toBe("rate-limited");
    const rejected = toFlowError(Object.assign(new Error("User rejected"), { code: 4001 }));
    expect(explain(rejected, "atom")).toMatch(/^Signature needed for read-only access/);
    expect(explain(new FlowError("not-installed"), "atom")).toMatch(/Install Keplr/);
  });

  it("follows ?next= only to a path on this site", () => {
    expect(safeNext("?next=%2Fdashboard%3Fx%3D1")).toBe("/dashboard?x=1");
    expect(safeNext("?next=https%3A%2F%2Fevil.example")).toBe("/dashboard");
    expect(safeNext("?next=%2F%2Fevil.example")).toBe("/dashboard");
    expect(safeNext("?next=%2F%5Cevil.example")).toBe("/dashboard");
    expect(safeNext("")).toBe("/dashboard");
  });
});

describe("base58", () => {
  it("encodes like bs58 (leading zeros become 1s)", () => {
    expect(base58(new Uint8Array([]))).toBe("");
    expect(base58(new Uint8Array([0, 0, 1]))).toBe("112");
    expect(base58(new TextEncoder().encode("hello world"))).toBe("StV1DL6CwTryKyV");
  });
});
