// My alerts: type, scope, threshold, channels and an on/off switch per row, with change
// and delete. One list for every size (cards that reflow), so nothing is hidden on phones.
import { Icon, type IconName } from "../../../components/Icon";
import { inactiveNote, scopeLabel, thresholdLabel, TYPE_LABEL, type Alert } from "./rules";

const TYPE_ICON: Record<Alert["type"], IconName> = {
  vrs_drop: "validators",
  vrs_below: "validators",
  commission_increase: "rewards",
  slashing: "admin",
  jailed_or_delinquent: "info",
};

export function AlertSwitch({ alert, name, busy, onToggle }: { alert: Alert; name: string; busy: boolean; onToggle: (active: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={alert.active}
      aria-label={`Alert ${name}`}
      disabled={busy || alert.overLimit}
      onClick={() => onToggle(!alert.active)}
      className="inline-flex min-h-11 shrink-0 items-center gap-2 rounded-lg px-1 text-sm disabled:cursor-not-allowed disabled:opacity-60"
    >
      <span aria-hidden="true" className={`relative inline-block h-6 w-11 rounded-full border transition-colors ${alert.active ? "border-brand bg-brand" : "border-subtle bg-raised"}`}>
        <span className={`absolute top-0.5 h-4.5 w-4.5 rounded-full shadow transition-all ${alert.active ? "left-5.5 bg-on-brand" : "left-0.5 bg-secondary"}`} />
      </span>
      <span className="w-10 text-left text-secondary">{alert.active ? "On" : "Off"}</span>
    </button>
  );
}

export function AlertList({
  alerts,
  names,
  togglingId,
  onToggle,
  onEdit,
  onDelete,
}: {
  alerts: Alert[];
  /** validator names by "<chain>:<address>" */
  names: Record<string, string>;
  togglingId: string | null;
  onToggle: (alert: Alert, active: boolean) => void;
  onEdit: (alert: Alert) => void;
  onDelete: (alert: Alert) => void;
}) {
  return (
    <ul aria-label="My alerts" className="flex flex-col gap-2">
      {alerts.map((alert) => {
        const note = inactiveNote(alert);
        const scope = scopeLabel(alert, names);
        const name = `${TYPE_LABEL[alert.type]} on ${scope}`;
        return (
          <li key={alert.id} className="flex flex-col gap-3 rounded-xl border border-subtle bg-surface p-4 md:flex-row md:items-center">
            <div className="flex min-w-0 flex-1 items-start gap-3">
              <span aria-hidden="true" className="mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-raised text-brand">
                <Icon name={TYPE_ICON[alert.type]} className="h-5 w-5" />
              </span>
              <div className="min-w-0">
                <p className="font-medium">{TYPE_LABEL[alert.type]}</p>
                <p className="text-sm text-secondary">
                  <span className="break-words">{scope}</span>
                  <span aria-hidden="true"> · </span>
                  <span className="sr-only">, threshold </span>
                  <span>{thresholdLabel(alert)}</span>
                </p>
                <p className="text-xs text-muted">
                  via {alert.channels.join(" + ")}
                  {alert.notifyResolved ? " · also when it clears" : ""}
                </p>
                {note && <p className="mt-1 text-xs text-warning">{note}</p>}
              </div>
            </div>
            <div className="flex flex-wrap items-center gap-1 md:shrink-0">
              <AlertSwitch alert={alert} name={name} busy={togglingId === alert.id} onToggle={(active) => onToggle(alert, active)} />
              <button
                type="button"
                onClick={() => onEdit(alert)}
                disabled={alert.overLimit}
                aria-label={`Change alert ${name}`}
                className="min-h-11 rounded-lg border border-subtle px-3 text-sm font-medium hover:bg-raised disabled:opacity-50"
              >
                Change
              </button>
              <button
                type="button"
                onClick={() => onDelete(alert)}
                aria-label={`Delete alert ${name}`}
                className="min-h-11 rounded-lg border border-subtle px-3 text-sm font-medium text-negative hover:bg-raised"
              >
                Delete
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
