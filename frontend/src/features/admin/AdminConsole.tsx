// The admin console (story 6.4) at /admin/*: users and their tiers, the audit log, the
// tier limits, the VRS and yield configs, the API's last errors — each a section with its
// own route. Shown only to admins; the server checks every call anyway (a 403 from it
// shows the same refusal).
import { NavLink, Navigate, Route, Routes } from "react-router";
import { PageSkeleton } from "../../components/Skeleton";
import { useMe } from "../../app/session";
import { AuditSection } from "./AuditSection";
import { ConfigSection } from "./ConfigSection";
import { ErrorsSection } from "./ErrorsSection";
import { LimitsSection } from "./LimitsSection";
import { UsersSection } from "./UsersSection";
import { NotAllowed } from "./ui";

export const ADMIN_SECTIONS = [
  { to: "/admin/users", label: "Users" },
  { to: "/admin/audit", label: "Audit log" },
  { to: "/admin/limits", label: "Tier limits" },
  { to: "/admin/config", label: "VRS & yield config" },
  { to: "/admin/errors", label: "Last errors" },
] as const;

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg px-3 text-sm font-medium ${
    isActive ? "bg-raised text-primary" : "text-secondary hover:bg-raised hover:text-primary"
  }`;

export function AdminConsole() {
  const me = useMe();
  if (me.isPending) return <PageSkeleton />;
  if (!me.data?.isAdmin) return <NotAllowed />;
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-4 p-4 md:p-6 lg:flex-row lg:gap-8">
      <div className="lg:w-52 lg:shrink-0">
        <h1 className="mb-3 text-2xl font-semibold">Admin console</h1>
        <nav aria-label="Admin" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1 lg:flex-col lg:overflow-visible">
          {ADMIN_SECTIONS.map((section) => (
            <NavLink key={section.to} to={section.to} className={linkClass}>
              {section.label}
            </NavLink>
          ))}
        </nav>
      </div>
      <div className="min-w-0 flex-1">
        <Routes>
          <Route index element={<Navigate to="/admin/users" replace />} />
          <Route path="users" element={<UsersSection />} />
          {/* the story's address for the subscription list */}
          <Route path="subscriptions" element={<Navigate to="/admin/users?pro=1" replace />} />
          <Route path="audit" element={<AuditSection />} />
          <Route path="limits" element={<LimitsSection />} />
          <Route path="config" element={<ConfigSection />} />
          <Route path="errors" element={<ErrorsSection />} />
          <Route path="*" element={<Navigate to="/admin/users" replace />} />
        </Routes>
      </div>
    </div>
  );
}
