import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import type { PositionView } from "./position-view";
import { PositionsList, validatorLabel } from "./PositionsList";

afterEach(cleanup);

const base: PositionView = {
  key: "w|eth:14928|stake",
  chain: "eth",
  validatorId: "eth:14928",
  validatorAddress: "14928",
  validatorName: null,
  wallet: "0x1234…abcd",
  amountDisplay: "2048.0104",
  fiat: { usd: "6836013.4", eur: "6289133" },
  status: "active",
  kind: "stake",
  fetchedAt: new Date(Date.now() - 12 * 60_000).toISOString(),
  realYield: { nominalApy: "0.05", inflationRate: "0.02", validatorFee: "0.005", slashingRisk: "0.0001", realYield: "0.0249", confidence: "exact" },
  vrs: { total: null, band: null, confidence: "low", status: "pending" },
};

const table = () => screen.getByRole("table", { name: "Staking positions" });

describe("PositionsList", () => {
  it("shows amount, fiat in the chosen currency, signed real yield, pending score and freshness", () => {
    render(<PositionsList positions={[base]} currency="eur" />);
    const row = within(table()).getAllByRole("row")[1]!;
    expect(row.textContent).toContain("Validator 14928");
    expect(row.textContent).toContain("2,048.0104 ETH");
    expect(row.textContent).toContain("€6,289,133");
    expect(within(row).getByText("+2.5%").className).toContain("text-positive");
    expect(row.textContent).toContain("Score pending");
    expect(within(row).getByRole("img", { name: /^Data updated 12 min ago/ })).toBeTruthy();
  });

  it("a negative real yield is red with a real minus sign; a scored low-confidence validator shows the badge and 'Limited data'", () => {
    const p: PositionView = {
      ...base,
      realYield: { ...base.realYield!, realYield: "-0.006" },
      vrs: { total: 85, band: "green", confidence: "low", status: "scored" },
    };
    render(<PositionsList positions={[p]} currency="usd" />);
    const row = within(table()).getAllByRole("row")[1]!;
    expect(within(row).getByText("\u22120.6%").className).toContain("text-negative");
    expect(within(row).getByRole("img", { name: "Validator Risk Score: 85 of 100, low risk" })).toBeTruthy();
    expect(within(row).getByText("Limited data")).toBeTruthy();
    expect(row.textContent).not.toContain("Score pending");
  });

  it("the real-yield breakdown opens on demand (progressive disclosure)", () => {
    render(<PositionsList positions={[base]} currency="usd" />);
    const toggle = within(table()).getByRole("button", { name: "Show real-yield breakdown for Validator 14928" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const panelId = toggle.getAttribute("aria-controls")!;
    expect(document.getElementById(panelId)).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(document.getElementById(panelId)).not.toBeNull(); // the RealYieldBar (calculator slice) inside
  });

  it("labels validators by name, ETH index or short address", () => {
    expect(validatorLabel({ validatorName: "Chorus One", validatorAddress: "x" })).toBe("Chorus One");
    expect(validatorLabel({ validatorName: null, validatorAddress: "14928" })).toBe("Validator 14928");
    expect(validatorLabel({ validatorName: null, validatorAddress: "cosmosvaloper1abcdefghijklmnop" })).toBe("cosmos…mnop");
  });

  it("the validator's name and its score open the validator detail over the dashboard", () => {
    const scored: PositionView = { ...base, vrs: { total: 85, band: "green", confidence: "high", status: "scored" } };
    const router = createMemoryRouter([{ path: "/dashboard", element: <PositionsList positions={[scored]} currency="usd" /> }], {
      initialEntries: ["/dashboard?chain=eth"],
    });
    render(<RouterProvider router={router} />);
    const row = within(table()).getAllByRole("row")[1]!;
    const name = within(row).getByRole("link", { name: "Validator 14928: open validator details" });
    expect(name.getAttribute("href")).toBe("/dashboard?chain=eth&validator=eth%3A14928");
    const score = within(row).getByRole("link", { name: "Risk score of Validator 14928: 85 of 100, open the details" });
    expect(score.getAttribute("href")).toBe(name.getAttribute("href"));
    fireEvent.click(name);
    expect(router.state.location.search).toBe("?chain=eth&validator=eth%3A14928");
  });

  it("outside a router (a plain render) the name is still a link to the detail", () => {
    render(<PositionsList positions={[base]} currency="usd" />);
    const link = within(table()).getByRole("link", { name: "Validator 14928: open validator details" });
    expect(link.getAttribute("href")).toContain("?validator=eth%3A14928");
  });
});
