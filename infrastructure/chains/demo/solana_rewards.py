"""The demo Solana cluster's inflation rewards (`getInflationReward`) and its ledger.

A delegated stake account earns in epoch E when its stake was active through E
(activated before E, not deactivated by E) and its validator voted in E: the stake times
the epoch's inflation over the staked share, less the validator's commission, for one
epoch's share of a year; credited at the first slot of E+1. The accounts are those of
the world at E+1 (the demo's activations are relative to the current epoch), so an
epoch's reward never changes once paid. `ledger` sums what a wallet's accounts earned.
"""

from __future__ import annotations

from dataclasses import dataclass

from infrastructure.chains.demo import solana_world as w
from infrastructure.chains.demo.solana_stakes import DemoStake, StakeAccounts

STAKED_SHARE = 0.67  # of the supply: inflation is paid to stake only
EPOCH_YEARS = w.SLOTS_PER_EPOCH * w.SLOT_SECONDS / (365.25 * 86_400)


@dataclass(frozen=True, slots=True)
class InflationReward:
    epoch: int
    effective_slot: int
    amount: int
    post_balance: int
    commission: int


class SolanaRewards:
    def __init__(self, world: w.World, stakes: StakeAccounts) -> None:
        self._world = world
        self._stakes = stakes
        self._by_vote = {p.vote: p for p in world.profiles}

    def _earned(self, stake: DemoStake, epoch: int) -> InflationReward | None:
        delegation = stake.state.delegation
        if delegation is None:
            return None
        if not (delegation.activation_epoch < epoch < delegation.deactivation_epoch):
            return None
        profile = self._by_vote.get(delegation.voter)
        if profile is None or self._world.down(profile, epoch):
            return None
        commission = self._world.commission(profile, epoch)
        rate = w.inflation(epoch) / STAKED_SHARE * EPOCH_YEARS * (100 - commission) / 100
        amount = int(delegation.stake * rate)
        if amount <= 0:
            return None
        slot = (epoch + 1) * w.SLOTS_PER_EPOCH
        return InflationReward(epoch, slot, amount, stake.lamports + amount, commission)

    def reward(self, pubkey: str, epoch: int) -> InflationReward | None:
        found = next((s for s in self._stakes.at(epoch + 1) if s.pubkey == pubkey), None)
        return None if found is None else self._earned(found, epoch)

    def ledger(self, owner: str, first_epoch: int, last_epoch: int) -> dict[str, int]:
        """Lamports each of `owner`'s stake accounts (as staker or withdrawer) earned in
        the epochs first..last (inclusive)."""
        earned: dict[str, int] = {}
        for epoch in range(first_epoch, last_epoch + 1):
            for stake in self._stakes.at(epoch + 1):
                meta = stake.state.meta
                if meta is None or owner not in (meta.staker, meta.withdrawer):
                    continue
                reward = self._earned(stake, epoch)
                if reward is not None:
                    earned[stake.pubkey] = earned.get(stake.pubkey, 0) + reward.amount
        return earned
