// Pick one validator of a chain: a search field (name or address, GET /api/validators?q=)
// and a native list of the matches — keyboard operable without any custom key handling.
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../../../api/client";
import { useDebounced } from "../../../calculator/useDebounced";
import { CHAIN_NAME, shortAddress, type ChainId } from "../../../lib/format";

export function ValidatorPicker({
  chain,
  value,
  onChange,
  error,
}: {
  chain: ChainId;
  value: string | null;
  onChange: (id: string | null, label: string | null) => void;
  error?: string;
}) {
  const id = useId();
  const [query, setQuery] = useState("");
  const q = useDebounced(query.trim(), 250);
  const found = useQuery({
    queryKey: ["validators", "pick", chain, q],
    queryFn: () => unwrap(api.GET("/api/validators", { params: { query: { chain, limit: 20, ...(q ? { q } : {}) } } })),
  });
  const options = found.data?.data ?? [];
  const label = (v: { name?: string | null; address: string }) => (v.name?.trim() ? `${v.name} (${shortAddress(v.address)})` : shortAddress(v.address, 10, 6));

  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-medium">Validator on {CHAIN_NAME[chain]}</legend>
      <label htmlFor={`${id}-q`} className="text-xs text-secondary">
        Search by name or address
      </label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          // Enter in the search field narrows the list; it does not submit the alert
          if (e.key === "Enter") e.preventDefault();
        }}
        className="min-h-11 rounded-lg border border-subtle bg-base px-3 text-sm"
      />
      <label htmlFor={`${id}-list`} className="text-xs text-secondary">
        Matching validators {found.isFetching ? "(searching…)" : `(${options.length})`}
      </label>
      <select
        id={`${id}-list`}
        size={Math.min(6, Math.max(3, options.length))}
        value={value ?? ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          const picked = options.find((v) => v.id === e.target.value);
          onChange(picked?.id ?? null, picked ? label(picked) : null);
        }}
        className="rounded-lg border border-subtle bg-base p-1 text-sm"
      >
        {value && !options.some((v) => v.id === value) && <option value={value}>{value.split(":").slice(1).join(":")}</option>}
        {options.map((v) => (
          <option key={v.id} value={v.id} className="px-2 py-1">
            {label(v)}
          </option>
        ))}
      </select>
      {found.isError && <p className="text-sm text-negative">The validators could not be loaded. Try again in a moment.</p>}
      {error && (
        <p id={`${id}-err`} className="text-sm text-negative">
          {error}
        </p>
      )}
    </fieldset>
  );
}
