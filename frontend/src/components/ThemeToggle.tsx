// Dark (default) / light; remembered in localStorage "st-theme" (public/theme-init.js
// applies it before the first paint). The theme lives on <html data-theme>: every toggle
// (sidebar and top bar are both mounted) follows it through a MutationObserver.
import { useSyncExternalStore } from "react";
import { writeStored } from "../lib/dashboard-storage";
import { Icon } from "./Icon";

type Theme = "dark" | "light";

function currentTheme(): Theme {
  return document.documentElement.dataset.theme === "light" ? "light" : "dark";
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

export function setTheme(theme: Theme): void {
  writeStored("st-theme", theme);
  document.documentElement.dataset.theme = theme;
}

export function ThemeToggle({ showLabel = false }: { showLabel?: boolean }) {
  const theme = useSyncExternalStore(subscribe, currentTheme, () => "dark" as const);
  const next: Theme = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      aria-label={`Switch to ${next} theme`}
      className={`inline-flex min-h-11 min-w-11 items-center rounded-lg text-secondary hover:bg-raised hover:text-primary ${showLabel ? "justify-start gap-3 px-3" : "justify-center px-2"}`}
    >
      <Icon name={next === "light" ? "sun" : "moon"} />
      {showLabel && <span className="text-sm">{next === "light" ? "Light" : "Dark"} theme</span>}
    </button>
  );
}
