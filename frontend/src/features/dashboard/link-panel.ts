// The sign-in slice's "link another wallet" panel, loaded lazily. It does not exist on this
// branch yet, so the path is a variable (the build does not resolve it) and a failed import
// shows a plain link to /signin (LinkPanelSlot's fallback). AT MERGE: replace the body with
//   lazy(() => import("../link-wallet/LinkWalletPanel"))
import { lazy, type ComponentType } from "react";

export type LinkChain = "eth" | "sol" | "atom";
export type LinkWalletPanelProps = { chains: LinkChain[] };

const PANEL_MODULE = "../link-wallet/LinkWalletPanel";

export const LinkWalletPanel = lazy(
  () => import(/* @vite-ignore */ PANEL_MODULE) as Promise<{ default: ComponentType<LinkWalletPanelProps> }>,
);
