"""Reward history: a wallet's reward events of the past, read as the hourly ingest would
have read them (the chain sources' clock set to each instant), for the demo seed.

The instants end where the stored positions were read (`until`, default: that reading),
so the next ingest continues the history without a gap or an overlap; they begin at
`since`, or at the newest event derived from readings when a fetch already covered the
span (a second seed adds nothing). Only events are stored: the stored positions stay
the latest. SOL epochs are keyed by epoch and never stored twice.

Called by: the demo seed (integration: after its fetch of every chain).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain.chains import PositionKind
from domain.models import Chain
from domain.ports import RewardReader
from domain.rewards.derive import Reading, RewardBasis
from infrastructure.chains.factory import ChainSources
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger

log = get_logger(__name__)
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]
# ATOM needs steps shorter than a day: its pending rewards are compared across claims
DEFAULT_STEP = {Chain.ETH: timedelta(hours=6), Chain.SOL: timedelta(days=1),
                Chain.ATOM: timedelta(hours=1)}  # fmt: skip


async def backfill_rewards(
    sources: ChainSources,
    uow: UnitOfWorkFactory,
    chain: Chain,
    address: str,
    since: datetime,
    *,
    until: datetime | None = None,
    step: timedelta | None = None,
) -> int:
    """Store the wallet's reward events of (since, until]; the number newly stored."""
    adapter = sources.adapters[chain]
    if not isinstance(adapter, RewardReader):
        return 0
    async with uow() as unit:
        stored = await unit.reward_events.basis(chain, address)
        newest = await unit.reward_events.newest_reading_event(chain, address)
    end = until or stored.read_at
    if end is None:
        return 0
    start = max(since, newest) if newest is not None else since
    step = step or DEFAULT_STEP[chain]
    instants = []
    at = start
    while at < end:
        instants.append(at)
        at += step
    if not instants:
        return 0
    instants.append(end)
    # from nothing: the stored latest events are newer than the span (epochs are keyed)
    basis = RewardBasis({}, {}, None)
    added = 0
    clock = sources.clock
    try:
        for at in instants:
            clock.fixed = at
            positions = await adapter.fetch_positions(address)
            events = await adapter.fetch_rewards(address, positions, basis)
            async with uow() as unit:
                added += await unit.reward_events.add_many(events)
                await unit.commit()
            latest = dict(basis.latest)
            latest.update({e.position_key: e for e in events})
            readings = {
                p.key: Reading(p.key, p.validator, p.amount, p.fetched_at, p.rewards)
                for p in positions
                if p.kind is PositionKind.STAKE
            }
            basis = RewardBasis(readings, latest, at)
    finally:
        clock.fixed = None
    log.info("rewards_backfilled", chain=chain.value, events=added, steps=len(instants))
    return added
