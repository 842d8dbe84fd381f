// The sign flow shared by sign-in and wallet linking: fetch a nonce, let the wallet sign
// the EIP-4361 text built from it, send the proof to the API. Errors become one of a few
// kinds the UI explains (rejected signature, wrong network, expired nonce, …).
import { ApiError, api, unwrap, type Schemas } from "../api/client";
import type { NonceFields, SignInChain } from "../lib/sign-in-message";

export type Chain = SignInChain;
export type EthLikeProof = Schemas["EthereumProof"];
export type CosmosProof = Schemas["CosmosProof"];
export type Proof = EthLikeProof | CosmosProof;
export type FlowMode = "signin" | "link";

export type FlowErrorKind =
  | "rejected"
  | "wrong-network"
  | "nonce-expired"
  | "not-installed"
  | "connect-failed"
  | "already-linked"
  | "tier-limit"
  | "rate-limited"
  | "failed";

export class FlowError extends Error {
  readonly kind: FlowErrorKind;
  constructor(kind: FlowErrorKind, message: string = kind) {
    super(message);
    this.name = "FlowError";
    this.kind = kind;
  }
}

export const CHAIN_LABELS: Record<Chain, { name: string; ticker: string; wallet: string; install: string }> = {
  eth: { name: "Ethereum", ticker: "ETH", wallet: "MetaMask", install: "https://metamask.io/download/" },
  sol: { name: "Solana", ticker: "SOL", wallet: "Phantom", install: "https://phantom.com/download" },
  atom: { name: "Cosmos Hub", ticker: "ATOM", wallet: "Keplr", install: "https://www.keplr.app/get" },
};

export async function fetchNonce(): Promise<NonceFields> {
  const body = await unwrap(api.GET("/api/auth/nonce"));
  return body.data;
}

/** Did the user decline in the wallet? (EIP-1193 4001, Wallet Standard / Keplr errors.) */
export function isUserRejection(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; error?: unknown };
    if (e.code === 4001 || e.code === "ACTION_REJECTED") return true;
    if (typeof e.name === "string" && /UserRejected/i.test(e.name)) return true;
    if (typeof e.message === "string" && /(user )?reject|denied|declined|cancel/i.test(e.message)) return true;
    current = e.cause ?? e.error;
  }
  return false;
}

/** Send a proof: a session (sign-in) or a linked wallet (link). */
export async function submitProof(chain: Chain, mode: FlowMode, proof: Proof): Promise<void> {
  try {
    if (mode === "signin") {
      if (chain === "eth") await unwrap(api.POST("/api/auth/siwe", { body: proof as EthLikeProof }));
      else if (chain === "sol") await unwrap(api.POST("/api/auth/solana", { body: proof as EthLikeProof }));
      else await unwrap(api.POST("/api/auth/cosmos", { body: proof as CosmosProof }));
    } else {
      if (chain === "eth") await unwrap(api.POST("/api/me/wallets/eth", { body: proof as EthLikeProof }));
      else if (chain === "sol") await unwrap(api.POST("/api/me/wallets/sol", { body: proof as EthLikeProof }));
      else await unwrap(api.POST("/api/me/wallets/atom", { body: proof as CosmosProof }));
    }
  } catch (error) {
    throw toFlowError(error);
  }
}

export function toFlowError(error: unknown): FlowError {
  if (error instanceof FlowError) return error;
  if (error instanceof ApiError) {
    if (error.code === "NONCE_EXPIRED" || error.code === "MESSAGE_EXPIRED") return new FlowError("nonce-expired", error.message);
    if (error.code === "CHAIN_ID_MISMATCH") return new FlowError("wrong-network", error.message);
    if (error.code === "WALLET_ALREADY_LINKED" || error.status === 409) return new FlowError("already-linked", error.message);
    if (error.code === "TIER_LIMIT") return new FlowError("tier-limit", error.message);
    if (error.code === "RATE_LIMITED" || error.status === 429) return new FlowError("rate-limited", error.message);
    return new FlowError("failed", error.message);
  }
  if (isUserRejection(error)) return new FlowError("rejected");
  return new FlowError("failed", error instanceof Error ? error.message : String(error));
}

/** What the user reads for each kind (the wallet's own text is never shown verbatim for rejections). */
export function explain(error: FlowError, chain: Chain): string {
  const label = CHAIN_LABELS[chain];
  switch (error.kind) {
    case "rejected":
      return "Signature needed for read-only access. Signing costs no gas and moves no funds — try again when you are ready.";
    case "wrong-network":
      return `Your wallet is on a network this site does not accept. Switch it to ${label.name} mainnet and try again.`;
    case "nonce-expired":
      return "That took too long and the sign-in request expired. Try again — you will get a fresh one.";
    case "not-installed":
      return `No ${label.name} wallet found in this browser. Install ${label.wallet} (or another ${label.name} wallet) and reload.`;
    case "connect-failed":
      return `Could not connect to your ${label.name} wallet. Unlock it and try again.`;
    case "already-linked":
      return "This wallet is already linked.";
    case "tier-limit":
      return `${error.message} Write to upgrade@staketrack.ai to upgrade.`;
    case "rate-limited":
      return "Too many attempts. Wait a minute and try again.";
    case "failed":
      return `Sign-in failed: ${error.message}`;
  }
}

/** `?next=` when it is a path on this site, else the dashboard. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/dashboard";
}
