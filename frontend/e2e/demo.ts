// The demo network's wallets (keys derive from public seeds, as in
// infrastructure/chains/demo/wallets.py) and a sign-in through the API for tests whose
// subject is not the sign-in page itself. Never send funds to these addresses.
import { createHash } from "node:crypto";
import type { APIRequestContext, Browser } from "@playwright/test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

export const DEMO_WALLETS = { whale: 1, staker: 2, empty: 3 } as const;
export type DemoWallet = keyof typeof DEMO_WALLETS;
export type Chain = "eth" | "sol" | "atom";

/** sha256("staketrack-demo/<chain>/<seed>"): the 32-byte secret of a demo key. */
export function demoSecret(chain: Chain, seed: number): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`staketrack-demo/${chain}/${seed}`).digest());
}

export function demoEthAccount(wallet: DemoWallet) {
  const hex = Buffer.from(demoSecret("eth", DEMO_WALLETS[wallet])).toString("hex");
  return privateKeyToAccount(`0x${hex}`);
}

type NonceAnswer = {
  nonce: string;
  domain: string;
  uri: string;
  statement: string;
  chainIds: Record<Chain, string[]>;
};

export async function nonceFor(request: APIRequestContext): Promise<NonceAnswer> {
  const response = await request.get("/api/auth/nonce");
  if (!response.ok()) throw new Error(`nonce: ${response.status()}`);
  return ((await response.json()) as { data: NonceAnswer }).data;
}

/** The EIP-4361 text for Ethereum, as the SPA builds it (LF only, statement present). */
export function ethMessage(n: NonceAnswer, address: string, issuedAt = new Date()): string {
  return [
    `${n.domain} wants you to sign in with your Ethereum account:`,
    address,
    "",
    n.statement,
    "",
    `URI: ${n.uri}`,
    "Version: 1",
    `Chain ID: ${n.chainIds.eth[0]}`,
    `Nonce: ${n.nonce}`,
    `Issued At: ${issuedAt.toISOString()}`,
  ].join("\n");
}

/** Sign in as a demo ETH wallet through the API; the request context (and a page
 *  sharing it: `page.request`) then carries the session cookies. */
export async function signInWithEthViaApi(request: APIRequestContext, wallet: DemoWallet = "whale"): Promise<void> {
  const account = demoEthAccount(wallet);
  const n = await nonceFor(request);
  const message = ethMessage(n, account.address);
  const signature = await account.signMessage({ message });
  const response = await request.post("/api/auth/siwe", { data: { message, signature } });
  if (!response.ok()) throw new Error(`siwe: ${response.status()} ${await response.text()}`);
}

/** As the e2e server's admin (the demo "empty" wallet is its ADMIN_WALLETS, see
 *  scripts/e2e_server.sh), in a context of its own: set the user's tier (an admin's grant,
 *  through PUT /api/admin/users/{id}/subscription with its required reason). */
export async function setTier(browser: Browser, baseURL: string, userId: string, tier: "free" | "pro"): Promise<void> {
  const admin = await browser.newContext({ baseURL });
  try {
    await signInWithEthViaApi(admin.request, "empty");
    const csrf = (await admin.cookies()).find((cookie) => cookie.name === "st_csrf")?.value ?? "";
    const response = await admin.request.put(`/api/admin/users/${userId}/subscription`, {
      data: { tier, expiresAt: null, reason: `e2e: ${tier} for this journey` },
      headers: { "X-CSRF-Token": csrf },
    });
    if (!response.ok()) throw new Error(`admin: ${response.status()} ${await response.text()}`);
  } finally {
    await admin.close();
  }
}

/** Pro for the user (a staker on every chain). */
export const makePro = (browser: Browser, baseURL: string, userId: string) => setTier(browser, baseURL, userId, "pro");

/** Free for the user: a spec that expects free must say so, as an earlier spec of the
 *  suite may have made the same demo wallet pro. */
export const makeFree = (browser: Browser, baseURL: string, userId: string) => setTier(browser, baseURL, userId, "free");

/** The signed-in user's id (the page's session). */
export async function myId(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/me");
  if (!response.ok()) throw new Error(`me: ${response.status()}`);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

/** Sign in as a brand-new user (a fresh random ETH key: free tier, no positions) through
 *  the API; specs that change or delete their user use one so they share no state. */
export async function signInFresh(request: APIRequestContext): Promise<string> {
  const account = privateKeyToAccount(generatePrivateKey());
  const n = await nonceFor(request);
  const message = ethMessage(n, account.address);
  const signature = await account.signMessage({ message });
  const response = await request.post("/api/auth/siwe", { data: { message, signature } });
  if (!response.ok()) throw new Error(`siwe: ${response.status()} ${await response.text()}`);
  return account.address;
}
