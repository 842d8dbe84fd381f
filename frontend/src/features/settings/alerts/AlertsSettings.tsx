// Placeholder (issue 17): the alerts helper builds this screen.
export function AlertsSettings() {
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <h1 className="text-2xl font-semibold">Alerts</h1>
    </div>
  );
}
