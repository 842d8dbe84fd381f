// The validator detail over any signed-in page, from `?validator=<chain>:<address>` in the
// URL (the Shell renders this lazily while the parameter is there). Closing removes the
// parameter; focus goes back to what opened the panel.
import { useEffect, useState } from "react";
import { useValidatorParam } from "./link";
import { ValidatorDetailPanel } from "./ValidatorDetailPanel";

export function ValidatorDetailHost() {
  const { validatorId, close } = useValidatorParam();
  // what had focus when the panel opened (a row's link; the body on a shared URL)
  const [opener] = useState(() => (typeof document === "undefined" ? null : (document.activeElement as HTMLElement | null)));
  useEffect(
    () => () => {
      if (opener && opener !== document.body && opener.isConnected) opener.focus();
    },
    [opener],
  );
  if (!validatorId) return null;
  return <ValidatorDetailPanel key={validatorId} validatorId={validatorId} onClose={close} />;
}
