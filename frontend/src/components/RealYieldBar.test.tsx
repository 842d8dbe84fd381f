import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { barWidths, RealYieldBar, type YieldParts, yieldText } from "./RealYieldBar";

afterEach(cleanup);

const positive: YieldParts = { nominalApy: "0.07", inflationRate: "0.05", validatorFee: "0.007", slashingRisk: "0.0001", realYield: "0.0129" };
const negative: YieldParts = { nominalApy: "0.04", inflationRate: "0.1", validatorFee: "0.002", slashingRisk: "0", realYield: "-0.062" };

function width(id: string): string {
  return (screen.getByTestId(id) as HTMLElement).style.width;
}

describe("barWidths", () => {
  it("puts both bars on one scale: the larger magnitude fills the track", () => {
    const w = barWidths(positive);
    expect(w.nominal).toBe(100);
    expect(w.real).toBeCloseTo((0.0129 / 0.07) * 100, 6);
  });
  it("scales by the magnitude of a negative real yield when it exceeds the nominal", () => {
    const w = barWidths(negative);
    expect(w.real).toBe(100);
    expect(w.nominal).toBeCloseTo((0.04 / 0.062) * 100, 6);
  });
  it("is empty when every part is zero or unparsable", () => {
    expect(barWidths({ ...positive, nominalApy: "0", realYield: "x" })).toEqual({ nominal: 0, real: 0 });
  });
});

describe("RealYieldBar", () => {
  it("renders the widths, the signed real yield in the positive tone and the deductions", () => {
    render(<RealYieldBar variant="dashboard" parts={positive} />);
    expect(width("bar-nominal")).toBe("100%");
    expect(parseFloat(width("bar-real"))).toBeCloseTo(18.43, 1);
    expect(screen.getByTestId("bar-real").className).toContain("bg-positive");
    expect(screen.getByText("+1.3%").className).toContain("text-positive");
    expect(screen.getByText("−5.0%")).toBeTruthy();
    expect(screen.getByText("−0.7%")).toBeTruthy();
    expect(screen.getByText("−0.01%")).toBeTruthy();
    expect(screen.queryByText("You are losing value in real terms.")).toBeNull();
  });

  it("shows a negative real yield in red with the loss note (calculator variant)", () => {
    render(<RealYieldBar variant="calculator" parts={negative} />);
    expect(screen.getByTestId("bar-real").className).toContain("bg-negative");
    expect(screen.getByText("−6.2%").className).toContain("text-negative");
    expect(screen.getByText("You are losing value in real terms.")).toBeTruthy();
  });

  it("states every part in its text equivalent", () => {
    render(<RealYieldBar variant="dashboard" parts={positive} label="Lido" />);
    const text = "Lido: nominal APY 7.0%, minus inflation 5.0%, minus validator fee 0.7%, minus slashing risk 0.01%, real yield +1.3%.";
    expect(yieldText(positive, "Lido")).toBe(text);
    expect(screen.getByText(text).className).toContain("sr-only");
    expect(yieldText(negative)).toContain("real yield −6.2%. You are losing value in real terms.");
  });

  it("is static without motion (jsdom has no matchMedia: treated as reduced motion)", () => {
    render(<RealYieldBar variant="calculator" parts={positive} />);
    expect(width("bar-nominal")).toBe("100%");
    expect(screen.getByTestId("bar-nominal").className).not.toContain("transition");
  });
});
