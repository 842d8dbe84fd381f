"""Users in each subscription state, and validators to watch, for the tier tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update

from domain.chains import Validator, ValidatorStatus
from domain.models import Chain, Tier
from domain.tiers import Subscription, SubscriptionSource
from infrastructure.db.models import UserRow, UserSubscriptionRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork
from services import user_cache
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet

STATES = ("free", "pro", "expired_pro", "no_row")


def subscription(state: str, now: datetime) -> Subscription | None:
    if state == "free":
        return Subscription(Tier.FREE, now - timedelta(days=3), None, SubscriptionSource.ADMIN)
    if state == "pro":
        return Subscription(
            Tier.PRO, now - timedelta(days=3), now + timedelta(days=30), SubscriptionSource.ADMIN
        )
    if state == "expired_pro":
        return Subscription(
            Tier.PRO, now - timedelta(days=40), now - timedelta(hours=1), SubscriptionSource.ADMIN
        )
    assert state == "no_row"
    return None


async def set_state(app: Any, user_id: str, state: str, *, email: bool = True) -> None:
    """Give the user the subscription record of `state` (no_row: none) and, with
    `email`, a verified email (so email alerts are active); their sessions read it on
    the next request."""
    resources = app.state.resources
    sub = subscription(state, datetime.now(UTC))
    async with SqlUnitOfWork(resources.session_factory) as uow:
        if sub is not None:
            await uow.users.set_subscription(uuid.UUID(user_id), sub)
        else:
            await uow.session.execute(
                delete(UserSubscriptionRow).where(UserSubscriptionRow.user_id == uuid.UUID(user_id))
            )
        if email:
            await uow.session.execute(
                update(UserRow)
                .where(UserRow.id == uuid.UUID(user_id))
                .values(
                    email=f"{uuid.uuid4().hex}@example.com", email_verified_at=datetime.now(UTC)
                )
            )
        await uow.commit()
    await user_cache.user_changed(resources.cache, uuid.UUID(user_id))


async def user_id_of(client: Any, auth: dict[str, str]) -> str:
    me = await client.get("/api/me", headers=auth)
    assert me.status_code == 200, me.text
    user_id: str = me.json()["data"]["id"]
    return user_id


@asynccontextmanager
async def as_pro(app: Any, client: Any, auth: dict[str, str]) -> AsyncIterator[str]:
    """The signed-in user is pro inside the block (e.g. to link wallets on more chains)
    and without a subscription (free) again after it: a downgraded user."""
    user_id = await user_id_of(client, auth)
    await set_state(app, user_id, "pro", email=False)
    yield user_id
    await set_state(app, user_id, "no_row", email=False)


async def user_in(app: Any, client: Any, state: str, chain: Chain = Chain.SOL) -> dict[str, Any]:
    """A signed-in user (a wallet on `chain`) in subscription `state`."""
    wallet = Wallet.new(chain)
    data = await sign_in(client, wallet)
    client.cookies.clear()
    await set_state(app, data["user"]["id"], state)
    return {"headers": bearer(data["accessToken"]), "id": data["user"]["id"], "wallet": wallet}


async def add_validators(app: Any, count: int, chain: Chain = Chain.SOL) -> list[str]:
    """`count` new validators of `chain`; their ids (`chain:address`)."""
    now = datetime.now(UTC).replace(microsecond=0)
    addresses = [f"Vote{uuid.uuid4().hex}"[:44] for _ in range(count)]
    async with app.state.resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [Validator(chain, a, ValidatorStatus.ACTIVE, 10**15, now) for a in addresses]
        )
    return [f"{chain.value}:{a}" for a in addresses]
