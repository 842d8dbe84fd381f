// PLACEHOLDER (owned by the sign-in slice).
export function SignInPage() {
  return <h1>Sign in</h1>;
}
