// Dark (default) / light; remembered in localStorage "st-theme" (public/theme-init.js
// applies it before the first paint).
import { useState } from "react";
import { Icon } from "./Icon";
import { readStored, writeStored } from "../lib/dashboard-storage";

type Theme = "dark" | "light";

export function ThemeToggle({ showLabel = false }: { showLabel?: boolean }) {
  const [theme, setTheme] = useState<Theme>(() => readStored("st-theme", ["dark", "light"] as const, "dark"));
  const next: Theme = theme === "dark" ? "light" : "dark";
  const toggle = () => {
    setTheme(next);
    writeStored("st-theme", next);
    document.documentElement.dataset.theme = next;
  };
  return (
    <button
      type="button"
      onClick={toggle}
      aria-label={`Switch to ${next} theme`}
      className="inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-2 text-secondary hover:bg-raised hover:text-primary"
    >
      <Icon name={next === "light" ? "sun" : "moon"} />
      {showLabel && <span className="text-sm">{next === "light" ? "Light" : "Dark"} theme</span>}
    </button>
  );
}
