// Render a settings section as the app does: a fresh QueryClient and a router.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";

export function renderSection(section: ReactNode, path = "/settings/x", extraRoutes: ReactNode = null) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={path} element={section} />
          {extraRoutes}
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...view, client };
}

export const ME = {
  id: "0b8c0b1e-0000-4000-8000-000000000001",
  tier: "free",
  email: null as string | null,
  emailVerified: false,
  primaryLogin: "wallet",
  isAdmin: false,
  createdAt: "2026-12-01T10:00:00Z",
};

export const envelope = (data: unknown) => ({ data, meta: {} });
export const apiError = (code: string, error: string, details: Record<string, unknown> = {}) => ({ code, error, details });
