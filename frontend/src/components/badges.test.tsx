import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChainTabs } from "./ChainTabs";
import { ConfidenceBadge } from "./ConfidenceBadge";
import { FreshnessIndicator } from "./FreshnessIndicator";
import { StaleBanner } from "./StaleBanner";
import { bandOf, VrsBadge } from "./VrsBadge";

afterEach(cleanup);

describe("VrsBadge", () => {
  it("names score and band for screen readers", () => {
    render(<VrsBadge total={85} band="green" />);
    const badge = screen.getByRole("img", { name: "Validator Risk Score: 85 of 100, low risk" });
    expect(badge.dataset.band).toBe("green");
    expect(badge.textContent).toContain("low risk");
  });

  it.each([
    [85, "green", "low risk"],
    [80, "green", "low risk"],
    [79, "yellow", "medium risk"],
    [50, "yellow", "medium risk"],
    [49, "red", "high risk"],
  ] as const)("score %i without a band from the API is %s", (total, band, words) => {
    expect(bandOf(total)).toBe(band);
    render(<VrsBadge total={total} />);
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe(`Validator Risk Score: ${total} of 100, ${words}`);
  });

  it("keeps the API's band over the derived one", () => {
    render(<VrsBadge total={85} band="red" />);
    expect(screen.getByRole("img").getAttribute("aria-label")).toContain("high risk");
  });

  it("compact: the number only, the band still in the accessible name", () => {
    render(<VrsBadge total={42} band="yellow" compact />);
    const badge = screen.getByRole("img", { name: "Validator Risk Score: 42 of 100, medium risk" });
    expect(badge.textContent).toBe("42");
  });
});

describe("ConfidenceBadge", () => {
  it("shows 'Limited data' only for low confidence", () => {
    const { rerender, container } = render(<ConfidenceBadge confidence="low" />);
    expect(screen.getByText("Limited data")).toBeTruthy();
    for (const c of ["high", "medium", null] as const) {
      rerender(<ConfidenceBadge confidence={c} />);
      expect(container.textContent).toBe("");
    }
  });
});

describe("FreshnessIndicator", () => {
  const now = new Date("2026-12-03T10:00:00Z");
  it.each([
    ["2026-12-03T09:48:00Z", "fresh", "updated 12 min ago"],
    ["2026-12-03T09:00:00Z", "ageing", "updated 1 h ago"],
    ["2026-12-03T06:00:00Z", "stale", "updated 4 h ago"],
  ] as const)("%s is %s", (at, level, text) => {
    render(<FreshnessIndicator fetchedAt={at} now={now} />);
    const el = screen.getByRole("img");
    expect(el.dataset.level).toBe(level);
    expect(el.textContent).toBe(text);
    expect(el.getAttribute("aria-label")).toContain(text);
    expect(el.getAttribute("aria-label")).toContain("UTC");
  });

  it("never fetched: says so, stale", () => {
    render(<FreshnessIndicator fetchedAt={null} now={now} />);
    expect(screen.getByRole("img", { name: "Data not fetched yet" }).dataset.level).toBe("stale");
  });
});

describe("StaleBanner", () => {
  it("names the chain and the time of the last good data", () => {
    render(<StaleBanner chain="sol" fetchedAt="2026-12-03T08:36:00Z" />);
    const banner = screen.getByRole("status");
    expect(banner.textContent).toContain("Solana");
    expect(banner.textContent).toContain("3 Dec 2026, 08:36 UTC");
  });
});

describe("ChainTabs", () => {
  it("marks the selected tab and moves with the arrow keys", () => {
    const onChange = vi.fn();
    render(<ChainTabs value="eth" onChange={onChange} controls="p" />);
    const eth = screen.getByRole("tab", { name: "ETH" });
    expect(eth.getAttribute("aria-selected")).toBe("true");
    expect(eth.tabIndex).toBe(0);
    expect(screen.getByRole("tab", { name: "All" }).tabIndex).toBe(-1);
    fireEvent.keyDown(eth, { key: "ArrowRight" });
    expect(onChange).toHaveBeenLastCalledWith("sol");
    fireEvent.keyDown(eth, { key: "ArrowLeft" });
    expect(onChange).toHaveBeenLastCalledWith("all");
    fireEvent.click(screen.getByRole("tab", { name: "ATOM" }));
    expect(onChange).toHaveBeenLastCalledWith("atom");
  });
});
