"""Job functions: plain async functions `fn(deps: JobDeps, **kwargs)`, safe to run twice.

`JOBS` maps the public job name to its function; both runners (arq and the
in-process one) execute exactly these. Later issues add their steps here.
"""

from __future__ import annotations

from workers.context import JobFunction
from workers.jobs.alert_delivery import deliver_alerts
from workers.jobs.alerts import check_alerts, prune_alert_history
from workers.jobs.fetch import fetch_chain, fetch_metrics, fetch_prices, fetch_wallet_positions
from workers.jobs.heartbeat import heartbeat
from workers.jobs.pipeline import catch_up, prune_observations, run_pipeline, schedule_pipeline
from workers.jobs.price_closes import backfill_price_closes
from workers.jobs.real_yield import compute_yield
from workers.jobs.subscriptions import record_subscription_expiries
from workers.jobs.vrs import compute_vrs

JOBS: dict[str, JobFunction] = {
    "heartbeat": heartbeat,
    "fetch_chain": fetch_chain,
    "fetch_wallet_positions": fetch_wallet_positions,
    "fetch_metrics": fetch_metrics,
    "fetch_prices": fetch_prices,
    "backfill_price_closes": backfill_price_closes,
    "pipeline": run_pipeline,
    "schedule_pipeline": schedule_pipeline,
    "catch_up": catch_up,
    "prune_observations": prune_observations,
    "compute_vrs": compute_vrs,
    "compute_yield": compute_yield,
    "check_alerts": check_alerts,
    "prune_alert_history": prune_alert_history,
    "deliver_alerts": deliver_alerts,
    "record_subscription_expiries": record_subscription_expiries,
}
