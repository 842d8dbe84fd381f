// A searchable validator picker (ARIA 1.2 combobox with a listbox popup) over
// GET /api/validators?chain=&q= — debounced, keyboard operable, optional.
import { useEffect, useId, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { type ChainId, formatRate, shortAddress } from "../lib/format";
import { errorMessage } from "./logic";
import { useDebounced } from "./useDebounced";

type Validator = Schemas["ValidatorOut"];
export type Picked = { id: string; label: string };

export function validatorLabel(v: Pick<Validator, "name" | "address">): string {
  return v.name?.trim() ? v.name : shortAddress(v.address);
}

export function ValidatorCombobox({ chain, value, onChange }: { chain: ChainId; value: Picked | null; onChange: (v: Picked | null) => void }) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [options, setOptions] = useState<Validator[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const q = useDebounced(query.trim(), 250);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    unwrap(api.GET("/api/validators", { params: { query: { chain, limit: 10, ...(q ? { q } : {}) } } }))
      .then((body) => {
        if (cancelled) return;
        setOptions(body.data);
        setActive(body.data.length ? 0 : -1);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorMessage(e, false));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [chain, q, open]);

  function pick(v: Validator) {
    onChange({ id: v.id, label: validatorLabel(v) });
    setQuery("");
    setOpen(false);
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((i) => Math.min(options.length - 1, i + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === "Enter") {
      const v = options[active];
      if (open && v) {
        e.preventDefault();
        pick(v);
      }
    } else if (e.key === "Escape") {
      if (open) {
        e.preventDefault();
        setOpen(false);
      } else setQuery("");
    }
  }

  const expanded = open && (options.length > 0 || loading || error !== null || q !== "");
  const activeId = open && active >= 0 && options[active] ? `${id}-opt-${active}` : undefined;

  return (
    <div className="space-y-2">
      <label htmlFor={`${id}-input`} className="block text-sm font-medium text-secondary">
        Validator <span className="font-normal text-muted">(optional — default: network average)</span>
      </label>
      {value && (
        <div className="flex min-h-11 items-center justify-between gap-2 rounded-md border border-subtle bg-raised px-3">
          <span className="truncate text-sm">
            <span className="sr-only">Selected validator: </span>
            {value.label}
          </span>
          <button
            type="button"
            onClick={() => {
              onChange(null);
              inputRef.current?.focus();
            }}
            className="min-h-11 shrink-0 px-2 text-sm text-brand underline-offset-2 hover:underline"
          >
            Clear<span className="sr-only"> validator, use the network average</span>
          </button>
        </div>
      )}
      <div className="relative">
        <input
          ref={inputRef}
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeId}
          autoComplete="off"
          placeholder={value ? "Search another validator" : "Search by name or address"}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
          className="min-h-11 w-full rounded-md border border-subtle bg-surface px-3 text-primary placeholder:text-muted"
        />
        <ul
          id={listId}
          role="listbox"
          aria-label="Validators"
          hidden={!expanded || options.length === 0}
          className="absolute z-10 mt-1 max-h-72 w-full overflow-auto rounded-md border border-subtle bg-surface py-1 shadow-lg"
        >
          {options.map((v, i) => (
            <li
              key={v.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(v)}
              onMouseEnter={() => setActive(i)}
              className={`flex min-h-11 cursor-pointer items-center justify-between gap-3 px-3 text-sm ${i === active ? "bg-raised" : ""}`}
            >
              <span className="truncate">{validatorLabel(v)}</span>
              <span className="num shrink-0 text-xs text-secondary">{v.commission === null ? "fee —" : `fee ${formatRate(v.commission)}`}</span>
            </li>
          ))}
        </ul>
        {expanded && options.length === 0 && (
          <p role="status" className="absolute z-10 mt-1 w-full rounded-md border border-subtle bg-surface px-3 py-2 text-sm shadow-lg">
            {error ? <span className="text-negative">{error}</span> : loading ? <span className="text-muted">Searching…</span> : <span className="text-muted">No validator matches “{q}”.</span>}
          </p>
        )}
      </div>
    </div>
  );
}
