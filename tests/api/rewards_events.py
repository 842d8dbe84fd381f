"""Reward events stored directly (as the rewards ingest would), for the rewards tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete

from domain.models import Chain
from infrastructure.db.models import PriceCloseRow, RewardDayRow, RewardEventRow
from infrastructure.db.repositories.reward_events import RewardEventRepository, event_from_row
from infrastructure.resources import Resources


def event_row(
    chain: Chain,
    owner: str,
    key: str,
    at: datetime,
    amount: int,
    *,
    validator: str = "val",
    hours: float = 1,
    stake: int | None = None,
    kind: str | None = None,
    estimated: bool = False,
    epoch: int | None = None,
    source: str | None = None,
) -> RewardEventRow:
    return RewardEventRow(
        chain=chain.value,
        owner=owner,
        position_key=key,
        validator=validator,
        period=f"test:{at.isoformat()}",
        kind=kind or ("penalty" if amount < 0 else "reward"),
        amount=amount,
        stake=stake,
        occurred_at=at,
        period_start=at - timedelta(hours=hours),
        epoch=epoch,
        source=source,
        estimated=estimated,
    )


async def store_events(resources: Resources, rows: Sequence[RewardEventRow]) -> None:
    """Through the ingest's write path (the events and their daily rollup)."""
    async with resources.session_factory() as session:
        await RewardEventRepository(session).add_many([event_from_row(r) for r in rows])
        await session.commit()


async def forget_rewards(resources: Resources, owners: Sequence[str]) -> None:
    """The PostgreSQL test database is shared by the run: start from none of these
    wallets' events and from no closes."""
    async with resources.session_factory() as session:
        for model in (RewardEventRow, RewardDayRow):
            await session.execute(delete(model).where(model.owner.in_(owners)))
        await session.execute(delete(PriceCloseRow))
        await session.commit()
