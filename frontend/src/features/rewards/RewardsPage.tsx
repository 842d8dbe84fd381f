// Placeholder (issue 17): the rewards helper builds this screen.
export function RewardsPage() {
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <h1 className="text-2xl font-semibold">Rewards</h1>
    </div>
  );
}
