"""Stake warmup/cooldown from the StakeHistory sysvar, as the runtime computes it:
per epoch the cluster may (de)activate `rate` x the previous epoch's effective stake,
shared pro rata among the waiting accounts, at least one lamport each."""

from __future__ import annotations

import pytest

from infrastructure.chains.solana.activation import (
    StakeActivation,
    StakeHistoryEntry,
    stake_activation,
)
from infrastructure.chains.solana.stake_account import U64_MAX, Delegation

VOTER = "i7NyKBMJCA9bLM2nsGyAGCKHECuR2L5eh4GqFciuwNT"
BIG = StakeHistoryEntry(effective=400 * 10**15, activating=2 * 10**15, deactivating=10**15)


def delegation(stake: int, activation: int, deactivation: int = U64_MAX) -> Delegation:
    return Delegation(VOTER, stake, activation, deactivation, 0.25)


def at(
    d: Delegation, epoch: int, history: dict[int, StakeHistoryEntry], rate_epoch: int | None = 0
) -> StakeActivation:
    """Activation at `epoch`; the 9 % rate from `rate_epoch` (0: always, None: never)."""
    return stake_activation(d, epoch, history, new_rate_epoch=rate_epoch)


def test_stake_is_activating_in_its_activation_epoch() -> None:
    result = at(delegation(500, 10), 10, {})
    assert result == StakeActivation(0, 500, 0) and result.status == "activating"


def test_before_its_activation_epoch_nothing_counts() -> None:
    assert at(delegation(500, 10), 9, {}).status == "inactive"


def test_a_big_cluster_activates_a_small_stake_in_one_epoch() -> None:
    result = at(delegation(10**12, 10), 11, {10: BIG})
    assert result == StakeActivation(10**12, 0, 0) and result.status == "active"


def test_warmup_is_rate_limited_over_several_epochs() -> None:
    # a cluster of 1,000 with 500 warming up (all ours): 9 % of 1,000 = 90 in epoch 11
    history = {
        10: StakeHistoryEntry(1_000, 500, 0),
        11: StakeHistoryEntry(1_090, 410, 0),
        12: StakeHistoryEntry(1_188, 312, 0),
    }
    d = delegation(500, 10)
    assert at(d, 11, history) == StakeActivation(90, 410, 0)
    assert at(d, 12, history) == StakeActivation(188, 312, 0)  # + floor(1,090 x 9 %) = 98
    assert at(d, 13, history) == StakeActivation(294, 206, 0)  # + floor(1,188 x 9 %) = 106
    assert at(d, 13, history).status == "activating"
    # history ends: whatever was reached last stays
    assert at(d, 20, history) == StakeActivation(294, 206, 0)


def test_the_allowance_is_shared_pro_rata() -> None:
    # we are 100 of 500 warming up: a fifth of the cluster's 90
    assert at(delegation(100, 10), 11, {10: StakeHistoryEntry(1_000, 500, 0)}).effective == 18


def test_the_old_rate_applies_before_the_new_rate_epoch() -> None:
    history = {10: StakeHistoryEntry(1_000, 500, 0), 11: StakeHistoryEntry(1_250, 250, 0)}
    d = delegation(500, 10)
    assert at(d, 11, history, rate_epoch=None).effective == 250  # 25 % throughout
    assert at(d, 12, history, rate_epoch=12).effective == 250 + 112  # 25 %, then 9 % of 1,250


def test_at_least_one_lamport_moves_per_epoch() -> None:
    history = {e: StakeHistoryEntry(1, 10**12, 0) for e in range(10, 13)}
    assert at(delegation(10, 10), 13, history) == StakeActivation(3, 7, 0)


def test_stake_older_than_the_history_is_fully_active() -> None:
    assert at(delegation(500, 10), 600, {599: BIG}).status == "active"


def test_bootstrap_stake_is_always_fully_active() -> None:
    assert at(delegation(500, U64_MAX), 3, {}) == StakeActivation(500, 0, 0)


def test_stake_is_deactivating_in_its_deactivation_epoch() -> None:
    result = at(delegation(500, 10, 30), 30, {10: BIG})
    assert result == StakeActivation(500, 0, 500) and result.status == "deactivating"


def test_cooldown_is_rate_limited_over_several_epochs() -> None:
    history = {20: StakeHistoryEntry(1_000, 0, 500), 21: StakeHistoryEntry(910, 0, 410)}
    d = delegation(500, 3, 20)  # activated before the history: fully effective
    assert at(d, 21, history) == StakeActivation(410, 0, 410)  # - 9 % of 1,000
    assert at(d, 22, history) == StakeActivation(329, 0, 329)  # - floor(9 % of 910)
    assert at(d, 22, history).status == "deactivating"


def test_a_big_cluster_deactivates_a_small_stake_in_one_epoch() -> None:
    result = at(delegation(10**12, 10, 30), 31, {10: BIG, 30: BIG})
    assert result == StakeActivation(0, 0, 0) and result.status == "inactive"


def test_deactivated_before_the_history_is_inactive() -> None:
    assert at(delegation(500, 10, 30), 900, {899: BIG}).status == "inactive"


def test_delegated_and_deactivated_in_one_epoch_never_counts() -> None:
    assert at(delegation(500, 10, 10), 10, {}) == StakeActivation(0, 0, 0)
    assert at(delegation(500, 10, 10), 11, {10: BIG}).status == "inactive"


def test_deactivating_during_warmup_cools_down_only_what_became_effective() -> None:
    history = {10: StakeHistoryEntry(1_000, 500, 0), 11: StakeHistoryEntry(1_090, 410, 0)}
    result = at(delegation(500, 10, 11), 11, history)
    assert result == StakeActivation(90, 0, 90) and result.status == "deactivating"


@pytest.mark.parametrize(
    ("effective", "activating", "deactivating", "status"),
    [
        (5, 0, 0, "active"),
        (5, 3, 0, "activating"),
        (5, 0, 5, "deactivating"),
        (0, 0, 0, "inactive"),
    ],
)
def test_status_names(effective: int, activating: int, deactivating: int, status: str) -> None:
    assert StakeActivation(effective, activating, deactivating).status == status
