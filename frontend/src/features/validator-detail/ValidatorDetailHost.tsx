// Placeholder (issue 17): the validators helper builds the detail panel here. The shell
// renders this when the URL has `?validator=`.
import { useValidatorParam } from "./link";

export function ValidatorDetailHost() {
  const { validatorId } = useValidatorParam();
  if (!validatorId) return null;
  return null;
}
