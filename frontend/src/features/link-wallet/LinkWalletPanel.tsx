// "Link another wallet": the same sign flow as sign-in, sent to POST /api/me/wallets/{chain}.
// Lazy-loaded (it brings the wallet stack): React.lazy(() => import(".../LinkWalletPanel")).
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { WalletProviders } from "../../wallets/providers";
import { ACTIONS } from "../../wallets/WalletActions";
import type { Chain } from "../../wallets/flow";

export type LinkWalletPanelProps = { chains: Chain[] };

export function LinkWalletPanel({ chains }: LinkWalletPanelProps) {
  const client = useQueryClient();
  const onSuccess = useCallback(async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: ["portfolio"] }),
      client.invalidateQueries({ queryKey: ["me"] }),
      client.invalidateQueries({ queryKey: ["wallets"] }),
    ]);
  }, [client]);
  return (
    <WalletProviders>
      <section aria-labelledby="link-wallet-title" className="space-y-3">
        <h2 id="link-wallet-title" className="text-lg font-semibold text-primary">
          Link another wallet
        </h2>
        <p className="text-sm text-secondary">Sign a message with the wallet to prove it is yours. Read-only: no gas, no transaction.</p>
        <div className="grid gap-3 md:grid-cols-3">
          {chains.map((chain) => {
            const Action = ACTIONS[chain];
            return <Action key={chain} mode="link" onSuccess={onSuccess} />;
          })}
        </div>
      </section>
    </WalletProviders>
  );
}

export default LinkWalletPanel;
