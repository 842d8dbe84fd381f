// The validator detail panel is addressed by the URL (`?validator=<chain>:<id>` on any
// signed-in page), so it can be shared, bookmarked and closed with the back button.
import { useCallback } from "react";
import { useSearchParams } from "react-router";

export const VALIDATOR_PARAM = "validator";

/** A link that opens the panel over `path` (default: the validators page). */
export function validatorHref(validatorId: string, path = "/validators"): string {
  return `${path}?${VALIDATOR_PARAM}=${encodeURIComponent(validatorId)}`;
}

/** The open panel's validator id (null when closed), and functions to open and close it. */
export function useValidatorParam(): { validatorId: string | null; open: (id: string) => void; close: () => void } {
  const [params, setParams] = useSearchParams();
  const validatorId = params.get(VALIDATOR_PARAM);
  const open = useCallback(
    (id: string) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        next.set(VALIDATOR_PARAM, id);
        return next;
      }),
    [setParams],
  );
  const close = useCallback(
    () =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        next.delete(VALIDATOR_PARAM);
        return next;
      }),
    [setParams],
  );
  return { validatorId, open, close };
}
