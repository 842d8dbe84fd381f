// Settings → Alerts (story 5.3): my alerts with their on/off switch, create and change them
// inline, delete with a confirmation (the history stays), the free plan's limit with a calm
// upgrade hint (story 6.2), the history of what fired, and the webhook.
import { useEffect, useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { Skeleton } from "../../../components/Skeleton";
import { tierLimitOf, UpgradeHint } from "../../../components/UpgradeHint";
import { useMe } from "../../../app/session";
import { useSubscription } from "../../subscription/queries";
import { AlertForm } from "./AlertForm";
import { AlertHistory } from "./AlertHistory";
import { AlertList } from "./AlertList";
import { FormSheet } from "./FormSheet";
import { errorText, useAlerts, useCreateAlert, useDeleteAlert, useToggleAlert, useUpdateAlert, useValidatorNames, useWebhook } from "./queries";
import { EMPTY_FORM, formOf, scopeLabel, toAlertIn, toAlertPatch, TYPE_LABEL, type Alert } from "./rules";
import { WebhookSection } from "./WebhookSection";

type Editor = { mode: "create" } | { mode: "edit"; alert: Alert } | null;

/** "Alert-Limit erreicht (1/1)" and, on the free plan, what Pro allows. */
export function AlertLimitNotice({ current, limit, free, proLimit }: { current: number; limit: number; free: boolean; proLimit: number | null | undefined }) {
  return (
    <div role="status" className="flex flex-col gap-2 rounded-xl border border-subtle bg-surface p-4">
      <p className="font-medium">
        Alert-Limit erreicht ({current}/{limit})
      </p>
      <p className="text-sm text-secondary">Delete an alert to create another one{free ? ", or use Pro for more." : "."}</p>
      {free && <UpgradeHint>{proLimit === null ? "Unlimited alerts with Pro." : `Up to ${proLimit ?? "more"} alerts with Pro.`}</UpgradeHint>}
    </div>
  );
}

export function AlertsSettings() {
  const me = useMe();
  const alerts = useAlerts();
  const webhook = useWebhook();
  const subscription = useSubscription();
  const create = useCreateAlert();
  const update = useUpdateAlert();
  const toggle = useToggleAlert();
  const remove = useDeleteAlert();
  const [editor, setEditor] = useState<Editor>(null);
  const [deleting, setDeleting] = useState<Alert | null>(null);
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const list = alerts.data?.data ?? [];
  const names = useValidatorNames(list.flatMap((a) => (a.validatorId ? [a.validatorId] : [])));
  const limit = alerts.data?.meta.alertLimit ?? null;
  const refused = tierLimitOf(create.error);
  // the list's count, or the API's refusal (the list may have been stale); a new limit
  // (after an upgrade) forgets the refusal
  const atLimit = (limit !== null && list.length >= limit) || refused !== null;
  const resetCreate = create.reset;
  useEffect(() => resetCreate(), [limit, resetCreate]);
  const free = me.data?.tier !== "pro";
  const proLimit = subscription.data?.comparison.find((row) => row.feature === "alerts")?.pro;
  const webhookVerified = webhook.data?.verified === true;
  const emailVerified = me.data?.emailVerified === true;

  const startCreate = () => {
    create.reset();
    setNotice(null);
    setEditor({ mode: "create" });
  };

  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="alerts-title" className="flex flex-col gap-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="alerts-title" className="text-xl font-semibold">
              Alerts
            </h2>
            <p className="text-sm text-secondary">Get told when a validator's risk score falls, its commission rises, or it is slashed, jailed or offline.</p>
          </div>
          {limit !== null && (
            <p className="num text-sm text-secondary" aria-label={`${list.length} of ${limit} alerts used`}>
              [{list.length}/{limit}] Alerts
            </p>
          )}
        </div>

        {alerts.isPending && <Skeleton className="h-24" />}
        {alerts.isError && (
          <p role="alert" className="text-sm text-negative">
            Your alerts could not be loaded: {errorText(alerts.error)}
          </p>
        )}

        <div aria-live="polite" className="text-sm text-positive empty:hidden">
          {notice}
        </div>
        {toggleError && (
          <p role="alert" className="text-sm text-negative">
            {toggleError}
          </p>
        )}

        {alerts.isSuccess && list.length === 0 && editor === null && (
          <EmptyState
            title="No alerts configured yet"
            action={
              <button type="button" onClick={startCreate} className="min-h-11 rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong">
                Create alert
              </button>
            }
          >
            An alert watches your validators and tells you by email or webhook when something changes.
          </EmptyState>
        )}

        {list.length > 0 && (
          <AlertList
            alerts={list}
            names={names}
            togglingId={toggle.isPending ? (toggle.variables?.id ?? null) : null}
            onToggle={(alert, active) => {
              setToggleError(null);
              toggle.mutate(
                { id: alert.id, active },
                {
                  onError: (error) => setToggleError(`${TYPE_LABEL[alert.type]} on ${scopeLabel(alert, names)} could not be switched ${active ? "on" : "off"}: ${errorText(error)}`),
                },
              );
            }}
            onEdit={(alert) => {
              update.reset();
              setNotice(null);
              setEditor({ mode: "edit", alert });
            }}
            onDelete={(alert) => {
              remove.reset();
              setDeleting(alert);
            }}
          />
        )}

        {editor?.mode === "edit" && (
          <FormSheet label="Change alert" onClose={() => setEditor(null)}>
            <AlertForm
              key={editor.alert.id}
              initial={formOf(editor.alert)}
              editing
              busy={update.isPending}
              error={update.isError ? errorText(update.error) : null}
              webhookVerified={webhookVerified}
              emailVerified={emailVerified}
              onCancel={() => setEditor(null)}
              onSubmit={(values) =>
                update.mutate(
                  { id: editor.alert.id, body: toAlertPatch(values) },
                  {
                    onSuccess: () => {
                      setEditor(null);
                      setNotice("Alert changed.");
                    },
                  },
                )
              }
            />
          </FormSheet>
        )}

        {alerts.isSuccess && editor?.mode !== "edit" && (atLimit ? (
          <AlertLimitNotice current={refused?.current ?? list.length} limit={refused?.limit ?? limit ?? list.length} free={free} proLimit={proLimit} />
        ) : editor?.mode === "create" ? (
          <FormSheet label="New alert" onClose={() => setEditor(null)}>
            <AlertForm
              initial={EMPTY_FORM}
              busy={create.isPending}
              error={create.isError && !refused ? errorText(create.error) : null}
              webhookVerified={webhookVerified}
              emailVerified={emailVerified}
              onCancel={() => setEditor(null)}
              onSubmit={(values) =>
                create.mutate(toAlertIn(values), {
                  onSuccess: (body) => {
                    setEditor(null);
                    setNotice(body.data.active ? "Alert created: it is active now." : "Alert created: it starts once your email address is verified.");
                  },
                })
              }
            />
          </FormSheet>
        ) : (
          list.length > 0 && (
            <button type="button" onClick={startCreate} className="min-h-11 self-start rounded-lg bg-brand px-4 text-sm font-medium text-on-brand hover:bg-brand-strong">
              Create alert
            </button>
          )
        ))}
      </section>

      <AlertHistory />
      <WebhookSection />

      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the alert for ${TYPE_LABEL[deleting.type]} on ${scopeLabel(deleting, names)}?` : "Delete the alert?"}
        confirmLabel="Delete alert"
        destructive
        busy={remove.isPending}
        error={remove.isError ? errorText(remove.error) : null}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setDeleting(null);
              setNotice("Alert deleted.");
              create.reset();
            },
          });
        }}
      >
        <p>The alert stops and is deleted. What it reported stays in the history.</p>
      </ConfirmDialog>
    </div>
  );
}
