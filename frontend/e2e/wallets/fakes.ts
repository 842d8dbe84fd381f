// Fake wallets for end-to-end tests, without browser extensions but with real keys and
// real signatures: the page gets an EIP-1193 provider (window.ethereum + EIP-6963), a
// Wallet Standard Solana wallet and window.keplr; every signature is made here in Node
// (page.exposeFunction) with the demo wallets' keys. A "reject" switch per chain makes
// the wallet answer like a user who declined.
import { createHash } from "node:crypto";
import type { Page } from "@playwright/test";
import { secp256k1 } from "@noble/curves/secp256k1";
import { ripemd160 } from "@noble/hashes/legacy";
import { bech32 } from "@scure/base";
import nacl from "tweetnacl";
import { DEMO_WALLETS, demoEthAccount, demoSecret, type Chain, type DemoWallet } from "../demo";
import { base58 } from "../../src/wallets/base58";

export type FakeWallets = {
  addresses: Record<Chain, string>;
  /** Make the chain's wallet decline (true) or sign (false) from now on. */
  reject(chain: Chain, on?: boolean): void;
  /** The EIP-155 chain the ETH wallet is on (1 at first; the app may switch it). */
  ethChainId(): number;
  /** Put the ETH wallet on another chain before the page asks (e.g. 137: Polygon). */
  setEthChainId(id: number): void;
};

const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash("sha256").update(data).digest());

/** Amino JSON as cosmjs serializeSignDoc: sorted keys, no spaces, & < > escaped. */
function adr036SignBytes(signer: string, data: Uint8Array): Uint8Array {
  const doc = {
    account_number: "0",
    chain_id: "",
    fee: { amount: [], gas: "0" },
    memo: "",
    msgs: [{ type: "sign/MsgSignData", value: { data: Buffer.from(data).toString("base64"), signer } }],
    sequence: "0",
  };
  const json = JSON.stringify(doc).replace(/&/g, "\\u0026").replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return new TextEncoder().encode(json);
}

export async function installFakeWallets(page: Page, wallet: DemoWallet = "whale"): Promise<FakeWallets> {
  const seed = DEMO_WALLETS[wallet];
  const rejecting: Record<Chain, boolean> = { eth: false, sol: false, atom: false };
  let ethChain = 1;

  const eth = demoEthAccount(wallet);
  const sol = nacl.sign.keyPair.fromSeed(demoSecret("sol", seed));
  const atomKey = demoSecret("atom", seed);
  const atomPub = secp256k1.getPublicKey(atomKey, true);
  const atomAddress = bech32.encode("cosmos", bech32.toWords(ripemd160(sha256(atomPub))));
  const addresses = { eth: eth.address, sol: base58(sol.publicKey), atom: atomAddress };

  await page.exposeFunction("__stEthSign", async (hex: `0x${string}`) =>
    rejecting.eth ? { rejected: true } : { signature: await eth.signMessage({ message: { raw: hex } }) },
  );
  await page.exposeFunction("__stEthChain", (switchTo?: number) => {
    if (typeof switchTo === "number") ethChain = switchTo;
    return ethChain;
  });
  await page.exposeFunction("__stSolSign", (bytes: number[]) =>
    rejecting.sol ? { rejected: true } : { signature: Array.from(nacl.sign.detached(Uint8Array.from(bytes), sol.secretKey)) },
  );
  await page.exposeFunction("__stAtomSign", (signer: string, message: string) => {
    if (rejecting.atom) return { rejected: true };
    const digest = sha256(adr036SignBytes(signer, new TextEncoder().encode(message)));
    const signature = secp256k1.sign(digest, atomKey, { lowS: true }).toCompactRawBytes();
    return {
      pub_key: { type: "tendermint/PubKeySecp256k1", value: Buffer.from(atomPub).toString("base64") },
      signature: Buffer.from(signature).toString("base64"),
    };
  });

  await page.addInitScript(injectWallets, {
    eth: addresses.eth,
    sol: { address: addresses.sol, publicKey: Array.from(sol.publicKey) },
    atom: { address: addresses.atom, publicKey: Array.from(atomPub) },
  });

  return {
    addresses,
    reject(chain, on = true) {
      rejecting[chain] = on;
    },
    ethChainId: () => ethChain,
    setEthChainId(id) {
      ethChain = id;
    },
  };
}

type Injected = { eth: string; sol: { address: string; publicKey: number[] }; atom: { address: string; publicKey: number[] } };
type Signed<T> = T & { rejected?: true };
type Bridge = {
  __stEthChain(switchTo?: number): Promise<number>;
  __stEthSign(hex: string): Promise<Signed<{ signature: string }>>;
  __stSolSign(bytes: number[]): Promise<Signed<{ signature: number[] }>>;
  __stAtomSign(signer: string, message: string): Promise<Signed<{ pub_key: { type: string; value: string }; signature: string }>>;
};

/** Runs in the page before any app script (serialised by addInitScript: self-contained). */
function injectWallets({ eth, sol, atom }: Injected) {
  const w = window as unknown as Window & Bridge & Record<string, unknown>;
  const icon =
    "data:image/svg+xml;base64," +
    btoa('<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" rx="6" fill="#0e7490"/></svg>');
  const rejected = (what: string) => Object.assign(new Error(`User rejected the ${what}.`), { code: 4001 });

  // ---- Ethereum: EIP-1193, no accounts until eth_requestAccounts (else wagmi auto-connects)
  let connected = false;
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const emit = (event: string, ...args: unknown[]) => listeners.get(event)?.forEach((fn) => fn(...args));
  const provider = {
    isStakeTrackTest: true,
    async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
      switch (method) {
        case "eth_accounts":
          return connected ? [eth] : [];
        case "eth_requestAccounts":
        case "wallet_requestPermissions":
          connected = true;
          emit("accounts", [eth]);
          return method === "eth_requestAccounts" ? [eth] : [{ parentCapability: "eth_accounts" }];
        case "wallet_getPermissions":
          return connected ? [{ parentCapability: "eth_accounts" }] : [];
        case "wallet_revokePermissions":
          connected = false;
          emit("accounts", []);
          return null;
        case "eth_chainId":
          return `0x${(await w.__stEthChain()).toString(16)}`;
        case "net_version":
          return String(await w.__stEthChain());
        case "wallet_switchEthereumChain": {
          const target = (params?.[0] as { chainId: string }).chainId;
          await w.__stEthChain(Number.parseInt(target, 16));
          emit("chainChanged", target);
          return null;
        }
        case "personal_sign": {
          const result = await w.__stEthSign(String((params ?? [])[0]));
          if (result.rejected) throw rejected("request");
          return result.signature;
        }
        default:
          throw Object.assign(new Error(`The test wallet does not support ${method}.`), { code: 4200 });
      }
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
    },
    removeListener(event: string, fn: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(fn);
    },
  };
  w.ethereum = provider;
  const info = { uuid: "5f1c2f3e-3a52-4a7e-9d0c-5b7e1c0a0e74", name: "StakeTrack Test Wallet", icon, rdns: "ai.staketrack.testwallet" };
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();

  // ---- Solana: a Wallet Standard wallet (connect, events, signMessage, stub signTransaction)
  const account = {
    address: sol.address,
    publicKey: new Uint8Array(sol.publicKey),
    chains: ["solana:mainnet"],
    features: ["solana:signMessage", "solana:signTransaction"],
  };
  let solAccounts: (typeof account)[] = [];
  const solListeners = new Set<(props: unknown) => void>();
  const solWallet = {
    version: "1.0.0",
    name: "StakeTrack Test SOL",
    icon,
    chains: ["solana:mainnet"],
    get accounts() {
      return solAccounts;
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        async connect() {
          solAccounts = [account];
          solListeners.forEach((fn) => fn({ accounts: solAccounts }));
          return { accounts: solAccounts };
        },
      },
      "standard:disconnect": {
        version: "1.0.0",
        async disconnect() {
          solAccounts = [];
          solListeners.forEach((fn) => fn({ accounts: solAccounts }));
        },
      },
      "standard:events": {
        version: "1.0.0",
        on(_event: string, fn: (props: unknown) => void) {
          solListeners.add(fn);
          return () => solListeners.delete(fn);
        },
      },
      "solana:signMessage": {
        version: "1.0.0",
        async signMessage(...inputs: { message: Uint8Array }[]) {
          return Promise.all(
            inputs.map(async ({ message }) => {
              const result = await w.__stSolSign(Array.from(message));
              if (result.rejected) throw rejected("request");
              return { signedMessage: message, signature: new Uint8Array(result.signature) };
            }),
          );
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        async signTransaction() {
          throw new Error("The test wallet signs no transactions.");
        },
      },
    },
  };
  const register = ({ register }: { register: (wallet: unknown) => void }) => register(solWallet);
  window.dispatchEvent(new CustomEvent("wallet-standard:register-wallet", { detail: register }));
  window.addEventListener("wallet-standard:app-ready", (event) => register((event as CustomEvent).detail));

  // ---- Cosmos: window.keplr with enable / getKey / signArbitrary (ADR-036, signed in Node)
  w.keplr = {
    async enable() {},
    async getKey() {
      return {
        name: "StakeTrack Test",
        algo: "secp256k1",
        pubKey: new Uint8Array(atom.publicKey),
        address: new Uint8Array(20),
        bech32Address: atom.address,
        isNanoLedger: false,
        isKeystone: false,
      };
    },
    async signArbitrary(_chainId: string, signer: string, data: string | Uint8Array) {
      const text = typeof data === "string" ? data : new TextDecoder().decode(data);
      const result = await w.__stAtomSign(signer, text);
      if (result.rejected) throw new Error("Request rejected");
      return { pub_key: result.pub_key, signature: result.signature };
    },
  };
}
