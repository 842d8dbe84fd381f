// PLACEHOLDER (owned by the dashboard/shell slice): sidebar / top bar / bottom nav.
import { Outlet } from "react-router";
import { ErrorBoundary } from "../components/ErrorBoundary";

export function Shell() {
  return (
    <main className="min-h-dvh">
      <ErrorBoundary>
        <Outlet />
      </ErrorBoundary>
    </main>
  );
}
