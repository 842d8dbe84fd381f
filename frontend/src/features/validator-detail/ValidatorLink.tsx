// A link that opens the validator detail over the current page (`?validator=` added to
// its URL). Outside a router (unit tests of a list) it is a plain link to the same URL.
import type { ReactNode } from "react";
import { Link, useInRouterContext, useLocation } from "react-router";
import { VALIDATOR_PARAM, validatorHref } from "./link";

type Props = { validatorId: string; children: ReactNode; className?: string; "aria-label"?: string };

function RoutedLink({ validatorId, children, ...rest }: Props) {
  // the page keeps its own parameters (a validators page's chain, sort and search)
  const { pathname, search } = useLocation();
  const params = new URLSearchParams(search);
  params.set(VALIDATOR_PARAM, validatorId);
  return (
    <Link to={`${pathname}?${params.toString()}`} {...rest}>
      {children}
    </Link>
  );
}

export function ValidatorLink(props: Props) {
  const routed = useInRouterContext();
  if (routed) return <RoutedLink {...props} />;
  const { validatorId, children, ...rest } = props;
  return (
    <a href={validatorHref(validatorId, typeof window === "undefined" ? "/validators" : window.location.pathname)} {...rest}>
      {children}
    </a>
  );
}
