// Placeholder (issue 17): the validators helper builds this screen.
export function ValidatorsPage() {
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <h1 className="text-2xl font-semibold">Validators</h1>
    </div>
  );
}
