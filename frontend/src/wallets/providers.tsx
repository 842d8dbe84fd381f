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
import { useEffect, useState, type ReactNode } from "react";
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

// RainbowKit's default accent fails WCAG contrast (2.95:1 measured). Ours are the brand
// tokens' values (tokens.css; RainbowKit takes literal colours): light = teal #0e7490
// with white text, dark = cyan #06b6d4 with near-black text — both pass AA.
const LIGHT_ACCENT = { accentColor: "#0e7490", accentColorForeground: "#ffffff", borderRadius: "medium" } as const;
const DARK_ACCENT = { accentColor: "#06b6d4", accentColorForeground: "#04141a", borderRadius: "medium" } as const;
const DARK = darkTheme(DARK_ACCENT);
const LIGHT_BASE = lightTheme(LIGHT_ACCENT);
// RainbowKit's light secondary text is 3.31:1 on white (axe); a darker grey passes (7.6:1).
const LIGHT = { ...LIGHT_BASE, colors: { ...LIGHT_BASE.colors, modalTextSecondary: "#4b5563" } };

/** The app's theme (`<html data-theme>`), followed live so the modal matches a toggle. */
function useLightTheme(): boolean {
  const read = () => document.documentElement.dataset.theme === "light";
  const [light, setLight] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setLight(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return light;
}

// The adapter builds a Connection for this endpoint but sign-in never sends it a request.
const SOLANA_ENDPOINT = "https://api.mainnet-beta.solana.com";

export function WalletProviders({ children }: { children: ReactNode }) {
  const light = useLightTheme();
  return (
    <WagmiProvider config={wagmiConfig} reconnectOnMount={false}>
      <RainbowKitProvider theme={light ? LIGHT : DARK} modalSize="compact" initialChain={mainnet}>
        <ConnectionProvider endpoint={SOLANA_ENDPOINT}>
          <WalletProvider wallets={[]} autoConnect={false}>
            {children}
          </WalletProvider>
        </ConnectionProvider>
      </RainbowKitProvider>
    </WagmiProvider>
  );
}
