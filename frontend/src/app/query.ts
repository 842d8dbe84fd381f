import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";

/** One QueryClient: 4xx are not retried (they will not change), 5xx/503 twice. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}
