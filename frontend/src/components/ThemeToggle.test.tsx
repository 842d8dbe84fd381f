import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ThemeToggle } from "./ThemeToggle";

afterEach(cleanup);
beforeEach(() => {
  localStorage.clear();
  document.documentElement.dataset.theme = "dark";
});

describe("ThemeToggle", () => {
  it("switches to light and back, remembering the choice; every toggle follows", async () => {
    render(
      <>
        <ThemeToggle showLabel />
        <ThemeToggle />
      </>,
    );
    const [first] = screen.getAllByRole("button", { name: "Switch to light theme" });
    fireEvent.click(first!);
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem("st-theme")).toBe("light");
    // the MutationObserver tells the other toggle
    await act(async () => {
      await Promise.resolve();
    });
    expect(screen.getAllByRole("button", { name: "Switch to dark theme" })).toHaveLength(2);
    fireEvent.click(screen.getAllByRole("button", { name: "Switch to dark theme" })[1]!);
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("st-theme")).toBe("dark");
  });
});
