// Settings: a section list beside the content on desktop, a scrollable row of tabs above
// it on tablet and phone. Each section is its own lazy route.
import { Suspense, useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { PageSkeleton } from "../../components/Skeleton";
import { useMe } from "../../app/session";

export const SETTINGS_SECTIONS = [
  { to: "/settings/wallets", label: "Wallets" },
  { to: "/settings/email", label: "Email" },
  { to: "/settings/alerts", label: "Alerts" },
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/subscription", label: "Subscription" },
  { to: "/settings/account", label: "Delete account" },
] as const;

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg px-3 text-sm font-medium ${
    isActive ? "bg-raised text-primary" : "text-secondary hover:bg-raised hover:text-primary"
  }`;

export function SettingsLayout() {
  const me = useMe();
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // on phones the tabs scroll sideways: keep the current section's tab in view
  useEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>('[aria-current="page"]');
    current?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [pathname]);
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 p-4 md:p-6 lg:flex-row lg:gap-8">
      <div className="lg:w-52 lg:shrink-0">
        <h1 className="mb-3 text-2xl font-semibold">Settings</h1>
        <nav ref={nav} aria-label="Settings" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1 lg:flex-col lg:overflow-visible">
          {SETTINGS_SECTIONS.map((section) => (
            <NavLink key={section.to} to={section.to} className={linkClass}>
              {section.label}
            </NavLink>
          ))}
          {me.data?.isAdmin && (
            <NavLink to="/admin" className={linkClass}>
              Admin console
            </NavLink>
          )}
        </nav>
      </div>
      <div className="min-w-0 flex-1">
        <Suspense fallback={<PageSkeleton />}>
          <Outlet />
        </Suspense>
      </div>
    </div>
  );
}
