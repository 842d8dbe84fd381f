// The calculator's page logic, free of React: amount validation, the share link and its
// query parameters, and the inline messages for API errors.
import { ApiError } from "../api/client";
import type { ChainId } from "../lib/format";

export const CHAINS: readonly ChainId[] = ["eth", "sol", "atom"];
export const DEFAULT_AMOUNTS: Record<ChainId, string> = { eth: "32", sol: "100", atom: "100" };
export const AMOUNT_ERROR = "Amount must be greater than 0";

export type Inputs = { chain: ChainId; amount: string; validatorId: string | null };

export type AmountCheck = { ok: true; amount: string } | { ok: false; error: string | null };

/** A plain positive decimal ("32", "0.5", "1,000.25"); empty: no error yet, no request. */
export function checkAmount(text: string): AmountCheck {
  const trimmed = text.trim().replace(/[,_\s]/g, "");
  if (trimmed === "") return { ok: false, error: null };
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { ok: false, error: AMOUNT_ERROR };
  if (Number(trimmed) <= 0 || !Number.isFinite(Number(trimmed))) return { ok: false, error: AMOUNT_ERROR };
  const normal = trimmed.startsWith(".") ? `0${trimmed}` : trimmed.replace(/\.$/, "");
  return { ok: true, amount: normal };
}

export function isChain(value: string | null | undefined): value is ChainId {
  return value === "eth" || value === "sol" || value === "atom";
}

/** A validator id fit for the chosen chain: "<chain>:<address>" (any ETH index too). */
export function validatorFor(chain: ChainId, id: string | null | undefined): string | null {
  if (!id) return null;
  const value = id.trim();
  if (value.length === 0 || value.length > 200) return null;
  const [prefix, ...rest] = value.split(":");
  const address = rest.join(":");
  if (!prefix || !address || prefix !== chain) return null;
  return value;
}

/** Inputs from `?chain=&amount=&validator=`; anything missing or wrong falls back. */
export function parseQuery(search: string): Inputs {
  const params = new URLSearchParams(search);
  const chainParam = params.get("chain");
  const chain: ChainId = isChain(chainParam) ? chainParam : "eth";
  const amountParam = params.get("amount");
  const amount = amountParam !== null && amountParam.length <= 40 ? amountParam : DEFAULT_AMOUNTS[chain];
  return { chain, amount, validatorId: validatorFor(chain, params.get("validator")) };
}

/** The link that restores these inputs on the calculator page. */
export function shareUrl(origin: string, inputs: Inputs): string {
  const params = new URLSearchParams({ chain: inputs.chain });
  const checked = checkAmount(inputs.amount);
  if (checked.ok) params.set("amount", checked.amount);
  if (inputs.validatorId) params.set("validator", inputs.validatorId);
  return `${origin}/calculator?${params.toString()}`;
}

/** A clear inline message for a failed calculation or search. */
export function errorMessage(error: unknown, hasValidator: boolean): string {
  if (error instanceof ApiError) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : " Try again in a moment.";
    if (error.status === 429) return `Too many requests from your network.${wait}`;
    if (error.status === 503) return `The chain data is temporarily unavailable.${wait}`;
    if (error.status === 404)
      return hasValidator ? "Unknown validator for this chain. Pick one from the list or clear it." : "This chain is not supported.";
    if (error.status === 422) return error.message || "Please check your input.";
    return `The calculation failed (${error.status}). Try again in a moment.`;
  }
  return "Could not reach StakeTrack. Check your connection and try again.";
}
