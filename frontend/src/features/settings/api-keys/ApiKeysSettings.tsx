// Placeholder (issue 17): the account-settings helper builds this screen.
export function ApiKeysSettings() {
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <h1 className="text-2xl font-semibold">API keys</h1>
    </div>
  );
}
