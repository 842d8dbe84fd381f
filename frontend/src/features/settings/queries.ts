// The account reads and writes of the settings sections (TanStack Query over the typed client).
import { useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";

export type Wallet = Schemas["WalletOut"];
export type ApiKey = Schemas["ApiKeyOut"];
export type NewApiKey = Schemas["NewApiKeyOut"];

// the dashboard reads the same list under this key; a link invalidates ["me"] (and so it)
export const WALLETS_KEY = ["me", "wallets"] as const;
export const API_KEYS_KEY = ["me", "api-keys"] as const;

export function useWalletList() {
  return useQuery({ queryKey: WALLETS_KEY, queryFn: async () => (await unwrap(api.GET("/api/me/wallets"))).data });
}

export function useApiKeys() {
  return useQuery({ queryKey: API_KEYS_KEY, queryFn: async () => (await unwrap(api.GET("/api/me/api-keys"))).data });
}

/** The API's own message of a failure (its `{error}`), or a plain fallback. */
export function messageOf(error: unknown, fallback = "Something went wrong. Try again."): string {
  if (error instanceof ApiError) {
    const fields = (error.details as { fields?: { message?: string }[] }).fields;
    if (error.code === "VALIDATION_ERROR" && fields?.[0]?.message) return fields[0].message;
    return error.message || fallback;
  }
  return fallback;
}

export const CHAIN_LABEL = { eth: "Ethereum", sol: "Solana", atom: "Cosmos Hub" } as const;
export const CHAIN_TICKER = { eth: "ETH", sol: "SOL", atom: "ATOM" } as const;
