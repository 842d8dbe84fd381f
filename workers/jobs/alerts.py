"""The alert steps: `check_alerts` (the hourly pipeline's last step per chain, and the
signed `alerts` trigger) and `prune_alert_history` (monthly, and the signed
`alerts-cleanup` trigger). services/alerts.py does the work.

`check_alerts` returns the run's counts; `queued` is the number of outbox rows written —
the place where delivery (slice A2's `deliver_alerts`) is to be kicked after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.models import Chain
from services import alerts
from workers.context import JobDeps


async def check_alerts(deps: JobDeps, chain: str, at: str | None = None) -> dict[str, Any]:
    """Evaluate the chain's active alerts as of the chain data's clock (or `at`)."""
    moment = datetime.fromisoformat(at) if at else deps.chains().clock()
    run = await alerts.evaluate_chain(deps.uow, Chain(chain), moment)
    return run.as_dict()


async def prune_alert_history(deps: JobDeps, chain: str | None = None) -> int:
    """Alert history older than 90 days goes (`chain` is accepted from the signed
    trigger and ignored: the history of every chain is pruned)."""
    return await alerts.prune_history(deps.uow, deps.clock())
