// The validators page against a faked API: a chain's list with its risk badges and the
// watched mark, sorting and searching (in the URL and the request), "Load more" with the
// keyset cursor, ETH's search by index, the All overview, a row opening the detail.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { json, net } from "../../test/net";
import { ethSearch, sortsOf } from "./queries";
import { ValidatorsPage } from "./ValidatorsPage";

afterEach(cleanup);

const row = (chain: string, address: string, name: string | null, total: number | null) => ({
  id: `${chain}:${address}`,
  chain,
  address,
  name,
  status: "active",
  stake: { baseUnits: "1", display: "1000", fiat: { usd: "5000", eur: "4600" } },
  commission: chain === "eth" ? null : "0.05",
  jailed: false,
  slashed: false,
  identity: {},
  fetchedAt: "2026-12-04T10:00:00Z",
  vrs: total === null ? { total: null, band: null, confidence: "low", status: "pending" } : { total, band: null, confidence: "high", status: "scored" },
});

function api() {
  const calls: URLSearchParams[] = [];
  net.handler = async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/watchlist") return json({ data: [{ validatorId: "sol:Bbb", chain: "sol", name: "Bravo", addedAt: "2026-12-04T10:00:00Z", vrs: null, overLimit: false }], meta: { limit: 1, watchLimit: 10, upgradeUrl: null } });
    if (url.pathname === "/api/validators") {
      const q = url.searchParams;
      calls.push(q);
      const chain = q.get("chain")!;
      const meta = { chain, sort: q.get("sort"), limit: Number(q.get("limit")), fetchedAt: "2026-12-04T10:00:00Z", stale: false };
      if (q.get("cursor") === "page2") return json({ data: [row(chain, "Ccc", "Charlie", 60)], meta: { ...meta, nextCursor: null } });
      if (q.get("q") === "zzz") return json({ data: [], meta: { ...meta, nextCursor: null } });
      return json({ data: [row(chain, "Aaa", "Alpha", 91), row(chain, "Bbb", "Bravo", null)], meta: { ...meta, nextCursor: chain === "sol" ? "page2" : null } });
    }
    throw new Error(`unexpected ${request.method} ${url.pathname}`);
  };
  return calls;
}

function show(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter([{ path: "/validators", element: <ValidatorsPage /> }], { initialEntries: [path] });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const table = () => screen.getByRole("table");

describe("ValidatorsPage", () => {
  it("lists a chain by risk score with badges and the watched mark, and loads more with the cursor", async () => {
    const calls = api();
    show("/validators?chain=sol");
    await screen.findAllByText("Alpha");
    const rows = within(table()).getAllByTestId("validator-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByRole("img", { name: "Validator Risk Score: 91 of 100, low risk" })).toBeTruthy();
    expect(rows[1]!.textContent).toContain("Score pending");
    expect(within(rows[1]!).getByText("(on your watchlist)")).toBeTruthy();
    expect(within(rows[0]!).queryByText("(on your watchlist)")).toBeNull();
    expect(calls[0]!.get("sort")).toBe("vrs");
    expect(calls[0]!.get("limit")).toBe("50");
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(table()).getAllByTestId("validator-row")).toHaveLength(3));
    expect(calls[calls.length - 1]!.get("cursor")).toBe("page2");
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    expect(screen.getByText("Showing 3 validators")).toBeTruthy();
  });

  it("sorting and searching go into the URL and the request; no match says so", async () => {
    const calls = api();
    const router = show("/validators?chain=atom");
    await screen.findAllByText("Alpha");
    const sort = screen.getByLabelText("Sort by") as HTMLSelectElement;
    expect([...sort.options].map((o) => o.textContent)).toEqual(["Risk score", "Stake", "Commission"]);
    fireEvent.change(sort, { target: { value: "commission" } });
    await waitFor(() => expect(calls.some((c) => c.get("sort") === "commission")).toBe(true));
    expect(router.state.location.search).toContain("sort=commission");
    fireEvent.change(screen.getByLabelText("Search by name or address"), { target: { value: "zzz" } });
    expect(await screen.findByRole("heading", { name: "No validators found" }, { timeout: 3000 })).toBeTruthy();
    expect(calls[calls.length - 1]!.get("q")).toBe("zzz");
    expect(router.state.location.search).toContain("q=zzz");
  });

  it("ETH: no commission sort; an index in the search opens that validator", async () => {
    api();
    const router = show("/validators?chain=eth");
    await screen.findAllByText("Alpha");
    expect([...(screen.getByLabelText("Sort by") as HTMLSelectElement).options].map((o) => o.value)).toEqual(["vrs", "stake"]);
    const search = screen.getByLabelText("Index, public key or withdrawal address");
    fireEvent.change(search, { target: { value: "14928" } });
    await screen.findByText("Press Enter to open", { exact: false }, { timeout: 3000 });
    fireEvent.submit(search.closest("form")!);
    await waitFor(() => expect(router.state.location.search).toContain("validator=eth%3A14928"));
  });

  it("All: the best scores of each chain, each with a way into its list", async () => {
    const calls = api();
    const router = show("/validators");
    expect(await screen.findByRole("heading", { name: "Ethereum" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Solana" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Cosmos Hub" })).toBeTruthy();
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls.every((c) => c.get("sort") === "vrs" && c.get("limit") === "5")).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "All SOL validators" }));
    await waitFor(() => expect(router.state.location.search).toBe("?chain=sol"));
    expect(screen.getByRole("tab", { name: "SOL" }).getAttribute("aria-selected")).toBe("true");
  });

  it("a row's name opens the detail and the page keeps its parameters", async () => {
    api();
    show("/validators?chain=sol&sort=stake");
    await screen.findAllByText("Alpha");
    const link = within(table()).getByRole("link", { name: "Alpha: open validator details" });
    expect(link.getAttribute("href")).toBe("/validators?chain=sol&sort=stake&validator=sol%3AAaa");
  });
});

describe("list helpers", () => {
  it("ETH search: index and pubkey open, a 40-digit address filters, anything else explains", () => {
    expect(ethSearch("14928")).toEqual({ open: "eth:14928" });
    expect(ethSearch(`0x${"A".repeat(96)}`)).toEqual({ open: `eth:0x${"a".repeat(96)}` });
    expect(ethSearch(`0x${"b".repeat(40)}`)).toEqual({ withdrawalAddress: `0x${"b".repeat(40)}` });
    expect(ethSearch("lido")).toHaveProperty("invalid");
    expect(ethSearch("  ")).toBeNull();
    expect(sortsOf("eth")).toEqual(["vrs", "stake"]);
    expect(sortsOf("atom")).toEqual(["vrs", "stake", "commission"]);
  });
});
