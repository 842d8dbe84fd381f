// PLACEHOLDER (owned by the dashboard slice).
export function DashboardPage() {
  return <h1>Dashboard</h1>;
}
