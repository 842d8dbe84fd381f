"""ATOM reward events: the growth of each delegation's pending rewards
(`/cosmos/distribution/v1beta1/delegators/{addr}/rewards`, read with the positions)
between two ingests. A drop means the rewards were withdrawn meanwhile (a claim, the
auto-claim of a delegation change, a compounding bot): that interval is estimated from
the delegation's previous accrual rate (`domain/rewards/derive.atom_accrual`)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.chains import Position, PositionKind
from domain.models import Chain
from domain.rewards.derive import Reading, RewardBasis, atom_accrual, rate_of
from domain.rewards.events import RewardEvent


def cosmos_reward_events(positions: Sequence[Position], basis: RewardBasis) -> list[RewardEvent]:
    events = []
    for p in positions:
        if p.chain is not Chain.ATOM or p.kind is not PositionKind.STAKE or p.rewards is None:
            continue
        before = basis.readings.get(p.key)
        if before is None:
            continue
        latest = basis.latest.get(p.key)
        after = Reading(p.key, p.validator, p.amount, p.fetched_at, p.rewards)
        event = atom_accrual(p.owner, before, after, rate_of(latest) if latest else None)
        if event is not None:
            events.append(event)
    return events
