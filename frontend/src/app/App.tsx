import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from "react-router";
import { makeQueryClient } from "./query";
import { useMe } from "./session";
import { Shell } from "./Shell";
import { PageSkeleton } from "../components/Skeleton";
import { RouteError } from "../components/ErrorBoundary";

// Route modules load on demand: the wallet stack only on /signin, the dashboard after it.
const SignInPage = lazy(() => import("../features/signin/SignInPage").then((m) => ({ default: m.SignInPage })));
const VerifyEmailPage = lazy(() => import("../features/signin/VerifyEmailPage").then((m) => ({ default: m.VerifyEmailPage })));
const DashboardPage = lazy(() => import("../features/dashboard/DashboardPage").then((m) => ({ default: m.DashboardPage })));
const ValidatorsPage = lazy(() => import("../features/validators/ValidatorsPage").then((m) => ({ default: m.ValidatorsPage })));
const RewardsPage = lazy(() => import("../features/rewards/RewardsPage").then((m) => ({ default: m.RewardsPage })));
const SettingsLayout = lazy(() => import("../features/settings/SettingsLayout").then((m) => ({ default: m.SettingsLayout })));
const WalletsSettings = lazy(() => import("../features/settings/wallets/WalletsSettings").then((m) => ({ default: m.WalletsSettings })));
const EmailSettings = lazy(() => import("../features/settings/email/EmailSettings").then((m) => ({ default: m.EmailSettings })));
const AlertsSettings = lazy(() => import("../features/settings/alerts/AlertsSettings").then((m) => ({ default: m.AlertsSettings })));
const ApiKeysSettings = lazy(() => import("../features/settings/api-keys/ApiKeysSettings").then((m) => ({ default: m.ApiKeysSettings })));
const SubscriptionPage = lazy(() => import("../features/subscription/SubscriptionPage").then((m) => ({ default: m.SubscriptionPage })));
const DeleteAccountSettings = lazy(() =>
  import("../features/settings/account/DeleteAccountSettings").then((m) => ({ default: m.DeleteAccountSettings })),
);
const AdminConsole = lazy(() => import("../features/admin/AdminConsole").then((m) => ({ default: m.AdminConsole })));

/** A lazy page with the page skeleton while its chunk loads. */
function page(Page: React.ComponentType) {
  return (
    <Suspense fallback={<PageSkeleton />}>
      <Page />
    </Suspense>
  );
}

/** `/`: the dashboard when signed in, else the sign-in page. */
/** `/` goes to the dashboard (or sign-in, and back there after); a shared link's query
 *  (`/?validator=…`) comes along. */
function Home() {
  const me = useMe();
  const { search } = useLocation();
  if (me.isPending) return <PageSkeleton />;
  if (me.data) return <Navigate to={`/dashboard${search}`} replace />;
  const next = search ? `?next=${encodeURIComponent(`/dashboard${search}`)}` : "";
  return <Navigate to={`/signin${next}`} replace />;
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
      { path: "/dashboard", element: page(DashboardPage) },
      { path: "/validators", element: page(ValidatorsPage) },
      { path: "/rewards", element: page(RewardsPage) },
      {
        path: "/settings",
        element: page(SettingsLayout),
        children: [
          { index: true, element: <Navigate to="/settings/wallets" replace /> },
          { path: "wallets", element: page(WalletsSettings) },
          { path: "email", element: page(EmailSettings) },
          { path: "alerts", element: page(AlertsSettings) },
          { path: "api-keys", element: page(ApiKeysSettings) },
          { path: "subscription", element: page(SubscriptionPage) },
          { path: "account", element: page(DeleteAccountSettings) },
        ],
      },
      // The admin console routes inside itself; the server checks every admin call.
      { path: "/admin/*", element: page(AdminConsole) },
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
