"""Stake warmup/cooldown: how much of a delegation is effective at an epoch.

A port of the runtime's `Delegation::stake_activating_and_deactivating` (stake
interface, integer `_v2` form of SIMD-0391): each epoch the whole cluster may
activate (and separately deactivate) at most `rate` x the previous epoch's
effective stake, shared pro rata among the accounts waiting; every waiting account
moves at least one lamport per epoch. The cluster totals per epoch come from the
StakeHistory sysvar. We compute this ourselves because `getStakeActivation` is
deprecated and removed from current RPC nodes.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass

from infrastructure.chains.solana.stake_account import Delegation

STAKE_HISTORY_SYSVAR = "SysvarStakeHistory1111111111111111111111111"
STAKE_HISTORY_MAX_ENTRIES = 512
ORIGINAL_RATE_BPS = 2_500  # 25 % per epoch before `reduce_stake_warmup_cooldown`
NEW_RATE_BPS = 900  # 9 % per epoch since
# mainnet-beta activated the reduced rate at epoch 565 (feature GwtDQBgh…); only
# histories reaching back before that need the old rate
MAINNET_NEW_RATE_EPOCH = 565
_ENTRY = struct.Struct("<QQQQ")  # epoch, effective, activating, deactivating


class StakeHistoryError(ValueError):
    """The bytes are not a StakeHistory sysvar."""


@dataclass(frozen=True, slots=True)
class StakeHistoryEntry:
    effective: int
    activating: int
    deactivating: int


@dataclass(frozen=True, slots=True)
class StakeActivation:
    effective: int
    activating: int
    deactivating: int

    @property
    def status(self) -> str:
        # the order getStakeActivation used: a deactivating stake that is still
        # warming up reports "deactivating"
        if self.deactivating > 0:
            return "deactivating"
        if self.activating > 0:
            return "activating"
        return "active" if self.effective > 0 else "inactive"


StakeHistory = Mapping[int, StakeHistoryEntry]


def decode_stake_history(data: bytes) -> dict[int, StakeHistoryEntry]:
    """bincode `Vec<(Epoch, StakeHistoryEntry)>`: u64 length, then 32-byte entries
    (newest first); the sysvar account is allocated at full size, so bytes after
    the last entry are zero padding."""
    if len(data) < 8:
        raise StakeHistoryError("stake history shorter than its length prefix")
    (count,) = struct.unpack_from("<Q", data, 0)
    if count > STAKE_HISTORY_MAX_ENTRIES or 8 + count * _ENTRY.size > len(data):
        raise StakeHistoryError(f"stake history claims {count} entries in {len(data)} bytes")
    history = {}
    for index in range(count):
        epoch, effective, activating, deactivating = _ENTRY.unpack_from(data, 8 + index * 32)
        history[epoch] = StakeHistoryEntry(effective, activating, deactivating)
    return history


def encode_stake_history(history: Mapping[int, StakeHistoryEntry]) -> bytes:
    """Newest first, padded to the sysvar's full size (the demo chain serves this)."""
    epochs = sorted(history, reverse=True)[:STAKE_HISTORY_MAX_ENTRIES]
    data = bytearray(8 + STAKE_HISTORY_MAX_ENTRIES * _ENTRY.size)
    struct.pack_into("<Q", data, 0, len(epochs))
    for index, epoch in enumerate(epochs):
        e = history[epoch]
        _ENTRY.pack_into(data, 8 + index * 32, epoch, e.effective, e.activating, e.deactivating)
    return bytes(data)


def _rate_bps(epoch: int, new_rate_epoch: int | None) -> int:
    return (
        NEW_RATE_BPS
        if new_rate_epoch is not None and epoch >= new_rate_epoch
        else ORIGINAL_RATE_BPS
    )


def _allowance(mine: int, cluster_waiting: int, cluster_effective: int, rate_bps: int) -> int:
    """My pro-rata share of the cluster's per-epoch change allowance, at least 1."""
    if mine == 0 or cluster_waiting == 0 or cluster_effective == 0:
        share = 0
    else:
        share = min(mine * cluster_effective * rate_bps // (cluster_waiting * 10_000), mine)
    return max(share, 1)


def _effective_and_activating(
    d: Delegation, epoch: int, history: StakeHistory, new_rate_epoch: int | None
) -> tuple[int, int]:
    if d.is_bootstrap:
        return d.stake, 0
    if d.activation_epoch == d.deactivation_epoch:  # delegated and undelegated at once
        return 0, 0
    if epoch == d.activation_epoch:
        return 0, d.stake
    if epoch < d.activation_epoch:
        return 0, 0
    prev_epoch, prev = d.activation_epoch, history.get(d.activation_epoch)
    if prev is None:  # older than the history: fully warmed up long ago
        return d.stake, 0
    effective = 0
    while prev.activating != 0:  # the runtime stops when nothing was warming up
        current = prev_epoch + 1
        rate = _rate_bps(current, new_rate_epoch)
        effective += _allowance(d.stake - effective, prev.activating, prev.effective, rate)
        if effective >= d.stake:
            effective = d.stake
            break
        if current >= epoch or current >= d.deactivation_epoch:
            break
        nxt = history.get(current)
        if nxt is None:
            break
        prev_epoch, prev = current, nxt
    return effective, d.stake - effective


def stake_activation(
    d: Delegation,
    epoch: int,
    history: StakeHistory,
    new_rate_epoch: int | None = MAINNET_NEW_RATE_EPOCH,
) -> StakeActivation:
    """Effective / activating / deactivating lamports of `d` at `epoch`."""
    effective, activating = _effective_and_activating(d, epoch, history, new_rate_epoch)
    if epoch < d.deactivation_epoch:
        return StakeActivation(effective, activating, 0)
    if epoch == d.deactivation_epoch:  # only what became effective can cool down
        return StakeActivation(effective, 0, effective)
    prev_epoch, prev = d.deactivation_epoch, history.get(d.deactivation_epoch)
    if prev is None:  # deactivated before the history begins: long gone
        return StakeActivation(0, 0, 0)
    remaining = effective
    while prev.deactivating != 0:
        current = prev_epoch + 1
        rate = _rate_bps(current, new_rate_epoch)
        remaining -= min(remaining, _allowance(remaining, prev.deactivating, prev.effective, rate))
        if remaining == 0 or current >= epoch:
            break
        nxt = history.get(current)
        if nxt is None:
            break
        prev_epoch, prev = current, nxt
    return StakeActivation(remaining, 0, remaining)
