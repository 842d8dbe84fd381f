// The signed-in frame: a sidebar on desktop (≥ 1024 px; 64 px collapsed / 240 px open,
// remembered), a top bar on tablet and phone, and a bottom navigation on phone (< 768 px).
// Validators and Settings are part 2: shown as "soon" (not links) so the layout is final.
import { Suspense } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { PageSkeleton } from "../components/Skeleton";
import { Icon, type IconName } from "../components/Icon";
import { ThemeToggle } from "../components/ThemeToggle";
import { useStoredChoice } from "../lib/dashboard-storage";
import { useSignOut } from "./session";

type NavItem = { label: string; icon: IconName; to?: string; href?: string };
const NAV: NavItem[] = [
  { label: "Dashboard", icon: "dashboard", to: "/dashboard" },
  { label: "Calculator", icon: "calculator", href: "/calculator" },
  { label: "Validators", icon: "validators" },
  { label: "Settings", icon: "settings" },
];

const itemClass = (active: boolean, open: boolean) =>
  `flex min-h-11 items-center gap-3 rounded-lg px-3 text-sm font-medium ${open ? "" : "justify-center"} ${
    active ? "bg-raised text-primary" : "text-secondary hover:bg-raised hover:text-primary"
  }`;

function NavEntry({ item, open }: { item: NavItem; open: boolean }) {
  const icon = <Icon name={item.icon} className="h-5 w-5 shrink-0" />;
  const text = open ? <span>{item.label}</span> : <span className="sr-only">{item.label}</span>;
  if (item.to) {
    return (
      <NavLink to={item.to} className={({ isActive }) => itemClass(isActive, open)} title={open ? undefined : item.label}>
        {icon}
        {text}
      </NavLink>
    );
  }
  if (item.href) {
    return (
      <a href={item.href} className={itemClass(false, open)} title={open ? undefined : item.label}>
        {icon}
        {text}
      </a>
    );
  }
  return (
    <span aria-disabled="true" className={`flex min-h-11 cursor-not-allowed items-center gap-3 whitespace-nowrap rounded-lg px-3 text-sm font-medium text-muted ${open ? "" : "justify-center"}`} title={`${item.label} (soon)`}>
      {icon}
      {open ? (
        <span className="whitespace-nowrap">
          {item.label} <span className="text-xs">soon</span>
        </span>
      ) : (
        <span className="sr-only">{item.label} (soon)</span>
      )}
    </span>
  );
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
        <div className={`mb-4 flex items-center ${open ? "justify-between" : "justify-center"}`}>
          <Brand full={open} />
        </div>
        <nav aria-label="Main" className="flex flex-1 flex-col gap-1">
          {NAV.map((item) => (
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
        <Brand full />
        <nav aria-label="Main" className="hidden flex-1 items-center justify-center gap-1 md:flex">
          {NAV.filter((item) => item.to || item.href).map((item) => (
            <NavEntry key={item.label} item={item} open />
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

      {/* phone bottom navigation */}
      <nav aria-label="Bottom" className="fixed inset-x-0 bottom-0 z-20 grid grid-cols-4 border-t border-subtle bg-surface md:hidden">
        {NAV.map((item) => {
          const body = (
            <>
              <Icon name={item.icon} />
              <span className="text-xs">
                {item.label}
                {!item.to && !item.href && <span className="sr-only"> (soon)</span>}
              </span>
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
          return (
            <span key={item.label} aria-disabled="true" title={`${item.label} (soon)`} className={`${base} text-muted`}>
              {body}
            </span>
          );
        })}
      </nav>
    </div>
  );
}
