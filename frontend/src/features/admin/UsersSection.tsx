// Users: server-side search (wallet address, email or user id prefix; `?q=` in the URL),
// pages of 25 with "load more", and the tier change behind a confirmation with a reason.
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router";
import { Skeleton } from "../../components/Skeleton";
import { CHAIN_SYMBOL, formatDateTime, relativeTime } from "../../lib/format";
import { useDebounced } from "../../calculator/useDebounced";
import { isForbidden, useAdminUsers, type AdminUser } from "./api";
import { shortId, TIER_LABEL } from "./logic";
import { TierChangeDialog } from "./TierChangeDialog";
import { ErrorNote, inputClass, LoadMore, NotAllowed, SectionHeader } from "./ui";

function signInMethod(user: AdminUser): string {
  const parts: string[] = [];
  if (user.walletChains.length > 0) parts.push(`Wallet (${user.walletChains.map((c) => CHAIN_SYMBOL[c]).join(", ")})`);
  if (user.email) parts.push(user.emailVerified ? "Email" : "Email (unverified)");
  return parts.length > 0 ? parts.join(" · ") : "—";
}

function dateOnly(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(iso));
}

function TierCell({ user }: { user: AdminUser }) {
  const sub = user.subscription;
  return (
    <span className="flex flex-wrap items-center gap-1">
      <span
        className={`rounded-full border px-2 py-0.5 text-xs font-semibold ${user.tier === "pro" ? "border-brand text-brand" : "border-subtle text-secondary"}`}
      >
        {TIER_LABEL[user.tier]}
      </span>
      {user.role === "admin" && <span className="rounded-full border border-subtle px-2 py-0.5 text-xs text-secondary">Admin</span>}
      {sub?.tier === "pro" && sub.expiresAt && (
        <span className="text-xs text-secondary">
          {user.tier === "pro" ? "until" : "expired"} {dateOnly(sub.expiresAt)}
        </span>
      )}
    </span>
  );
}

function UserLabel({ user }: { user: AdminUser }) {
  return (
    <span className="min-w-0">
      <span className="num block font-medium" title={user.id}>
        {shortId(user.id)}
      </span>
      {user.email && <span className="block truncate text-xs text-secondary">{user.email}</span>}
    </span>
  );
}

function ChangeButton({ user, onChange }: { user: AdminUser; onChange: (u: AdminUser) => void }) {
  return (
    <button
      type="button"
      onClick={() => onChange(user)}
      aria-label={`Change tier of user ${shortId(user.id)}`}
      className="min-h-11 rounded-lg border border-subtle px-3 text-sm font-medium whitespace-nowrap hover:bg-raised"
    >
      Change tier
    </button>
  );
}

export function UsersSection() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const q = useDebounced(text.trim(), 300);
  const proOnly = params.get("pro") === "1";
  const searchId = useId();
  const users = useAdminUsers(q, proOnly);
  const [changing, setChanging] = useState<AdminUser | null>(null);
  const [done, setDone] = useState<string | null>(null);

  // the search and the filter live in the URL (shareable, kept on reload)
  useEffect(() => {
    if ((params.get("q") ?? "") !== q) setParams(q ? { q } : {}, { replace: true });
  }, [q, params, setParams]);

  if (isForbidden(users.error)) return <NotAllowed />;
  const rows = users.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section className="flex flex-col gap-4" aria-labelledby="admin-users-title">
      <div id="admin-users-title">
        <SectionHeader title="Users">Newest first. A tier change is effective on the user's next request and is written to the audit log.</SectionHeader>
      </div>
      <form
        role="search"
        className="flex flex-col gap-1 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <label htmlFor={searchId} className="font-medium">
          Search users
        </label>
        <input
          id={searchId}
          type="search"
          value={text}
          maxLength={320}
          onChange={(event) => setText(event.target.value)}
          placeholder="Wallet address, email or user id"
          disabled={proOnly}
          className={`${inputClass} w-full md:max-w-md`}
        />
        <span className="text-xs text-secondary">Wallet address (full or its start), email (its start, any case) or the start of a user id.</span>
        <label className="mt-1 flex min-h-11 items-center gap-2">
          <input
            type="checkbox"
            className="h-5 w-5"
            checked={proOnly}
            onChange={(event) => {
              setText("");
              setParams(event.target.checked ? { pro: "1" } : {}, { replace: true });
            }}
          />
          <span>Only users with a pro subscription (expired ones too; no search)</span>
        </label>
      </form>
      <p role="status" aria-live="polite" className={done ? "rounded-lg border border-positive/60 bg-surface px-3 py-2 text-sm text-positive" : "sr-only"}>
        {done}
      </p>

      <ErrorNote error={users.error} action={<button type="button" className="text-brand underline" onClick={() => void users.refetch()}>Retry</button>} />

      {users.isPending ? (
        <div role="status" aria-label="Loading users" className="flex flex-col gap-2">
          <Skeleton className="h-12" />
          <Skeleton className="h-12" />
          <Skeleton className="h-12" />
        </div>
      ) : rows.length === 0 && !users.error ? (
        <p className="rounded-lg border border-dashed border-subtle bg-surface px-4 py-6 text-center text-sm text-secondary">
          {proOnly ? "No user has a pro subscription." : q ? `No user matches “${q}”.` : "No users yet."}
        </p>
      ) : (
        <>
          {/* tablet and desktop: a table */}
          <div className="hidden overflow-x-auto rounded-xl border border-subtle bg-surface md:block">
            <table className="w-full text-sm" aria-label="Users">
              <thead className="text-left text-xs text-secondary">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">User</th>
                  <th scope="col" className="px-3 py-2 font-medium">Sign-in</th>
                  <th scope="col" className="px-3 py-2 font-medium">Tier</th>
                  <th scope="col" className="px-3 py-2 font-medium">Registered</th>
                  <th scope="col" className="hidden px-3 py-2 font-medium lg:table-cell">Last seen</th>
                  <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {rows.map((user) => (
                  <tr key={user.id} data-testid="user-row" className="border-t border-subtle">
                    <td className="max-w-56 px-3 py-2"><UserLabel user={user} /></td>
                    <td className="px-3 py-2 text-secondary">{signInMethod(user)}</td>
                    <td className="px-3 py-2"><TierCell user={user} /></td>
                    <td className="px-3 py-2 whitespace-nowrap text-secondary" title={formatDateTime(user.createdAt)}>{dateOnly(user.createdAt)}</td>
                    <td className="hidden px-3 py-2 whitespace-nowrap text-secondary lg:table-cell">{relativeTime(user.lastSeenAt)}</td>
                    <td className="px-3 py-2 text-right"><ChangeButton user={user} onChange={setChanging} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {/* phone: cards */}
          <ul className="flex flex-col gap-2 md:hidden" aria-label="Users">
            {rows.map((user) => (
              <li key={user.id} data-testid="user-card" className="flex flex-col gap-2 rounded-xl border border-subtle bg-surface p-3 text-sm">
                <div className="flex items-start justify-between gap-2">
                  <UserLabel user={user} />
                  <TierCell user={user} />
                </div>
                <div className="text-xs text-secondary">
                  {signInMethod(user)} · registered {dateOnly(user.createdAt)}
                </div>
                <ChangeButton user={user} onChange={setChanging} />
              </li>
            ))}
          </ul>
          <LoadMore
            hasMore={users.hasNextPage}
            loading={users.isFetchingNextPage}
            onMore={() => void users.fetchNextPage()}
            label="Load more users"
          />
        </>
      )}
      <TierChangeDialog
        user={changing}
        onClose={() => setChanging(null)}
        onDone={(message) => {
          setDone(message);
          setChanging(null);
        }}
      />
    </section>
  );
}
