// One button per chain that runs the whole sign flow: connect the wallet, sign the
// EIP-4361 text built from a fresh nonce, send the proof (sign-in or link). Must be
// rendered inside <WalletProviders>.
import { useConnectModal } from "@rainbow-me/rainbowkit";
import type { MessageSignerWalletAdapterProps } from "@solana/wallet-adapter-base";
import { WalletReadyState } from "@solana/wallet-adapter-base";
import { useWallet, type Wallet } from "@solana/wallet-adapter-react";
import type { Keplr } from "@keplr-wallet/types";
import { useCallback, useEffect, useRef, useState } from "react";
import { useAccount, useConnectors, useSignMessage, useSwitchChain } from "wagmi";
import { buildSignInMessage } from "../lib/sign-in-message";
import { shortAddress } from "../lib/format";
import { base58 } from "./base58";
import {
  CHAIN_LABELS,
  explain,
  fetchNonce,
  FlowError,
  isUserRejection,
  submitProof,
  toFlowError,
  type Chain,
  type FlowMode,
  type Proof,
} from "./flow";

type FlowState = { status: "idle" | "working" | "done"; error: FlowError | null };

export type WalletActionProps = {
  mode: FlowMode;
  onSuccess: (chain: Chain) => void | Promise<void>;
};

const BUTTON =
  "inline-flex min-h-11 items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-semibold disabled:cursor-not-allowed disabled:opacity-60";
export const PRIMARY = `${BUTTON} bg-brand text-on-brand hover:bg-brand-strong`;
export const SECONDARY = `${BUTTON} border border-subtle bg-raised text-primary hover:bg-surface`;

function useFlow(chain: Chain, mode: FlowMode, onSuccess: WalletActionProps["onSuccess"]) {
  const [state, setState] = useState<FlowState>({ status: "idle", error: null });
  const run = useCallback(
    async (produce: () => Promise<Proof>) => {
      setState({ status: "working", error: null });
      try {
        const proof = await produce();
        await submitProof(chain, mode, proof);
        setState({ status: "done", error: null });
        await onSuccess(chain);
      } catch (error) {
        setState({ status: "idle", error: toFlowError(error) });
      }
    },
    [chain, mode, onSuccess],
  );
  const fail = useCallback((error: FlowError) => setState({ status: "idle", error }), []);
  return { state, run, fail };
}

function actionLabel(chain: Chain, mode: FlowMode, wallet?: string): string {
  const { name, ticker } = CHAIN_LABELS[chain];
  const base = mode === "signin" ? `Sign in with ${name}` : `Add ${ticker} wallet`;
  return wallet ? `${base} (${wallet})` : base;
}

function FlowMessage({
  chain,
  state,
  mode,
  onRetry,
  extra,
}: {
  chain: Chain;
  state: FlowState;
  mode: FlowMode;
  onRetry: () => void;
  extra?: React.ReactNode;
}) {
  const { error, status } = state;
  if (status === "working") {
    return (
      <p role="status" className="text-sm text-secondary">
        Check your wallet: confirm the connection and sign the message.
      </p>
    );
  }
  if (status === "done" && mode === "link") {
    return (
      <p role="status" className="text-sm text-positive">
        {CHAIN_LABELS[chain].ticker} wallet linked. Its positions are being fetched.
      </p>
    );
  }
  if (!error) return null;
  if (error.kind === "already-linked") {
    return (
      <p role="status" className="text-sm text-warning">
        {explain(error, chain)}
      </p>
    );
  }
  return (
    <div role="alert" className="space-y-2 rounded-lg border border-subtle bg-raised p-3 text-sm text-primary">
      <p>{explain(error, chain)}</p>
      <div className="flex flex-wrap gap-2">
        {extra}
        {error.kind === "not-installed" ? (
          <a className={SECONDARY} href={CHAIN_LABELS[chain].install} target="_blank" rel="noreferrer noopener">
            Install {CHAIN_LABELS[chain].wallet}
          </a>
        ) : (
          <button type="button" className={SECONDARY} onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- Ethereum (wagmi)

export function EthAction({ mode, onSuccess }: WalletActionProps) {
  const { address, chainId, isConnected } = useAccount();
  const { openConnectModal, connectModalOpen } = useConnectModal();
  const connectors = useConnectors();
  const { signMessageAsync } = useSignMessage();
  const { switchChainAsync } = useSwitchChain();
  const flow = useFlow("eth", mode, onSuccess);
  const wanted = useRef(false);
  const accepted = useRef<string[]>([]);

  const sign = useCallback(
    () =>
      flow.run(async () => {
        if (!address) throw new FlowError("connect-failed");
        const nonce = await fetchNonce();
        accepted.current = nonce.chainIds.eth;
        const current = String(chainId ?? "");
        if (!nonce.chainIds.eth.includes(current)) throw new FlowError("wrong-network");
        const message = buildSignInMessage({ chain: "eth", address, nonce, chainId: current });
        const signature = await signMessageAsync({ account: address, message });
        return { message, signature };
      }),
    [address, chainId, flow, signMessageAsync],
  );

  // The user asked to sign in, the modal connected a wallet: go on to the signature.
  useEffect(() => {
    if (isConnected && address && wanted.current) {
      wanted.current = false;
      void sign();
    }
  }, [isConnected, address, sign]);
  useEffect(() => {
    if (!connectModalOpen && !isConnected) wanted.current = false;
  }, [connectModalOpen, isConnected]);

  const start = () => {
    if (isConnected) return void sign();
    if (!openConnectModal) return flow.fail(new FlowError("connect-failed"));
    wanted.current = true;
    openConnectModal();
  };

  const switchNetwork = async () => {
    const target = Number(accepted.current[0] ?? 1);
    try {
      await switchChainAsync({ chainId: target });
      await sign();
    } catch (error) {
      flow.fail(isUserRejection(error) ? new FlowError("wrong-network") : toFlowError(error));
    }
  };

  const hasWallet =
    typeof (window as { ethereum?: unknown }).ethereum !== "undefined" || connectors.some((c) => c.type === "injected" && c.id !== "injected");
  return (
    <ChainCard chain="eth" connected={isConnected && address ? address : null}>
      <button type="button" className={PRIMARY} onClick={start} disabled={flow.state.status === "working"}>
        {actionLabel("eth", mode)}
      </button>
      {!hasWallet && !flow.state.error ? <NoWalletHint chain="eth" /> : null}
      <FlowMessage
        chain="eth"
        mode={mode}
        state={flow.state}
        onRetry={start}
        extra={
          flow.state.error?.kind === "wrong-network" ? (
            <button type="button" className={PRIMARY} onClick={() => void switchNetwork()}>
              Switch network
            </button>
          ) : null
        }
      />
    </ChainCard>
  );
}

// ---------------------------------------------------------------- Solana (Wallet Standard)

export function SolAction({ mode, onSuccess }: WalletActionProps) {
  const { wallets } = useWallet();
  const flow = useFlow("sol", mode, onSuccess);
  const installed = wallets.filter(
    (w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable,
  );
  const [last, setLast] = useState<Wallet | null>(null);

  const sign = (wallet: Wallet) => {
    setLast(wallet);
    return flow.run(async () => {
      const adapter = wallet.adapter;
      try {
        if (!adapter.connected) await adapter.connect();
      } catch (error) {
        throw new FlowError("connect-failed", error instanceof Error ? error.message : "connect failed");
      }
      const address = adapter.publicKey?.toBase58();
      if (!address) throw new FlowError("connect-failed");
      if (!("signMessage" in adapter)) throw new FlowError("failed", "this wallet cannot sign messages");
      const nonce = await fetchNonce();
      const message = buildSignInMessage({ chain: "sol", address, nonce });
      const signer = adapter as unknown as MessageSignerWalletAdapterProps;
      const bytes = await signer.signMessage(new TextEncoder().encode(message));
      return { message, signature: base58(bytes) };
    });
  };

  return (
    <ChainCard chain="sol" connected={null}>
      {installed.length === 0 ? (
        <NoWalletHint chain="sol" />
      ) : (
        installed.map((w) => (
          <button
            key={w.adapter.name}
            type="button"
            className={PRIMARY}
            onClick={() => void sign(w)}
            disabled={flow.state.status === "working"}
          >
            {actionLabel("sol", mode, installed.length > 1 ? w.adapter.name : undefined)}
          </button>
        ))
      )}
      <FlowMessage chain="sol" mode={mode} state={flow.state} onRetry={() => void (last && sign(last))} />
    </ChainCard>
  );
}

// ---------------------------------------------------------------- Cosmos (Keplr)

function keplr(): Keplr | undefined {
  return (window as { keplr?: Keplr }).keplr;
}

export function AtomAction({ mode, onSuccess }: WalletActionProps) {
  const flow = useFlow("atom", mode, onSuccess);
  const [present, setPresent] = useState(() => Boolean(keplr()));
  useEffect(() => {
    // Keplr may inject itself after the page loaded.
    const check = () => setPresent(Boolean(keplr()));
    window.addEventListener("load", check);
    window.addEventListener("keplr_keystorechange", check);
    return () => {
      window.removeEventListener("load", check);
      window.removeEventListener("keplr_keystorechange", check);
    };
  }, []);

  const sign = () =>
    flow.run(async () => {
      const wallet = keplr();
      if (!wallet) throw new FlowError("not-installed");
      const nonce = await fetchNonce();
      const chainId = nonce.chainIds.atom[0] ?? "cosmoshub-4";
      let address: string;
      try {
        await wallet.enable(chainId);
        address = (await wallet.getKey(chainId)).bech32Address;
      } catch (error) {
        throw new FlowError("connect-failed", error instanceof Error ? error.message : "connect failed");
      }
      const message = buildSignInMessage({ chain: "atom", address, nonce, chainId });
      const signed = await wallet.signArbitrary(chainId, address, message);
      return { message, signer: address, pubKey: signed.pub_key.value as string, signature: signed.signature };
    });

  return (
    <ChainCard chain="atom" connected={null}>
      <button type="button" className={PRIMARY} onClick={() => void sign()} disabled={flow.state.status === "working"}>
        {actionLabel("atom", mode)}
      </button>
      {!present && !flow.state.error ? <NoWalletHint chain="atom" /> : null}
      <FlowMessage chain="atom" mode={mode} state={flow.state} onRetry={() => void sign()} />
    </ChainCard>
  );
}

// ---------------------------------------------------------------- layout bits

function NoWalletHint({ chain }: { chain: Chain }) {
  const { name, wallet, install } = CHAIN_LABELS[chain];
  return (
    <p className="text-sm text-secondary">
      No {name} wallet found in this browser.{" "}
      <a className="text-brand underline underline-offset-2" href={install} target="_blank" rel="noreferrer noopener">
        Install {wallet}
      </a>
    </p>
  );
}

function ChainCard({ chain, connected, children }: { chain: Chain; connected: string | null; children: React.ReactNode }) {
  const { name, ticker } = CHAIN_LABELS[chain];
  return (
    <section aria-labelledby={`wallet-${chain}`} className="space-y-3 rounded-xl border border-subtle bg-surface p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={`wallet-${chain}`} className="text-base font-semibold text-primary">
          {name} <span className="text-muted">({ticker})</span>
        </h2>
        {connected ? <span className="num text-xs text-secondary">{shortAddress(connected)}</span> : null}
      </div>
      <div className="flex flex-col gap-2">{children}</div>
    </section>
  );
}

export const ACTIONS: Record<Chain, (props: WalletActionProps) => React.ReactElement> = {
  eth: EthAction,
  sol: SolAction,
  atom: AtomAction,
};
