import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { makeQueryClient } from "./query";
import { useMe } from "./session";
import { Shell } from "./Shell";
import { PageSkeleton } from "../components/Skeleton";
import { RouteError } from "../components/ErrorBoundary";

// Route modules load on demand: the wallet stack only on /signin, the dashboard after it.
const SignInPage = lazy(() => import("../features/signin/SignInPage").then((m) => ({ default: m.SignInPage })));
const VerifyEmailPage = lazy(() => import("../features/signin/VerifyEmailPage").then((m) => ({ default: m.VerifyEmailPage })));
const DashboardPage = lazy(() => import("../features/dashboard/DashboardPage").then((m) => ({ default: m.DashboardPage })));

/** `/`: the dashboard when signed in, else the sign-in page. */
function Home() {
  const me = useMe();
  if (me.isPending) return <PageSkeleton />;
  return <Navigate to={me.data ? "/dashboard" : "/signin"} replace />;
}

/** Pages that need a session send signed-out visitors to /signin (and back after). */
function RequireSession({ children }: { children: React.ReactNode }) {
  const me = useMe();
  if (me.isPending) return <PageSkeleton />;
  if (!me.data) {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return <>{children}</>;
}

const router = createBrowserRouter([
  { path: "/", element: <Home />, errorElement: <RouteError /> },
  {
    path: "/signin",
    element: (
      <Suspense fallback={<PageSkeleton />}>
        <SignInPage />
      </Suspense>
    ),
    errorElement: <RouteError />,
  },
  {
    path: "/auth/verify",
    element: (
      <Suspense fallback={<PageSkeleton />}>
        <VerifyEmailPage />
      </Suspense>
    ),
    errorElement: <RouteError />,
  },
  {
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      {
        path: "/dashboard",
        element: (
          <Suspense fallback={<PageSkeleton />}>
            <DashboardPage />
          </Suspense>
        ),
      },
    ],
  },
  { path: "*", element: <Navigate to="/" replace /> },
]);

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
