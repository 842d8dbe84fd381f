// The yearly CSV export (pro): year and currency, then a download. Free sees the upgrade
// hint instead; a 403 TIER_LIMIT (the plan changed meanwhile) shows it too.
import { useState } from "react";
import { ApiError, apiErrorOf, refreshSession } from "../../api/client";
import { tierLimitOf, UpgradeHint } from "../../components/UpgradeHint";
import type { Currency } from "../../lib/format";
import { exportFilename, exportUrl, exportYears } from "./view";

async function download(year: number, currency: Currency): Promise<void> {
  const url = exportUrl(year, currency);
  let response = await fetch(url, { credentials: "same-origin" });
  if (response.status === 401 && (await refreshSession())) response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw apiErrorOf(body, response);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = exportFilename(year, currency);
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function ExportRewards({ tier, firstSeen, currency: initialCurrency }: { tier: "free" | "pro"; firstSeen: string | null; currency: Currency }) {
  const thisYear = new Date().getUTCFullYear();
  const years = exportYears(thisYear, firstSeen);
  const [year, setYear] = useState(thisYear);
  const [currency, setCurrency] = useState<Currency>(initialCurrency);
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<unknown>(null);

  const limited = tier === "free" || tierLimitOf(error) !== null;
  return (
    <section aria-labelledby="export-heading" className="space-y-3 rounded-xl border border-subtle bg-surface p-4">
      <h2 id="export-heading" className="text-lg font-semibold">
        Export for taxes
      </h2>
      {limited ? (
        <UpgradeHint>The CSV export of a year's rewards, each valued at its day's close, is part of Pro.</UpgradeHint>
      ) : (
        <>
          <p className="text-sm text-secondary">One CSV row per reward event of the year, with the coin price of its day and the value.</p>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              setState("busy");
              setError(null);
              download(year, currency)
                .then(() => setState("done"))
                .catch((e: unknown) => {
                  setError(e);
                  setState("idle");
                });
            }}
          >
            <label className="flex flex-col gap-1 text-sm text-secondary">
              Year
              <select value={year} onChange={(e) => setYear(Number(e.target.value))} className="min-h-11 rounded-md border border-subtle bg-surface px-2 text-primary">
                {years.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-sm text-secondary">
              Currency
              <select value={currency} onChange={(e) => setCurrency(e.target.value as Currency)} className="min-h-11 rounded-md border border-subtle bg-surface px-2 text-primary">
                <option value="usd">USD</option>
                <option value="eur">EUR</option>
              </select>
            </label>
            <button type="submit" disabled={state === "busy"} className="min-h-11 rounded-lg bg-brand px-4 font-medium text-on-brand hover:bg-brand-strong disabled:opacity-60">
              {state === "busy" ? "Preparing…" : "Download CSV"}
            </button>
          </form>
          <p role="status" className="text-sm text-secondary">
            {state === "done" ? `Downloaded ${exportFilename(year, currency)}.` : ""}
          </p>
          {error !== null && (
            <p role="alert" className="text-sm text-negative">
              The export failed: {error instanceof ApiError ? error.message : "the server could not be reached."}
            </p>
          )}
        </>
      )}
    </section>
  );
}
