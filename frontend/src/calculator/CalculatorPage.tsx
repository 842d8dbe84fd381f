// The public real-yield calculator (story 3.3): no sign-in, live result 300 ms after the
// last change, every part of the real yield with yearly amounts in tokens and fiat, a
// share link that restores the inputs, and a calm CTA to sign in.
import { useEffect, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { RealYieldBar } from "../components/RealYieldBar";
import {
  CHAIN_NAME,
  CHAIN_SYMBOL,
  type ChainId,
  type Currency,
  formatAmount,
  formatDateTime,
  formatFiat,
  formatRate,
  freshnessLevel,
  relativeTime,
} from "../lib/format";
import { CHAINS, DEFAULT_AMOUNTS, type Inputs, checkAmount, errorMessage, parseQuery, shareUrl } from "./logic";
import { useDebounced } from "./useDebounced";
import { type Picked, ValidatorCombobox, validatorLabel } from "./ValidatorCombobox";

type Result = Schemas["CalculateOut"];
type Amount = Schemas["Amount"];

export const CALC_DEBOUNCE_MS = 300;

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(false);
  useEffect(() => {
    let cancelled = false;
    fetch("/api/me", { credentials: "same-origin" })
      .then((r) => {
        if (!cancelled) setSignedIn(r.ok);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return signedIn;
}

export function CalculatorPage({ initial = parseQuery(window.location.search) }: { initial?: Inputs }) {
  const [chain, setChain] = useState<ChainId>(initial.chain);
  const [amountText, setAmountText] = useState(initial.amount);
  const [validator, setValidator] = useState<Picked | null>(initial.validatorId ? { id: initial.validatorId, label: initial.validatorId } : null);
  const [currency, setCurrency] = useState<Currency>("usd");
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const [manualLink, setManualLink] = useState<string | null>(null);
  const signedIn = useSignedIn();

  // a restored validator id: show its name once known (the id until then)
  useEffect(() => {
    const id = initial.validatorId;
    if (!id) return;
    let cancelled = false;
    unwrap(api.GET("/api/validators/{validator_id}", { params: { path: { validator_id: id } } }))
      .then((body) => {
        if (!cancelled) setValidator((v) => (v && v.id === id ? { id, label: validatorLabel(body.data) } : v));
      })
      .catch(() => undefined); // an unknown id shows the calculation's 404 message
    return () => {
      cancelled = true;
    };
  }, [initial.validatorId]);

  const checked = checkAmount(amountText);
  const request = checked.ok ? JSON.stringify({ chain, amount: checked.amount, validatorId: validator?.id ?? null }) : null;
  const settled = useDebounced(request, CALC_DEBOUNCE_MS);
  const seq = useRef(0);

  useEffect(() => {
    if (settled === null) return;
    const mine = ++seq.current;
    const body = JSON.parse(settled) as { chain: ChainId; amount: string; validatorId: string | null };
    setLoading(true);
    unwrap(api.POST("/api/yield/calculate", { body }))
      .then((answer) => {
        if (mine !== seq.current) return;
        setResult(answer.data);
        setError(null);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(errorMessage(e, body.validatorId !== null));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [settled]);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 3000);
    return () => clearTimeout(t);
  }, [toast]);

  function chooseChain(next: ChainId) {
    if (next === chain) return;
    setChain(next);
    setValidator(null);
    setResult(null);
    if (amountText === DEFAULT_AMOUNTS[chain]) setAmountText(DEFAULT_AMOUNTS[next]);
  }

  async function share() {
    const link = shareUrl(window.location.origin, { chain, amount: amountText, validatorId: validator?.id ?? null });
    try {
      await navigator.clipboard.writeText(link);
      setManualLink(null);
      setToast("Link copied");
    } catch {
      setManualLink(link);
    }
  }

  const inputError = checked.ok ? null : checked.error;
  const shown = checked.ok && result && result.chain === chain ? result : null;
  const stale = shown ? freshnessLevel(shown.fetchedAt) === "stale" : false;

  return (
    <div className="min-h-screen bg-base text-primary">
      <header className="border-b border-subtle">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
          <a href="/" className="flex min-h-11 items-center font-semibold text-primary">
            StakeTrack <span className="ml-1 text-brand">AI</span>
          </a>
          {signedIn ? (
            <a href="/dashboard" className="flex min-h-11 items-center text-sm text-brand underline-offset-2 hover:underline">
              Go to your dashboard
            </a>
          ) : (
            <a href="/signin" className="flex min-h-11 items-center text-sm text-secondary underline-offset-2 hover:underline">
              Sign in
            </a>
          )}
        </div>
      </header>

      <main className="mx-auto max-w-5xl space-y-8 px-4 py-8 sm:px-6 sm:py-12">
        <div className="space-y-3">
          <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">What does your stake really earn?</h1>
          <p className="max-w-2xl text-secondary">
            The nominal APY minus inflation, the validator's fee and the slashing risk — what is left is your real yield.
          </p>
        </div>

        <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] lg:items-start">
          <section aria-labelledby="inputs-heading" className="space-y-5 rounded-xl border border-subtle bg-surface p-5">
            <h2 id="inputs-heading" className="sr-only">
              Your stake
            </h2>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-secondary">Chain</legend>
              <div className="grid grid-cols-3 gap-2">
                {CHAINS.map((c) => (
                  <label
                    key={c}
                    className={`flex min-h-11 cursor-pointer items-center justify-center rounded-md border px-2 text-sm font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-focus ${
                      c === chain ? "border-brand bg-brand text-on-brand" : "border-subtle bg-raised text-primary"
                    }`}
                  >
                    <input type="radio" name="chain" value={c} checked={c === chain} onChange={() => chooseChain(c)} className="sr-only" />
                    <span>{CHAIN_SYMBOL[c]}</span>
                    <span className="sr-only"> ({CHAIN_NAME[c]})</span>
                  </label>
                ))}
              </div>
            </fieldset>

            <div className="space-y-2">
              <label htmlFor="amount" className="block text-sm font-medium text-secondary">
                Amount staked ({CHAIN_SYMBOL[chain]})
              </label>
              <input
                id="amount"
                inputMode="decimal"
                autoComplete="off"
                value={amountText}
                onChange={(e) => setAmountText(e.target.value)}
                aria-invalid={inputError !== null}
                aria-describedby={inputError ? "amount-error" : undefined}
                className={`num min-h-11 w-full rounded-md border bg-surface px-3 text-lg text-primary ${inputError ? "border-negative" : "border-subtle"}`}
              />
              {inputError && (
                <p id="amount-error" role="alert" className="text-sm text-negative">
                  {inputError}
                </p>
              )}
            </div>

            <ValidatorCombobox key={chain} chain={chain} value={validator} onChange={setValidator} />

            <div className="space-y-2 border-t border-subtle pt-4">
              <button
                type="button"
                onClick={() => void share()}
                className="min-h-11 w-full rounded-md border border-brand px-4 text-sm font-semibold text-brand hover:bg-raised"
              >
                Share your real yield
              </button>
              {manualLink && (
                <div className="space-y-1">
                  <label htmlFor="share-link" className="block text-xs text-secondary">
                    Copy this link:
                  </label>
                  <input id="share-link" readOnly value={manualLink} onFocus={(e) => e.target.select()} className="min-h-11 w-full rounded-md border border-subtle bg-raised px-2 text-xs" />
                </div>
              )}
            </div>
          </section>

          <section aria-labelledby="result-heading" aria-busy={loading} className="space-y-5 rounded-xl border border-subtle bg-surface p-5">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="result-heading" className="text-lg font-semibold">
                Your real yield{shown ? ` on ${CHAIN_NAME[shown.chain]}` : ""}
              </h2>
              <div role="group" aria-label="Fiat currency" className="flex gap-1">
                {(["usd", "eur"] as const).map((c) => (
                  <button
                    key={c}
                    type="button"
                    aria-pressed={currency === c}
                    onClick={() => setCurrency(c)}
                    className={`min-h-11 min-w-11 rounded-md px-2 text-xs font-semibold ${currency === c ? "bg-raised text-primary" : "text-secondary"}`}
                  >
                    {c.toUpperCase()}
                  </button>
                ))}
              </div>
            </div>

            {error && checked.ok && (
              <p role="alert" className="rounded-md border border-negative px-3 py-2 text-sm text-negative">
                {error}
              </p>
            )}

            {shown ? (
              <Outcome result={shown} currency={currency} stale={stale} validatorLabel={validator?.label} />
            ) : (
              !(error && checked.ok) && (
                <div role="status" className="space-y-3">
                  <span className="sr-only">{checked.ok ? "Calculating…" : "Enter an amount to see your real yield."}</span>
                  {checked.ok ? (
                    <>
                      <div aria-hidden="true" className="h-16 animate-pulse rounded-md bg-raised" />
                      <div aria-hidden="true" className="h-40 animate-pulse rounded-md bg-raised" />
                    </>
                  ) : (
                    <p className="text-sm text-secondary">Enter an amount to see your real yield.</p>
                  )}
                </div>
              )
            )}
          </section>
        </div>

        <aside className="flex flex-col items-start gap-3 rounded-xl border border-subtle bg-surface p-5 sm:flex-row sm:items-center sm:justify-between">
          {signedIn ? (
            <>
              <p className="text-secondary">You are signed in — your positions' real yield is on your dashboard.</p>
              <a href="/dashboard" className="flex min-h-11 shrink-0 items-center justify-center rounded-md bg-brand px-4 py-2 text-center font-semibold text-on-brand">
                Go to your dashboard
              </a>
            </>
          ) : (
            <>
              <p className="text-secondary">Track the real yield of every position you hold, across chains.</p>
              <a href="/signin" className="flex min-h-11 shrink-0 items-center justify-center rounded-md bg-brand px-4 py-2 text-center font-semibold text-on-brand">
                Connect your wallet for your personal portfolio
              </a>
            </>
          )}
        </aside>

        <footer className="space-y-1 text-xs text-muted">
          <p>
            <strong className="text-secondary">Not financial advice.</strong> Figures are estimates from current chain data; rates change and past
            rewards do not guarantee future ones.
          </p>
        </footer>
      </main>

      <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 flex justify-center px-4">
        {toast && <p className="rounded-md bg-raised px-4 py-2 text-sm text-primary shadow-lg ring-1 ring-subtle">{toast}</p>}
      </div>
    </div>
  );
}

function Outcome({ result, currency, stale, validatorLabel }: { result: Result; currency: Currency; stale: boolean; validatorLabel?: string }) {
  const chain = result.chain as ChainId;
  const y = result.yearly;
  const rows: { key: string; name: string; rate: string; amount: Amount; sign: "" | "−" }[] = [
    { key: "nominal", name: "Nominal APY", rate: formatRate(result.nominalApy), amount: y.nominal, sign: "" },
    { key: "inflation", name: "Inflation", rate: formatRate(result.inflationRate), amount: y.inflation, sign: "−" },
    { key: "fee", name: "Validator fee", rate: formatRate(result.validatorFee), amount: y.validatorFee, sign: "−" },
    { key: "slashing", name: "Slashing risk", rate: formatRate(result.slashingRisk, { digits: 2 }), amount: y.slashingRisk, sign: "−" },
  ];
  const subject = result.validatorId ? (validatorLabel ?? result.validatorId) : "Network average";
  const fiatMissing = !y.real.fiat?.[currency];

  return (
    <div className="space-y-5">
      <p className="text-sm text-secondary">
        {formatAmount(result.amount.display, chain)} · <span data-testid="subject">{subject}</span>
        {!result.earning && <span className="text-warning"> · earns no rewards in its current state</span>}
      </p>
      <RealYieldBar variant="calculator" parts={result} label={subject} />

      <table className="w-full text-xs sm:text-sm">
        <caption className="sr-only">Real yield per year, by part</caption>
        <thead>
          <tr className="border-b border-subtle text-left text-xs text-secondary">
            <th scope="col" className="py-2 font-medium">
              Part
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">
              Rate
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">
              Per year
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">
              {currency.toUpperCase()}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-part={r.key} className="border-b border-subtle">
              <th scope="row" className="py-2 text-left font-normal text-secondary">
                {r.sign && <span aria-hidden="true">{r.sign} </span>}
                {r.name}
              </th>
              <td className="num py-2 pl-3 text-right">{r.rate}</td>
              <td className="num py-2 pl-3 text-right">{formatAmount(r.amount.display, chain)}</td>
              <td className="num py-2 pl-3 text-right">{formatFiat(r.amount.fiat?.[currency], currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-part="real" className="font-semibold">
            <th scope="row" className="py-2 text-left">
              Real yield
            </th>
            <td className={`num py-2 pl-3 text-right ${Number(result.realYield) < 0 ? "text-negative" : "text-positive"}`}>{formatRate(result.realYield, { signed: true })}</td>
            <td className="num py-2 pl-3 text-right">{formatAmount(y.real.display, chain)}</td>
            <td className="num py-2 pl-3 text-right">{formatFiat(y.real.fiat?.[currency], currency)}</td>
          </tr>
        </tfoot>
      </table>
      {fiatMissing && <p className="text-xs text-muted">No {currency.toUpperCase()} price is known for {CHAIN_SYMBOL[chain]} right now.</p>}

      {(result.confidence === "fallback" || stale) && (
        <p role="note" className="rounded-md border border-info px-3 py-2 text-sm text-info">
          {result.confidence === "fallback"
            ? `Some inputs use a last known value or a default (${result.fallbackInputs.join(", ") || "chain data"}); the result is an estimate.`
            : "The chain data is older than usual; the result may be out of date."}
        </p>
      )}
      <p className="text-xs text-muted">
        Data as of <time dateTime={result.fetchedAt}>{formatDateTime(result.fetchedAt)}</time> ({relativeTime(result.fetchedAt)}).
      </p>
    </div>
  );
}
