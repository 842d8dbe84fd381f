"""SOL reward events: `getInflationReward` per stake account per completed epoch (exact,
epoch-stamped: `period = "epoch:<n>"`). Epochs after the latest stored one are read, or
for an account seen first the last completed epoch; at most `MAX_EPOCHS` back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.chains import Position
from domain.rewards.derive import RewardBasis, epochs_to_read, sol_epoch_event
from domain.rewards.events import RewardEvent
from infrastructure.chains.solana import schemas
from infrastructure.chains.solana.rpc import SolanaRpc

MAX_EPOCHS = 10  # ~20 days of epochs when a wallet was not ingested for long
SLOT_SECONDS = 0.4  # the cluster's target slot time: when an effective slot was


async def fetch_sol_rewards(
    rpc: SolanaRpc,
    address: str,
    positions: Sequence[Position],
    basis: RewardBasis,
    epoch: schemas.EpochInfo,
    now: datetime,
) -> list[RewardEvent]:
    wanted: dict[int, list[Position]] = {}
    for p in positions:
        last = basis.latest.get(p.key)
        for e in epochs_to_read(last.epoch if last else None, epoch.epoch, most=MAX_EPOCHS):
            wanted.setdefault(e, []).append(p)
    events = []
    for e, accounts in sorted(wanted.items()):
        config = {"commitment": "finalized", "epoch": e}
        answer = await rpc.call(
            "getInflationReward",
            schemas.InflationRewardResponse,
            [p.key for p in accounts],
            config,
        )
        if len(answer) != len(accounts):
            raise rpc.invalid("getInflationReward", "one answer per address expected")
        for p, reward in zip(accounts, answer, strict=True):
            if reward is None or reward.epoch != e:
                continue
            ago = (epoch.absoluteSlot - reward.effectiveSlot) * SLOT_SECONDS
            at = (now - timedelta(seconds=ago)).replace(microsecond=0)
            span = timedelta(seconds=epoch.slotsInEpoch * SLOT_SECONDS)
            event = sol_epoch_event(
                address,
                p.key,
                p.validator,
                e,
                reward.amount,
                stake=p.amount,
                effective_slot=reward.effectiveSlot,
                occurred_at=at,
                period_start=at - span,
            )
            if event is not None:
                events.append(event)
    return events
