"""The audit trail outlives a deleted user, pseudonymised (issue 16 item 5): PostgreSQL
rejects UPDATE, DELETE and TRUNCATE of audit rows but lets a user id become its
pseudonym; deleting an account replaces the user's id everywhere in the trail in the
deletion's own transaction, with the same pseudonym for every row of that user."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.audit import PSEUDONYM_PREFIX, Actor, AuditEntry, pseudonym
from domain.models import Tier
from infrastructure.db.engine import create_engine
from infrastructure.db.models import AdminAuditLogRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import accounts, audit
from services.audit import pseudonym_key
from tests.conftest import TEST_SECRET


@pytest.mark.postgres
async def test_postgresql_keeps_the_trail_append_only_but_for_pseudonyms(
    postgres_url: str,
) -> None:
    engine: AsyncEngine = create_engine(postgres_url)
    user_id = str(uuid.uuid4())
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text(
                    "INSERT INTO admin_audit_log (at, actor_type, actor_id, action, target_type,"
                    " target_id, before, after, reason) VALUES (now(), 'admin', :actor,"
                    " 'subscription.set', 'user', :user, '{\"tier\": \"free\"}',"
                    " '{\"tier\": \"pro\"}', 'why')"
                ),
                {"actor": str(uuid.uuid4()), "user": user_id},
            )
            row = AdminAuditLogRow.__table__
            for statement in (
                update(row).where(row.c.target_id == user_id).values(reason="rewritten"),
                update(row).where(row.c.target_id == user_id).values(target_id="someone-else"),
                update(row).where(row.c.target_id == user_id).values(after={"tier": "free"}),
                # a pseudonym may only replace the id, never come with another change
                update(row)
                .where(row.c.target_id == user_id)
                .values(target_id="deleted:abc", reason="rewritten"),
                delete(row).where(row.c.target_id == user_id),
                text("TRUNCATE admin_audit_log"),
            ):
                savepoint = await connection.begin_nested()
                with pytest.raises(DBAPIError, match="append-only"):
                    await connection.execute(statement)
                await savepoint.rollback()
            # the one change allowed: the user id becomes its pseudonym
            await connection.execute(
                update(row).where(row.c.target_id == user_id).values(target_id="deleted:abc")
            )
            kept = (
                await connection.execute(select(row).where(row.c.target_id == "deleted:abc"))
            ).one()
            assert kept.reason == "why" and kept.after == {"tier": "pro"}
            await connection.rollback()
    finally:
        await engine.dispose()


async def _entries(resources: Resources) -> list[AuditEntry]:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        return list(await uow.audit_log.page(_no_filter(), before_id=None, limit=10_000))


def _no_filter() -> Any:
    from infrastructure.db.repositories.audit import AuditFilter

    return AuditFilter()


async def test_deleting_an_account_pseudonymises_it_in_the_trail(resources: Resources) -> None:
    """SQLite and PostgreSQL (where the trigger must let the pseudonymisation through)."""
    key = pseudonym_key(TEST_SECRET)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        admin = await uow.users.create()
        user = await uow.users.create()
        bystander = await uow.users.create()
        for target in (user, bystander):
            await audit.record(
                uow,
                AuditEntry(
                    Actor.admin(admin.id),
                    "subscription.set",
                    "user",
                    str(target.id),
                    {"tier": "free"},
                    {"tier": "pro"},
                    "ticket",
                ),
            )
        # the deleted user acting as an admin, too
        await audit.record(
            uow,
            AuditEntry(
                Actor.admin(user.id),
                "role.grant",
                "user",
                str(bystander.id),
                {"role": "user"},
                {"role": "admin"},
                "help",
            ),
        )
        await uow.users.set_tier(user.id, Tier.PRO, user.created_at)
        await uow.commit()

    async with SqlUnitOfWork(resources.session_factory) as uow:
        await accounts.delete_account(uow, resources.cache, user, audit_key=key)

    mine = pseudonym(user.id, key)
    assert mine.startswith(PSEUDONYM_PREFIX) and str(user.id) not in mine
    entries = [
        e
        for e in await _entries(resources)
        if {e.actor.id, e.target_id} & {mine, str(bystander.id), str(admin.id)}
    ]
    named = [e for e in entries if str(user.id) in (e.actor.id, e.target_id)]
    assert named == []
    async with SqlUnitOfWork(resources.session_factory) as uow:
        assert await uow.audit_log.mentions(str(user.id)) == 0
        assert await uow.users.get(user.id) is None
    # both rows of the user kept, under one pseudonym; the others untouched
    assert sorted(e.action for e in entries if mine in (e.actor.id, e.target_id)) == [
        "role.grant",
        "subscription.set",
    ]
    assert any(e.target_id == str(bystander.id) and e.actor.id == str(admin.id) for e in entries)
    # the same user always gets the same pseudonym; another key gives another
    assert pseudonym(user.id, key) == mine
    assert pseudonym(user.id, pseudonym_key(TEST_SECRET + "x")) != mine
