// PLACEHOLDER (owned by the sign-in slice): /auth/verify?token=… trades the emailed token.
export function VerifyEmailPage() {
  return <h1>Signing you in…</h1>;
}
