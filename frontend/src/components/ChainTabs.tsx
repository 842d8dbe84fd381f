// All / ETH / SOL / ATOM as an ARIA tab list (arrow keys move between tabs).
import { useRef, type KeyboardEvent } from "react";

export type ChainTab = "all" | "eth" | "sol" | "atom";
export const CHAIN_TABS: readonly ChainTab[] = ["all", "eth", "sol", "atom"];
const LABEL: Record<ChainTab, string> = { all: "All", eth: "ETH", sol: "SOL", atom: "ATOM" };

export function ChainTabs({ value, onChange, controls }: { value: ChainTab; onChange: (tab: ChainTab) => void; controls: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + CHAIN_TABS.length) % CHAIN_TABS.length;
    const tab = CHAIN_TABS[next] ?? "all";
    onChange(tab);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Chain" className="inline-flex rounded-lg border border-subtle bg-surface p-1">
      {CHAIN_TABS.map((tab, i) => {
        const selected = tab === value;
        return (
          <button
            key={tab}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={controls}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(tab)}
            onKeyDown={(e) => onKey(e, i)}
            className={`min-h-11 min-w-14 rounded-md px-3 text-sm font-medium ${selected ? "bg-brand text-on-brand" : "text-secondary hover:bg-raised hover:text-primary"}`}
          >
            {LABEL[tab]}
          </button>
        );
      })}
    </div>
  );
}
