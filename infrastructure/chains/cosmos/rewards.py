"""ATOM reward events: the growth of each delegation's pending rewards
(`/cosmos/distribution/v1beta1/delegators/{addr}/rewards`, read with the positions)
between two ingests. A drop means the rewards were withdrawn meanwhile (a claim, the
auto-claim of a delegation change, a compounding bot): that interval is estimated from
the delegation's previous accrual rate, or, for a delegation with none yet, from the
chain's parameters — inflation, the distribution module's community tax, the bonded
ratio — less the validator's commission (`domain/rewards/derive.atom_accrual`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.chains import Position, PositionKind
from domain.models import Chain
from domain.rewards.derive import Rate, Reading, RewardBasis, atom_accrual, rate_of
from domain.rewards.events import RewardEvent


def _pairs(
    positions: Sequence[Position], basis: RewardBasis
) -> list[tuple[Reading, Reading, Rate | None]]:
    pairs = []
    for p in positions:
        if p.chain is not Chain.ATOM or p.kind is not PositionKind.STAKE or p.rewards is None:
            continue
        before = basis.readings.get(p.key)
        if before is None:
            continue
        latest = basis.latest.get(p.key)
        after = Reading(p.key, p.validator, p.amount, p.fetched_at, p.rewards)
        pairs.append((before, after, rate_of(latest) if latest else None))
    return pairs


def withdrawn_without_rate(positions: Sequence[Position], basis: RewardBasis) -> list[Position]:
    """The delegations whose pending rewards dropped and that have no accrual rate of
    their own yet: their estimate needs the chain's parameters."""
    keys = {
        after.key
        for before, after, rate in _pairs(positions, basis)
        if rate is None and before.pending is not None and (after.pending or 0) < before.pending
    }
    return [p for p in positions if p.key in keys]


def cosmos_reward_events(
    positions: Sequence[Position], basis: RewardBasis, nominal: Mapping[str, Rate] | None = None
) -> list[RewardEvent]:
    events = []
    for before, after, rate in _pairs(positions, basis):
        owner = next(p.owner for p in positions if p.key == after.key)
        event = atom_accrual(owner, before, after, rate or (nominal or {}).get(after.key))
        if event is not None:
            events.append(event)
    return events
