// /auth/verify?token=…: trade the emailed token for a session, then go on to the dashboard
// (or `?next=`). The token is used once, so the trade runs once per page load.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { ApiError, api, unwrap } from "../../api/client";
import { ME_KEY } from "../../app/session";
import { safeNext } from "../../wallets/flow";

export function VerifyEmailPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(location.search).get("token");
    if (!token) {
      setError("This sign-in link is incomplete. Request a new one.");
      return;
    }
    void (async () => {
      try {
        await unwrap(api.POST("/api/auth/email/verify", { body: { token } }));
        await client.invalidateQueries({ queryKey: ME_KEY });
        await navigate(safeNext(location.search), { replace: true });
      } catch (e) {
        if (e instanceof ApiError && (e.code === "INVALID_TOKEN" || e.code === "TOKEN_REUSED"))
          setError("This sign-in link has expired or was already used. Request a new one.");
        else if (e instanceof ApiError && e.status === 429) setError("Too many attempts. Wait a while and try again.");
        else setError("Could not sign you in. Try the link again or request a new one.");
      }
    })();
  }, [client, location.search, navigate]);

  return (
    <main className="mx-auto min-h-dvh max-w-xl space-y-4 px-4 py-16">
      {error ? (
        <>
          <h1 className="text-2xl font-bold text-primary">Sign-in link not accepted</h1>
          <p role="alert" className="text-secondary">
            {error}
          </p>
          <Link className="inline-flex min-h-11 items-center text-brand underline underline-offset-2" to="/signin">
            Back to sign-in
          </Link>
        </>
      ) : (
        <>
          <h1 className="text-2xl font-bold text-primary">Signing you in…</h1>
          <p role="status" className="text-secondary">
            Checking your sign-in link.
          </p>
        </>
      )}
    </main>
  );
}
