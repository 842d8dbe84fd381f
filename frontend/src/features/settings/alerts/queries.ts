// Server state of the alerts screen: my alerts (with the tier's limit), their history, the
// webhook, and the changes to them. Toggling is optimistic (story 5.3) and rolls back on error.
import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../../api/client";
import type { Alert } from "./rules";

export const ALERTS_KEY = ["alerts"] as const;
export const ALERT_HISTORY_KEY = ["alerts", "history"] as const;
export const WEBHOOK_KEY = ["webhook"] as const;

export type AlertsPage = Schemas["MetaEnvelope_list_AlertOut__AlertsMeta_"];
export type Webhook = Schemas["WebhookOut"];
export type NewWebhook = Schemas["NewWebhookOut"];

export function useAlerts() {
  return useQuery({ queryKey: ALERTS_KEY, queryFn: () => unwrap(api.GET("/api/alerts")) });
}

export function useAlertHistory() {
  return useInfiniteQuery({
    queryKey: ALERT_HISTORY_KEY,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/alerts/history", { params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.meta.nextCursor ?? null,
  });
}

/** The names of the validators single-validator alerts watch ("<chain>:<address>" → name);
 *  an unnamed or unreadable one is left out (the list then shows its short address). */
export function useValidatorNames(ids: string[]): Record<string, string> {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ["validators", "name", id],
      queryFn: async () => (await unwrap(api.GET("/api/validators/{validator_id}", { params: { path: { validator_id: id } } }))).data.name,
      staleTime: 60 * 60_000,
      retry: false,
    })),
  });
  const names: Record<string, string> = {};
  results.forEach((result, i) => {
    const name = result.data?.trim();
    if (name) names[unique[i]!] = name;
  });
  return names;
}

/** The webhook, or null when none is set (the API answers 404 then). */
export function useWebhook() {
  return useQuery({
    queryKey: WEBHOOK_KEY,
    queryFn: async (): Promise<Webhook | null> => {
      try {
        return (await unwrap(api.GET("/api/me/webhook"))).data;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useCreateAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["AlertIn"]) => unwrap(api.POST("/api/alerts", { body })),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ALERTS_KEY }), client.invalidateQueries({ queryKey: ["subscription"] })]),
  });
}

export function useUpdateAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: Schemas["AlertPatch"] }) => unwrap(api.PATCH("/api/alerts/{alert_id}", { params: { path: { alert_id: id } }, body })),
    onSettled: () => client.invalidateQueries({ queryKey: ALERTS_KEY }),
  });
}

/** Switch an alert on or off at once in the list; the previous list comes back on failure. */
export function useToggleAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      unwrap(api.PATCH("/api/alerts/{alert_id}", { params: { path: { alert_id: id } }, body: { active } })),
    onMutate: async ({ id, active }) => {
      await client.cancelQueries({ queryKey: ALERTS_KEY, exact: true });
      const previous = client.getQueryData<AlertsPage>(ALERTS_KEY);
      if (previous) {
        client.setQueryData<AlertsPage>(ALERTS_KEY, {
          ...previous,
          data: previous.data.map((a: Alert) => (a.id === id ? { ...a, active, inactiveReason: active ? null : "user" } : a)),
        });
      }
      return { previous };
    },
    onError: (_error, _vars, context) => {
      if (context?.previous) client.setQueryData(ALERTS_KEY, context.previous);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ALERTS_KEY, exact: true }),
  });
}

export function useDeleteAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/alerts/{alert_id}", { params: { path: { alert_id: id } } })),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: ALERTS_KEY }), client.invalidateQueries({ queryKey: ["subscription"] })]),
  });
}

export function useSetWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (url: string) => unwrap(api.PUT("/api/me/webhook", { body: { url } })).then((body) => body.data),
    onSuccess: () => client.invalidateQueries({ queryKey: WEBHOOK_KEY }),
  });
}

export function usePingWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/me/webhook/test")).then((body) => body.data),
    onSuccess: (hook) => client.setQueryData(WEBHOOK_KEY, hook),
  });
}

export function useRemoveWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/me/webhook")),
    onSuccess: () => client.setQueryData(WEBHOOK_KEY, null),
  });
}

/** A failure in words for the screen: the API's own message, or a network hint. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return `Too many requests.${error.retryAfter ? ` Try again in ${error.retryAfter} s.` : " Try again in a moment."}`;
    const field = typeof error.details.field === "string" ? ` (${error.details.field})` : "";
    return `${error.message}${error.status === 422 ? field : ""}`;
  }
  return "Could not reach StakeTrack. Check your connection and try again.";
}
