"""Stake account and StakeHistory decoding against hand-built byte buffers laid out
per the reference (stake-state-v2-layout.json): 200 bytes, u32 tag, Meta at 4,
staker at 12, withdrawer at 44, lockup at 76, delegation at 124, flags at 196."""

from __future__ import annotations

import struct

import pytest
from solders.pubkey import Pubkey

from infrastructure.chains.solana.activation import (
    StakeHistoryEntry,
    StakeHistoryError,
    decode_stake_history,
    encode_stake_history,
)
from infrastructure.chains.solana.stake_account import (
    U64_MAX,
    StakeAccountError,
    StakeStateKind,
    decode_stake_account,
    encode_stake_account,
)

STAKER = "CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY"
WITHDRAWER = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T"
CUSTODIAN = "85iYT5RuzRTDgjyRa3cP8SYhM2j21fj7NhfJ3peu1DPr"
VOTER = "i7NyKBMJCA9bLM2nsGyAGCKHECuR2L5eh4GqFciuwNT"


def raw(key: str) -> bytes:
    return bytes(Pubkey.from_string(key))


def account(tag: int, *, meta: bool = True, stake: bool = True, size: int = 200) -> bytes:
    """A StakeStateV2 account written field by field at the reference offsets."""
    data = bytearray(size)
    struct.pack_into("<I", data, 0, tag)
    if meta:
        struct.pack_into("<Q", data, 4, 2_282_880)  # rent_exempt_reserve
        data[12:44] = raw(STAKER)
        data[44:76] = raw(WITHDRAWER)
        struct.pack_into("<q", data, 76, 1_830_297_600)  # lockup.unix_timestamp
        struct.pack_into("<Q", data, 84, 900)  # lockup.epoch
        data[92:124] = raw(CUSTODIAN)
    if stake:
        data[124:156] = raw(VOTER)
        struct.pack_into("<Q", data, 156, 5_000_000_000_000)  # delegation.stake
        struct.pack_into("<Q", data, 164, 812)  # activation_epoch
        struct.pack_into("<Q", data, 172, U64_MAX)  # deactivation_epoch: none
        struct.pack_into("<d", data, 180, 0.25)  # warmup_cooldown_rate (deprecated)
        struct.pack_into("<Q", data, 188, 1_406_766_600)  # credits_observed
        data[196] = 1  # stake_flags
    return bytes(data)


def test_a_delegated_stake_account_decodes_every_field() -> None:
    state = decode_stake_account(account(2))
    assert state.kind is StakeStateKind.STAKE
    assert state.meta is not None and state.delegation is not None
    assert state.meta.rent_exempt_reserve == 2_282_880
    assert (state.meta.staker, state.meta.withdrawer) == (STAKER, WITHDRAWER)
    assert state.meta.lockup.unix_timestamp == 1_830_297_600
    assert state.meta.lockup.epoch == 900
    assert state.meta.lockup.custodian == CUSTODIAN
    d = state.delegation
    assert (d.voter, d.stake, d.activation_epoch) == (VOTER, 5_000_000_000_000, 812)
    assert d.deactivation_epoch == U64_MAX and d.warmup_cooldown_rate == 0.25
    assert not d.is_bootstrap
    assert state.credits_observed == 1_406_766_600 and state.flags == 1


def test_an_initialized_account_has_meta_but_no_delegation() -> None:
    state = decode_stake_account(account(1, stake=False))
    assert state.kind is StakeStateKind.INITIALIZED
    assert state.meta is not None and state.meta.staker == STAKER
    assert state.delegation is None and state.credits_observed is None


@pytest.mark.parametrize("tag", [0, 3])
def test_uninitialized_and_rewards_pool_carry_nothing(tag: int) -> None:
    state = decode_stake_account(account(tag, meta=False, stake=False))
    assert state.kind == tag and state.meta is None and state.delegation is None


def test_negative_lockup_timestamps_are_signed() -> None:
    data = bytearray(account(1, stake=False))
    struct.pack_into("<q", data, 76, -1)
    state = decode_stake_account(bytes(data))
    assert state.meta is not None and state.meta.lockup.unix_timestamp == -1


def test_a_bootstrap_stake_has_max_activation_epoch() -> None:
    data = bytearray(account(2))
    struct.pack_into("<Q", data, 164, U64_MAX)
    state = decode_stake_account(bytes(data))
    assert state.delegation is not None and state.delegation.is_bootstrap


@pytest.mark.parametrize("size", [0, 4, 124, 199, 201, 3_762])
def test_wrong_lengths_are_rejected(size: int) -> None:
    with pytest.raises(StakeAccountError, match="expected 200"):
        decode_stake_account((account(2) + bytes(size))[:size])


def test_an_unknown_tag_is_rejected() -> None:
    with pytest.raises(StakeAccountError, match="tag 4"):
        decode_stake_account(account(4))


def test_encoding_is_the_exact_inverse() -> None:
    for data in (account(2), account(1, stake=False), account(0, meta=False, stake=False)):
        assert encode_stake_account(decode_stake_account(data)) == data


# --- StakeHistory sysvar: u64 count, then (epoch, effective, activating, deactivating) ---


def history_bytes(entries: list[tuple[int, int, int, int]], pad_to: int = 16_392) -> bytes:
    data = struct.pack("<Q", len(entries)) + b"".join(struct.pack("<QQQQ", *e) for e in entries)
    return data + bytes(max(0, pad_to - len(data)))


def test_stake_history_decodes_newest_first_entries_and_ignores_padding() -> None:
    data = history_bytes([(905, 400, 3, 2), (904, 390, 5, 1)])
    assert decode_stake_history(data) == {
        905: StakeHistoryEntry(400, 3, 2),
        904: StakeHistoryEntry(390, 5, 1),
    }
    assert decode_stake_history(history_bytes([], pad_to=8)) == {}


def test_stake_history_round_trips_at_full_sysvar_size() -> None:
    history = {e: StakeHistoryEntry(e * 10, e, e + 1) for e in range(300, 900)}
    data = encode_stake_history(history)
    assert len(data) == 16_392  # 8 + 512 x 32: the sysvar's allocated size
    decoded = decode_stake_history(data)
    assert len(decoded) == 512 and min(decoded) == 388  # only the newest 512 are kept
    assert decoded[899] == history[899]


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01\x00", history_bytes([(1, 2, 3, 4)], pad_to=0)[:-1], struct.pack("<Q", 513)],
)
def test_truncated_or_oversized_histories_are_rejected(data: bytes) -> None:
    with pytest.raises(StakeHistoryError):
        decode_stake_history(data)
