// The sign-in slice's "link another wallet" panel, loaded lazily: the wallet stack stays out
// of the dashboard's chunk until a user asks to add a wallet.
import { lazy } from "react";

export type LinkChain = "eth" | "sol" | "atom";

export const LinkWalletPanel = lazy(() => import("../link-wallet/LinkWalletPanel"));
