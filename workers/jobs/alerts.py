"""The alert steps: `check_alerts` (the hourly pipeline's last step per chain, and the
signed `alerts` trigger) and `prune_alert_history` (monthly, and the signed
`alerts-cleanup` trigger). services/alerts.py does the work.

`check_alerts` returns the run's counts; when it queued notifications (`queued`: outbox
rows written and committed), it starts a delivery drain at once (`deliver_alerts`; the
per-minute drain would send them anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.models import Chain
from services import alert_delivery, alerts
from workers.context import JobDeps


async def check_alerts(deps: JobDeps, chain: str, at: str | None = None) -> dict[str, Any]:
    """Evaluate the chain's active alerts as of the chain data's clock (or `at`)."""
    moment = datetime.fromisoformat(at) if at else deps.chains().clock()
    run = await alerts.evaluate_chain(deps.uow, Chain(chain), moment)
    counts = run.as_dict()
    if run.queued and deps.queue is not None:  # after the commit that wrote the outbox
        counts["deliveryStarted"] = await alert_delivery.request_delivery(deps.queue, deps.clock())
    return counts


async def prune_alert_history(deps: JobDeps, chain: str | None = None) -> int:
    """Alert history older than 90 days goes (`chain` is accepted from the signed
    trigger and ignored: the history of every chain is pruned)."""
    return await alerts.prune_history(deps.uow, deps.clock())
