// /signin: Ethereum (wagmi + RainbowKit), Solana (Wallet Standard), Cosmos (Keplr) or an
// emailed link. This module is a lazy route chunk: the wallet stack loads only here.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useId, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { ApiError, api, unwrap } from "../../api/client";
import { ME_KEY, useMe } from "../../app/session";
import { PageSkeleton } from "../../components/Skeleton";
import { LinkWalletPanel } from "../link-wallet/LinkWalletPanel";
import { safeNext } from "../../wallets/flow";
import { WalletProviders } from "../../wallets/providers";
import { AtomAction, EthAction, PRIMARY, SolAction } from "../../wallets/WalletActions";
import { TurnstileWidget, useTurnstileSiteKey } from "./Turnstile";

export function SignInPage() {
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();

  const onSignedIn = useCallback(async () => {
    await client.invalidateQueries({ queryKey: ME_KEY });
    await navigate(safeNext(location.search), { replace: true });
  }, [client, navigate, location.search]);

  if (me.isPending) return <PageSkeleton />;
  // a notice handed over by the page that sent us here (e.g. "Your account was deleted.")
  const notice = (location.state as { message?: unknown } | null)?.message;

  return (
    <main className="mx-auto min-h-dvh max-w-3xl space-y-8 px-4 py-10">
      {typeof notice === "string" && (
        <p role="status" className="rounded-lg border border-subtle bg-raised px-3 py-2 text-sm text-primary">
          {notice}
        </p>
      )}
      <nav aria-label="StakeTrack" className="flex items-center justify-between">
        <a href="/" className="flex min-h-11 items-center gap-2 font-semibold text-primary">
          <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-lg bg-brand text-on-brand">
            S
          </span>
          StakeTrack <span className="text-brand">AI</span>
        </a>
        <a href="/calculator" className="flex min-h-11 items-center text-sm text-secondary underline-offset-2 hover:text-primary hover:underline">
          Real yield calculator
        </a>
      </nav>
      {me.data ? (
        <SignedIn />
      ) : (
        <>
          <header className="space-y-2">
            <h1 className="text-2xl font-bold text-primary">Sign in to StakeTrack AI</h1>
            <p className="text-secondary">
              Sign a message with your wallet — read-only access, no transaction and no gas. Or get a sign-in link by email.
            </p>
          </header>
          <WalletProviders>
            <div className="grid gap-4 md:grid-cols-3">
              <EthAction mode="signin" onSuccess={onSignedIn} />
              <SolAction mode="signin" onSuccess={onSignedIn} />
              <AtomAction mode="signin" onSuccess={onSignedIn} />
            </div>
          </WalletProviders>
          <EmailForm />
        </>
      )}
    </main>
  );
}

function SignedIn() {
  return (
    <>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold text-primary">You are signed in</h1>
        <p className="text-secondary">
          <Link className="text-brand underline underline-offset-2" to="/dashboard">
            Go to your dashboard
          </Link>{" "}
          or link another wallet to see all your staking in one place.
        </p>
      </header>
      <LinkWalletPanel chains={["eth", "sol", "atom"]} />
    </>
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function EmailForm() {
  const id = useId();
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  // Turnstile when the API is configured for it (GET /api/auth/options), else no captcha
  const siteKey = useTurnstileSiteKey().data ?? null;
  const [captcha, setCaptcha] = useState<string | null>(null);
  const [captchaRound, setCaptchaRound] = useState(0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL.test(value)) {
      setError("Enter a valid email address, like name@example.com.");
      return;
    }
    if (siteKey && !captcha) {
      setError("Complete the bot check first.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/auth/email", { body: { email: value, ...(captcha ? { turnstileToken: captcha } : {}) } }));
      setSent(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === "VALIDATION_ERROR") setError("Enter a valid email address, like name@example.com.");
      else if (e instanceof ApiError && e.status === 429) setError("Too many links requested. Wait a while and try again.");
      else if (e instanceof ApiError && e.code === "TURNSTILE_FAILED") setError("The bot check failed. Complete it again and resend.");
      else setError("Could not send the link. Try again.");
    } finally {
      setBusy(false);
      if (siteKey) setCaptchaRound((n) => n + 1); // a token works once
    }
  };

  if (sent) {
    return (
      <section aria-labelledby={`${id}-title`} className="space-y-2 rounded-xl border border-subtle bg-surface p-4">
        <h2 id={`${id}-title`} className="text-base font-semibold text-primary">
          Check your email
        </h2>
        <p role="status" className="text-sm text-secondary">
          If the address can sign in, a link is on its way to {email.trim()}. It works once and expires soon.
        </p>
        <button type="button" className="min-h-11 text-sm text-brand underline underline-offset-2" onClick={() => setSent(false)}>
          Use another address
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-xl border border-subtle bg-surface p-4">
      <h2 id={`${id}-title`} className="text-base font-semibold text-primary">
        Sign in with email
      </h2>
      <form noValidate onSubmit={(e) => void submit(e)} className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <div className="flex-1 space-y-1">
          <label htmlFor={`${id}-email`} className="block text-sm text-secondary">
            Email address
          </label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            inputMode="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            className="min-h-11 w-full rounded-lg border border-subtle bg-raised px-3 text-primary"
          />
          {error ? (
            <p id={`${id}-error`} role="alert" className="text-sm text-negative">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className={`${PRIMARY} sm:mt-6`} disabled={busy}>
          Email me a link
        </button>
      </form>
      {siteKey ? <TurnstileWidget siteKey={siteKey} onToken={setCaptcha} resetKey={captchaRound} /> : null}
    </section>
  );
}
