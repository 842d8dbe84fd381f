"""An alert switched off without its user in the app (the one-click unsubscribe link) is
recorded in the audit trail: actor system, target the alert, before/after `active`;
once — a second click changes nothing and records nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from infrastructure.db.repositories.audit import AuditFilter
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.test_unsubscribe import ONE_CLICK, PATH, TOKENS, _alert


async def test_an_unsubscribed_alert_is_audited_once(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        user_id, alert_id, other_id = await _alert(app, client)
        token = TOKENS.issue(alert_id, user_id, datetime.now(UTC))
        for _ in range(2):
            post = await client.post(
                PATH,
                params={"token": token},
                content="List-Unsubscribe=One-Click",
                headers=ONE_CLICK,
            )
            assert post.status_code == 200, post.text
        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            entries = await uow.audit_log.page(
                AuditFilter(target_type="alert", target_id=str(alert_id)), before_id=None, limit=5
            )
            others = await uow.audit_log.page(
                AuditFilter(target_type="alert", target_id=str(other_id)), before_id=None, limit=5
            )
    [entry] = entries
    assert (entry.actor.type.value, entry.actor.id) == ("system", "alert_unsubscribed")
    assert entry.action == "alert.deactivate"
    assert entry.before == {"active": True}
    assert entry.after == {"active": False, "reason": "unsubscribed"}
    assert list(others) == []
