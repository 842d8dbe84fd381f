"""The pure derivation of reward events (domain/rewards/derive.py): ETH Δbalance plus
withdrawals and penalties, ATOM accrual and withdrawal detection, SOL epochs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.chains import Position, PositionKind
from domain.models import Chain
from domain.rewards.derive import (
    Rate,
    Reading,
    RewardBasis,
    atom_accrual,
    epochs_to_read,
    eth_balance_event,
    rate_of,
    sol_epoch_event,
)
from domain.rewards.events import RewardKind
from infrastructure.chains.cosmos.rewards import cosmos_reward_events

T0 = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
GWEI = 10**9


def eth(amount: int, at: datetime) -> Reading:
    return Reading("812345", "812345", amount, at)


def atom(pending: int | None, at: datetime, amount: int = 1_000_000_000) -> Reading:
    return Reading("delegation:cosmosvaloper1x", "cosmosvaloper1x", amount, at, pending)


# --- ETH ----------------------------------------------------------------------------


def test_eth_income_is_the_balance_change() -> None:
    event = eth_balance_event("0xabc", eth(32 * GWEI + 1_000, T0), eth(32 * GWEI + 4_600, T1), 0)
    assert event is not None
    assert (event.amount, event.kind) == (3_600, RewardKind.REWARD)
    assert event.period == "ingest:2026-12-03T13:00:00Z/2026-12-03T14:00:00Z"
    assert (event.period_start, event.occurred_at) == (T0, T1)
    assert event.stake == 32 * GWEI + 1_000 and event.chain is Chain.ETH
    assert not event.estimated


def test_eth_a_withdrawal_is_income_not_a_loss() -> None:
    # swept 0.05 ETH meanwhile, then earned 800 gwei more: the balance fell
    before, after = eth(32 * GWEI + 50_000_000, T0), eth(32 * GWEI + 800, T1)
    event = eth_balance_event("0xabc", before, after, 50_000_000 + 3_000)
    assert event is not None
    assert (event.amount, event.kind) == (3_800, RewardKind.REWARD)


def test_eth_a_drop_without_withdrawal_is_a_penalty() -> None:
    event = eth_balance_event("0xabc", eth(32 * GWEI, T0), eth(32 * GWEI - 7_000, T1), 0)
    assert event is not None
    assert (event.amount, event.kind) == (-7_000, RewardKind.PENALTY)


def test_eth_nothing_for_no_change_or_readings_out_of_order() -> None:
    assert eth_balance_event("0xabc", eth(32 * GWEI, T0), eth(32 * GWEI, T1), 0) is None
    assert eth_balance_event("0xabc", eth(1, T1), eth(5, T0), 0) is None
    assert eth_balance_event("0xabc", eth(1, T0), eth(5, T0), 0) is None


# --- ATOM ---------------------------------------------------------------------------


def test_atom_accrual_is_the_growth_of_pending_rewards() -> None:
    event = atom_accrual("cosmos1a", atom(1_000, T0), atom(1_450, T1), None)
    assert event is not None
    assert (event.amount, event.estimated, event.kind) == (450, False, RewardKind.REWARD)
    assert event.period == "accrual:2026-12-03T13:00:00Z/2026-12-03T14:00:00Z"
    assert event.stake == 1_000_000_000


def test_atom_a_drop_is_a_withdrawal_estimated_at_the_previous_rate() -> None:
    # 450 an hour before; claimed meanwhile, 100 pending since: 2 h at 450/h
    later = T1 + timedelta(hours=1)
    event = atom_accrual("cosmos1a", atom(1_450, T1), atom(100, later + timedelta(hours=1)),
                         Rate(450, 3600))  # fmt: skip
    assert event is not None
    assert (event.amount, event.estimated, event.source) == (900, True, "withdrawal")


def test_atom_a_withdrawal_accrues_at_least_what_is_pending_since() -> None:
    event = atom_accrual("cosmos1a", atom(1_450, T0), atom(700, T1), Rate(10, 3600))
    assert event is not None and (event.amount, event.estimated) == (700, True)
    unknown_rate = atom_accrual("cosmos1a", atom(1_450, T0), atom(30, T1), None)
    assert unknown_rate is not None and (unknown_rate.amount, unknown_rate.estimated) == (30, True)


def test_atom_nothing_without_pending_rewards_on_both_sides() -> None:
    assert atom_accrual("cosmos1a", atom(None, T0), atom(5, T1), None) is None
    assert atom_accrual("cosmos1a", atom(5, T0), atom(None, T1), None) is None
    assert atom_accrual("cosmos1a", atom(5, T0), atom(5, T1), None) is None  # jailed: no accrual


def test_rate_of_a_stored_event() -> None:
    event = atom_accrual("cosmos1a", atom(0, T0), atom(360, T0 + timedelta(minutes=30)), None)
    assert event is not None
    assert rate_of(event) == Rate(360, 1800.0)


def test_cosmos_events_from_positions_and_the_basis() -> None:
    def position(key: str, kind: PositionKind, rewards: int | None) -> Position:
        return Position(Chain.ATOM, "cosmos1a", key.split(":")[-1], kind, 1_000, "active",
                        key, T1, rewards=rewards)  # fmt: skip

    basis = RewardBasis(
        {
            "delegation:v1": Reading("delegation:v1", "v1", 1_000, T0, 40),
            "delegation:v2": Reading("delegation:v2", "v2", 1_000, T0, 0),
        },
        {},
        T0,
    )
    events = cosmos_reward_events(
        [
            position("delegation:v1", PositionKind.STAKE, 100),
            position("delegation:v2", PositionKind.STAKE, None),  # rewards unreadable now
            position("delegation:v3", PositionKind.STAKE, 7),  # new: no previous reading
            position("unbonding:v1:5", PositionKind.UNBONDING, None),
        ],
        basis,
    )
    assert [(e.position_key, e.amount) for e in events] == [("delegation:v1", 60)]


# --- SOL ----------------------------------------------------------------------------


def test_sol_epoch_event() -> None:
    event = sol_epoch_event("Wallet", "Stake1", "Vote1", 812, 123_456, stake=10**12,
                            effective_slot=351_216_000, occurred_at=T1)  # fmt: skip
    assert event is not None
    assert (event.period, event.epoch, event.amount, event.source) == (
        "epoch:812", 812, 123_456, "slot:351216000",
    )  # fmt: skip
    assert sol_epoch_event("W", "S", "V", 812, 0, stake=1, effective_slot=1, occurred_at=T1) is None


def test_epochs_to_read() -> None:
    assert list(epochs_to_read(None, 820, most=10)) == [819]
    assert list(epochs_to_read(815, 820, most=10)) == [816, 817, 818, 819]
    assert list(epochs_to_read(819, 820, most=10)) == []
    assert list(epochs_to_read(700, 820, most=3)) == [817, 818, 819]
