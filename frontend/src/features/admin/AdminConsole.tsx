// Placeholder (issue 17): the admin helper builds this screen.
export function AdminConsole() {
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <h1 className="text-2xl font-semibold">Admin console</h1>
    </div>
  );
}
