"""The demo Solana cluster's stake accounts and its StakeHistory sysvar.

The demo wallet "whale" holds eight accounts: seven delegations across validators
(long active, recently activated, locked up, activating this epoch, deactivating
this epoch, deactivated, and one a custodian stakes that the whale only withdraws)
plus one undelegated account; "staker" holds two; "empty" none; forty strangers
hold the rest. (De)activation epochs are relative to the current epoch, so every
activation state is always on show. The history adds these accounts' stake to a
background of cluster-wide churn in the epochs they (de)activated, so the
runtime's warmup/cooldown rule yields the intended states from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from domain.models import Chain
from infrastructure.chains.demo import solana_world as w
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.solana.activation import StakeHistoryEntry, encode_stake_history
from infrastructure.chains.solana.stake_account import (
    U64_MAX,
    Delegation,
    Lockup,
    Meta,
    StakeState,
    StakeStateKind,
    encode_stake_account,
)

RENT_RESERVE = 2_282_880  # rent-exempt minimum of a 200-byte account
NO_KEY = "11111111111111111111111111111111"
LOCKED_UNTIL = 1_830_297_600  # 2028-01-01

# (label, wallet is the staker, SOL, validator stake rank or None, activation,
# deactivation): epochs 0 and below count back from the current one, None = never
WALLET_STAKES: dict[str, list[tuple[str, bool, int, int | None, int | None, int | None]]] = {
    "whale": [
        ("long-active", True, 250_000, 0, 420, None),
        ("recent", True, 120_000, 7, -40, None),
        ("locked", True, 80_000, 25, 600, None),
        ("activating", True, 40_000, 60, 0, None),
        ("deactivating", True, 60_000, 120, 500, 0),
        ("deactivated", True, 25_000, 300, 700, -3),
        ("custodied", False, 500_000, 3, 650, None),
        ("undelegated", True, 10, None, None, None),
    ],
    "staker": [("main", True, 1_250, 15, 800, None), ("new", True, 300, 400, -1, None)],
}


@dataclass(frozen=True, slots=True)
class DemoStake:
    label: str
    pubkey: str
    lamports: int
    state: StakeState
    data: bytes


def _epoch(spec: int | None, current: int) -> int:
    if spec is None:
        return U64_MAX
    return max(0, current + spec) if spec <= 0 else spec


class StakeAccounts:
    def __init__(self, world: w.World) -> None:
        self._seed = world.seed
        self._voters = [p.vote for p in world.by_rank if p.dead_since is None]

    def _delegated(
        self, label: str, staker: str, withdrawer: str, sol: int, voter: str | None,
        activation: int, deactivation: int,
    ) -> DemoStake:  # fmt: skip
        custodian = withdrawer if label.endswith("/locked") else NO_KEY
        until = LOCKED_UNTIL if custodian != NO_KEY else 0
        meta = Meta(RENT_RESERVE, staker, withdrawer, Lockup(until, 0, custodian))
        state = StakeState(StakeStateKind.INITIALIZED, meta)
        if voter is not None:
            delegation = Delegation(voter, sol * w.LAMPORTS, activation, deactivation, 0.25)
            state = StakeState(StakeStateKind.STAKE, meta, delegation, 0, 0)
        rewards = int(sol * w.LAMPORTS * 0.002 * w.unit(self._seed, "rewards", label))
        lamports = sol * w.LAMPORTS + RENT_RESERVE + rewards
        key = w.pubkey(self._seed, "stake", label)
        return DemoStake(label, key, lamports, state, encode_stake_account(state))

    @lru_cache(maxsize=8)  # noqa: B019 - one per demo chain, as long-lived as it
    def at(self, epoch: int) -> list[DemoStake]:
        wallets = demo_addresses(Chain.SOL)
        stakes = []
        for name, specs in WALLET_STAKES.items():
            wallet = wallets[name]
            for label, is_staker, sol, rank, act, deact in specs:
                staker = wallet if is_staker else w.pubkey(self._seed, "custodian", name)
                voter = None if rank is None else self._voters[rank]
                stakes.append(self._delegated(
                    f"{name}/{label}", staker, wallet, sol, voter,
                    _epoch(act, epoch), _epoch(deact, epoch),
                ))  # fmt: skip
        for i in range(40):
            holder = w.pubkey(self._seed, "holder", i)
            staker = holder if i % 5 else w.pubkey(self._seed, "holder-staker", i)
            voter = self._voters[int(w.unit(self._seed, "holder-rank", i) * len(self._voters))]
            act = max(0, min(epoch, 300 + int(w.unit(self._seed, "holder-act", i) * (epoch - 300))))
            deact = act + 20 if i % 7 == 0 and act + 20 < epoch else U64_MAX
            stakes.append(
                self._delegated(f"holder/{i}", staker, holder, 10 + i * 137, voter, act, deact)
            )
        return stakes

    @lru_cache(maxsize=8)  # noqa: B019
    def history(self, epoch: int) -> bytes:
        """The StakeHistory sysvar's data at `epoch`: entries for the 512 epochs before."""
        totals: dict[int, list[int]] = {}
        for k in range(max(0, epoch - 512), epoch):
            churn = w.TOTAL_STAKE // 1_000
            totals[k] = [
                int(w.TOTAL_STAKE * (0.98 + 0.04 * w.unit(self._seed, "effective", k))),
                int(churn * (2 + 8 * w.unit(self._seed, "activating", k))),
                int(churn * (2 + 8 * w.unit(self._seed, "deactivating", k))),
            ]
        for stake in self.at(epoch):
            delegation = stake.state.delegation
            if delegation is None:
                continue
            if delegation.activation_epoch in totals:
                totals[delegation.activation_epoch][1] += delegation.stake
            if delegation.deactivation_epoch in totals:
                totals[delegation.deactivation_epoch][2] += delegation.stake
        return encode_stake_history({k: StakeHistoryEntry(*v) for k, v in totals.items()})
