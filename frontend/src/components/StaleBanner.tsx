// One info banner per stale chain: which chain, and since when the data is the last good one.
import { Icon } from "./Icon";
import { CHAIN_NAME, formatDateTime, type ChainId } from "../lib/format";

export function StaleBanner({ chain, fetchedAt }: { chain: ChainId; fetchedAt: string | null }) {
  return (
    <div role="status" className="flex items-start gap-3 rounded-lg border border-info/40 bg-info/10 px-4 py-3 text-sm text-primary">
      <span className="mt-0.5 text-info">
        <Icon name="info" className="h-4 w-4" />
      </span>
      <p>
        <strong className="font-semibold">{CHAIN_NAME[chain]}</strong> data could not be refreshed.{" "}
        {fetchedAt ? `Showing the last good data from ${formatDateTime(fetchedAt)}.` : "No data has been fetched yet."}
      </p>
    </div>
  );
}
