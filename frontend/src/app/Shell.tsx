// The signed-in frame: a sidebar on desktop (≥ 1024 px; 64 px collapsed / 240 px open,
// remembered), a top bar on tablet and phone, and a bottom navigation on phone (< 768 px).
// Admins get an Admin entry (the server checks every admin call). The validator detail
// panel opens over any page from `?validator=` in the URL.
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigate, useSearchParams } from "react-router";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { PageSkeleton } from "../components/Skeleton";
import { Icon, type IconName } from "../components/Icon";
import { ThemeToggle } from "../components/ThemeToggle";
import { useStoredChoice } from "../lib/dashboard-storage";
import { VALIDATOR_PARAM } from "../features/validator-detail/link";
import { ME_KEY, useMe, useSignOut } from "./session";

const ValidatorDetailHost = lazy(() =>
  import("../features/validator-detail/ValidatorDetailHost").then((m) => ({ default: m.ValidatorDetailHost })),
);

type NavItem = { label: string; icon: IconName; to?: string; href?: string };
const NAV: NavItem[] = [
  { label: "Dashboard", icon: "dashboard", to: "/dashboard" },
  { label: "Validators", icon: "validators", to: "/validators" },
  { label: "Rewards", icon: "rewards", to: "/rewards" },
  { label: "Calculator", icon: "calculator", href: "/calculator" },
  { label: "Settings", icon: "settings", to: "/settings" },
];
const ADMIN_NAV: NavItem = { label: "Admin", icon: "admin", to: "/admin" };

/** The navigation for this user: Admin only for admins (the server decides who is one). */
function useNav(): NavItem[] {
  const me = useMe();
  return me.data?.isAdmin ? [...NAV, ADMIN_NAV] : NAV;
}

/** After an admin changes the tier, the app shows it on the next navigation without a
 *  reload: /api/me is read again on every route change, and when the tier changed every
 *  cached read (locked factors, limits, history windows) is fetched again. */
function useFreshTier(): void {
  const client = useQueryClient();
  const { pathname } = useLocation();
  const me = useMe();
  const tier = me.data?.tier;
  const seen = useRef(tier);
  useEffect(() => {
    void client.invalidateQueries({ queryKey: ME_KEY });
  }, [client, pathname]);
  useEffect(() => {
    if (seen.current !== undefined && tier !== undefined && seen.current !== tier) {
      void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
    }
    seen.current = tier;
  }, [client, tier]);
}

/** "Pro" next to the brand for pro users (the tier comes from the server's record). */
function ProBadge() {
  const me = useMe();
  if (me.data?.tier !== "pro") return null;
  return (
    <span className="rounded-full border border-brand px-2 py-0.5 text-xs font-semibold text-brand" title="StakeTrack Pro">
      Pro
    </span>
  );
}

function DetailPanelSlot() {
  const [params] = useSearchParams();
  if (!params.get(VALIDATOR_PARAM)) return null;
  return (
    <ErrorBoundary>
      <Suspense fallback={null}>
        <ValidatorDetailHost />
      </Suspense>
    </ErrorBoundary>
  );
}

const itemClass = (active: boolean, open: boolean) =>
  `flex min-h-11 items-center gap-3 rounded-lg px-3 text-sm font-medium ${open ? "" : "justify-center"} ${
    active ? "bg-raised text-primary" : "text-secondary hover:bg-raised hover:text-primary"
  }`;

/** Tablet top bar: the icon over a small label, so six entries fit in 768 px. */
const compactClass = (active: boolean) =>
  `flex min-h-11 min-w-14 flex-col items-center justify-center gap-0.5 rounded-lg px-2 py-1 text-xs font-medium ${
    active ? "bg-raised text-primary" : "text-secondary hover:bg-raised hover:text-primary"
  }`;

function NavEntry({ item, open, compact = false }: { item: NavItem; open: boolean; compact?: boolean }) {
  const icon = <Icon name={item.icon} className="h-5 w-5 shrink-0" />;
  const text = open ? <span>{item.label}</span> : <span className="sr-only">{item.label}</span>;
  const classFor = (active: boolean) => (compact ? compactClass(active) : itemClass(active, open));
  if (item.to) {
    return (
      <NavLink to={item.to} className={({ isActive }) => classFor(isActive)} title={open ? undefined : item.label}>
        {icon}
        {text}
      </NavLink>
    );
  }
  if (item.href) {
    return (
      <a href={item.href} className={classFor(false)} title={open ? undefined : item.label}>
        {icon}
        {text}
      </a>
    );
  }
  return null;
}

function SignOutButton({ showLabel }: { showLabel: boolean }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <button
      type="button"
      aria-label="Sign out"
      onClick={() => {
        void signOut().then(() => navigate("/signin", { replace: true }));
      }}
      className={`flex min-h-11 min-w-11 items-center gap-3 rounded-lg px-3 text-sm text-secondary hover:bg-raised hover:text-primary ${showLabel ? "" : "justify-center"}`}
    >
      <Icon name="signout" />
      {showLabel && <span>Sign out</span>}
    </button>
  );
}

function Brand({ full }: { full: boolean }) {
  return (
    <span className="flex items-center gap-2 font-semibold">
      <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-lg bg-brand text-on-brand">
        S
      </span>
      {full ? <span>StakeTrack</span> : <span className="sr-only">StakeTrack</span>}
    </span>
  );
}

export function Shell() {
  useFreshTier();
  const nav = useNav();
  const [sidebar, setSidebar] = useStoredChoice("st-sidebar", ["open", "collapsed"] as const, "open");
  const open = sidebar === "open";
  return (
    <div className="min-h-dvh bg-base text-primary lg:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:p-2">
        Skip to content
      </a>
      {/* desktop sidebar */}
      <aside
        className={`hidden shrink-0 border-r border-subtle bg-surface transition-[width] lg:block ${open ? "w-60" : "w-16"}`}
        aria-label="Sidebar"
      >
        <div className="sticky top-0 flex h-dvh flex-col p-3">
        <div className={`mb-4 flex items-center ${open ? "justify-between" : "flex-col gap-2"}`}>
          <Brand full={open} />
          <ProBadge />
        </div>
        <nav aria-label="Main" className="flex flex-1 flex-col gap-1">
          {nav.map((item) => (
            <NavEntry key={item.label} item={item} open={open} />
          ))}
        </nav>
        <div className="flex flex-col gap-1 border-t border-subtle pt-3">
          <ThemeToggle showLabel={open} />
          <SignOutButton showLabel={open} />
          <button
            type="button"
            onClick={() => setSidebar(open ? "collapsed" : "open")}
            aria-expanded={open}
            aria-label={open ? "Collapse sidebar" : "Expand sidebar"}
            className="flex min-h-11 items-center justify-center rounded-lg text-secondary hover:bg-raised hover:text-primary"
          >
            <Icon name={open ? "chevronsLeft" : "chevronsRight"} />
          </button>
        </div>
        </div>
      </aside>

      {/* tablet + phone top bar */}
      <header className="sticky top-0 z-20 flex items-center justify-between gap-2 border-b border-subtle bg-surface px-3 py-1 lg:hidden">
        <span className="flex items-center gap-2">
          <Brand full />
          <ProBadge />
        </span>
        <nav aria-label="Main" className="hidden flex-1 items-center justify-center gap-1 md:flex">
          {nav.map((item) => (
            <NavEntry key={item.label} item={item} open compact />
          ))}
        </nav>
        <div className="flex items-center gap-1">
          <ThemeToggle />
          <SignOutButton showLabel={false} />
        </div>
      </header>

      <main id="main" className="min-w-0 flex-1 pb-20 md:pb-0">
        <ErrorBoundary>
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
      <DetailPanelSlot />

      {/* phone bottom navigation */}
      <nav
        aria-label="Bottom"
        className={`fixed inset-x-0 bottom-0 z-20 grid border-t border-subtle bg-surface md:hidden ${nav.length > 5 ? "grid-cols-6" : "grid-cols-5"}`}
      >
        {nav.map((item) => {
          const body = (
            <>
              <Icon name={item.icon} />
              <span className="text-xs">{item.label}</span>
            </>
          );
          const base = "flex min-h-14 flex-col items-center justify-center gap-1";
          if (item.to)
            return (
              <NavLink key={item.label} to={item.to} className={({ isActive }) => `${base} ${isActive ? "text-brand" : "text-secondary"}`}>
                {body}
              </NavLink>
            );
          if (item.href)
            return (
              <a key={item.label} href={item.href} className={`${base} text-secondary`}>
                {body}
              </a>
            );
          return null;
        })}
      </nav>
    </div>
  );
}
