// Settings → Wallets (story 1.5): the linked wallets (chain, short address, primary marker,
// linked date), make one primary, unlink one (never the last way to sign in: the dialog says
// so before trying, and shows the API's refusal), link more with the dashboard's wallet flows.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Component, Suspense, useState, type ReactNode } from "react";
import { api, unwrap } from "../../../api/client";
import { useMe } from "../../../app/session";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { Skeleton } from "../../../components/Skeleton";
import { tierLimitOf, UpgradeHint } from "../../../components/UpgradeHint";
import { formatDateTime } from "../../../lib/format";
import { LinkWalletPanel, type LinkChain } from "../../dashboard/link-panel";
import { CHAIN_LABEL, CHAIN_TICKER, messageOf, useWalletList, WALLETS_KEY, type Wallet } from "../queries";

const ALL_CHAINS: LinkChain[] = ["eth", "sol", "atom"];

/** Is removing this wallet refused by the last-sign-in-method rule? */
export function isLastLoginMethod(wallets: Wallet[], emailVerified: boolean): boolean {
  return wallets.length <= 1 && !emailVerified;
}

class LinkPanelBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? (
      <p role="alert" className="text-sm text-negative">
        The wallet connectors could not load. Reload the page to try again.
      </p>
    ) : (
      this.props.children
    );
  }
}

export function WalletsSettings() {
  const me = useMe();
  const wallets = useWalletList();
  const client = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [unlinking, setUnlinking] = useState<Wallet | null>(null);

  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: ["me"] }), client.invalidateQueries({ queryKey: ["portfolio"] })]);

  const primary = useMutation({
    mutationFn: (wallet: Wallet) => unwrap(api.PATCH("/api/me/wallets/{wallet_id}", { params: { path: { wallet_id: wallet.id } }, body: { primary: true } })),
    onSuccess: async (_, wallet) => {
      setNotice(`${CHAIN_TICKER[wallet.chain]} wallet ${wallet.shortAddress} is now your primary wallet.`);
      await refresh();
    },
  });
  const unlink = useMutation({
    mutationFn: (wallet: Wallet) => unwrap(api.DELETE("/api/me/wallets/{wallet_id}", { params: { path: { wallet_id: wallet.id } } })),
    onSuccess: async (_, wallet) => {
      setUnlinking(null);
      setNotice("Wallet unlinked.");
      client.setQueryData<Wallet[]>(WALLETS_KEY, (old) => old?.filter((w) => w.id !== wallet.id));
      await refresh();
    },
  });

  const list = wallets.data ?? [];
  const emailVerified = me.data?.emailVerified ?? false;
  const last = isLastLoginMethod(list, emailVerified);
  const primaryLimit = tierLimitOf(primary.error);

  return (
    <section aria-labelledby="wallets-title" className="space-y-6">
      <div className="space-y-1">
        <h2 id="wallets-title" className="text-xl font-semibold">
          Wallets
        </h2>
        <p className="text-sm text-secondary">Wallets you can sign in with and whose staking positions you track. Read-only: we never move funds.</p>
      </div>

      <p role="status" aria-live="polite" className={notice ? "rounded-lg border border-subtle bg-raised px-3 py-2 text-sm" : "sr-only"}>
        {notice ?? ""}
      </p>

      {wallets.isPending ? (
        <div className="space-y-2" aria-hidden="true">
          <Skeleton className="h-16 w-full" />
          <Skeleton className="h-16 w-full" />
        </div>
      ) : wallets.isError ? (
        <p role="alert" className="text-sm text-negative">
          Could not load your wallets: {messageOf(wallets.error)}
        </p>
      ) : (
        <ul aria-label="Linked wallets" className="divide-y divide-[var(--color-subtle)] rounded-xl border border-subtle bg-surface">
          {list.map((wallet) => (
            <li key={wallet.id} data-testid="wallet-row" className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
                <span className="rounded-md border border-subtle bg-raised px-2 py-0.5 text-xs font-semibold" title={CHAIN_LABEL[wallet.chain]}>
                  {CHAIN_TICKER[wallet.chain]}
                </span>
                <span className="font-mono text-sm" title={wallet.address}>
                  <span aria-hidden="true">{wallet.shortAddress}</span>
                  <span className="sr-only">
                    {CHAIN_LABEL[wallet.chain]} address {wallet.shortAddress}
                  </span>
                </span>
                {wallet.isPrimary && <span className="rounded-full bg-brand px-2 py-0.5 text-xs font-semibold text-on-brand">Primary</span>}
                {wallet.overLimit && <span className="rounded-full border border-warning px-2 py-0.5 text-xs font-medium text-warning">Over plan limit · read-only</span>}
                <span className="w-full text-xs text-muted">Linked {formatDateTime(wallet.linkedAt)}</span>
              </div>
              <div className="flex shrink-0 flex-wrap gap-2">
                {!wallet.isPrimary && (
                  <button
                    type="button"
                    disabled={primary.isPending || wallet.overLimit}
                    onClick={() => {
                      setNotice(null);
                      primary.mutate(wallet);
                    }}
                    aria-label={`Make primary: ${CHAIN_TICKER[wallet.chain]} wallet ${wallet.shortAddress}`}
                    className="min-h-11 rounded-lg border border-subtle px-3 text-sm font-medium hover:bg-raised disabled:cursor-not-allowed disabled:opacity-50"
                  >
                    Make primary
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => {
                    setNotice(null);
                    unlink.reset();
                    setUnlinking(wallet);
                  }}
                  aria-label={`Unlink ${CHAIN_TICKER[wallet.chain]} wallet ${wallet.shortAddress}`}
                  className="min-h-11 rounded-lg border border-subtle px-3 text-sm font-medium text-negative hover:bg-raised"
                >
                  Unlink
                </button>
              </div>
            </li>
          ))}
          {list.length === 0 && <li className="p-4 text-sm text-secondary">No wallets linked. You sign in with your email.</li>}
        </ul>
      )}

      {primary.isError &&
        (primaryLimit ? (
          <UpgradeHint>{primary.error.message}</UpgradeHint>
        ) : (
          <p role="alert" className="text-sm text-negative">
            {messageOf(primary.error)}
          </p>
        ))}
      {list.some((w) => w.overLimit) && !primaryLimit && (
        <UpgradeHint>Wallets on chains beyond your plan are kept read-only.</UpgradeHint>
      )}

      <p className="text-sm text-secondary">
        Your primary wallet is how you usually sign in, and its chain always stays within your plan. You can unlink any wallet as long as
        another way to sign in remains: another wallet or a verified email.
      </p>

      <LinkPanelBoundary>
        <Suspense fallback={<Skeleton className="h-24 w-full" />}>
          <LinkWalletPanel chains={ALL_CHAINS} />
        </Suspense>
      </LinkPanelBoundary>

      <ConfirmDialog
        open={unlinking !== null}
        title={unlinking ? `Unlink wallet ${unlinking.shortAddress} on ${CHAIN_LABEL[unlinking.chain]}?` : "Unlink wallet?"}
        confirmLabel="Unlink wallet"
        destructive
        busy={unlink.isPending}
        error={unlink.isError ? messageOf(unlink.error) : null}
        onCancel={() => setUnlinking(null)}
        onConfirm={() => unlinking && unlink.mutate(unlinking)}
      >
        <p>Its staking positions leave your dashboard. You can link it again later by signing with it.</p>
        {last ? (
          <p className="font-medium text-warning" data-testid="last-method-warning">
            This is your only way to sign in, so it cannot be removed. Add a verified email or link another wallet first.
          </p>
        ) : unlinking?.isPrimary ? (
          <p>{emailVerified ? "Your email becomes your primary sign-in." : "Your next-oldest wallet becomes primary."}</p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
