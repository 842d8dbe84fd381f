"""Decoder of Stake program accounts (`StakeStateV2`, bincode, little-endian).

The account is a fixed 200 bytes (`StakeStateV2::size_of()`):

    0    u32  tag: 0 Uninitialized | 1 Initialized | 2 Stake | 3 RewardsPool
    4    Meta (tags 1, 2)
         4    u64     rent_exempt_reserve
         12   [u8;32] authorized.staker        <- getProgramAccounts memcmp offset
         44   [u8;32] authorized.withdrawer    <- getProgramAccounts memcmp offset
         76   i64     lockup.unix_timestamp
         84   u64     lockup.epoch
         92   [u8;32] lockup.custodian
    124  Stake (tag 2)
         124  [u8;32] delegation.voter_pubkey
         156  u64     delegation.stake (lamports)
         164  u64     delegation.activation_epoch    (u64::MAX: bootstrap stake)
         172  u64     delegation.deactivation_epoch  (u64::MAX: not deactivating)
         180  f64     delegation.warmup_cooldown_rate (deprecated, now reserved bytes)
         188  u64     credits_observed
    196  u8   stake_flags (tag 2)
    197  padding

Offsets follow /work/shared/reference/solana-rpc/stake-state-v2-layout.json.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from solders.pubkey import Pubkey

STAKE_PROGRAM_ID = "Stake11111111111111111111111111111111111111"
STAKE_ACCOUNT_SIZE = 200
STAKER_OFFSET = 12
WITHDRAWER_OFFSET = 44
VOTER_OFFSET = 124
U64_MAX = 2**64 - 1

_TAG = struct.Struct("<I")
_META = struct.Struct("<Q32s32sqQ32s")  # reserve, staker, withdrawer, lockup ts/epoch/custodian
_STAKE = struct.Struct("<32sQQQ8sQB")  # voter, stake, act, deact, reserved rate, credits, flags


class StakeAccountError(ValueError):
    """The bytes are not a StakeStateV2 account."""


class StakeStateKind(IntEnum):
    UNINITIALIZED = 0
    INITIALIZED = 1
    STAKE = 2
    REWARDS_POOL = 3


@dataclass(frozen=True, slots=True)
class Lockup:
    unix_timestamp: int
    epoch: int
    custodian: str


@dataclass(frozen=True, slots=True)
class Meta:
    rent_exempt_reserve: int
    staker: str
    withdrawer: str
    lockup: Lockup


@dataclass(frozen=True, slots=True)
class Delegation:
    voter: str
    stake: int
    activation_epoch: int
    deactivation_epoch: int
    warmup_cooldown_rate: float  # deprecated on chain; kept for completeness only

    @property
    def is_bootstrap(self) -> bool:
        return self.activation_epoch == U64_MAX


@dataclass(frozen=True, slots=True)
class StakeState:
    kind: StakeStateKind
    meta: Meta | None = None
    delegation: Delegation | None = None
    credits_observed: int | None = None
    flags: int | None = None


def _key(raw: bytes) -> str:
    return str(Pubkey(raw))


def decode_stake_account(data: bytes) -> StakeState:
    """Decode one stake account's data; StakeAccountError when it is not one."""
    if len(data) != STAKE_ACCOUNT_SIZE:
        raise StakeAccountError(f"stake account is {len(data)} bytes, expected 200")
    (tag,) = _TAG.unpack_from(data, 0)
    try:
        kind = StakeStateKind(tag)
    except ValueError:
        raise StakeAccountError(f"unknown StakeStateV2 tag {tag}") from None
    if kind in (StakeStateKind.UNINITIALIZED, StakeStateKind.REWARDS_POOL):
        return StakeState(kind)
    reserve, staker, withdrawer, until_ts, until_epoch, custodian = _META.unpack_from(data, 4)
    meta = Meta(
        reserve, _key(staker), _key(withdrawer), Lockup(until_ts, until_epoch, _key(custodian))
    )
    if kind is StakeStateKind.INITIALIZED:
        return StakeState(kind, meta)
    voter, stake, activation, deactivation, rate, credits, flags = _STAKE.unpack_from(data, 124)
    (rate_f64,) = struct.unpack("<d", rate)
    delegation = Delegation(_key(voter), stake, activation, deactivation, rate_f64)
    return StakeState(kind, meta, delegation, credits, flags)


def encode_stake_account(state: StakeState) -> bytes:
    """The inverse of `decode_stake_account` (the demo chain and tests build accounts)."""
    data = bytearray(STAKE_ACCOUNT_SIZE)
    _TAG.pack_into(data, 0, int(state.kind))
    if state.meta is not None:
        m = state.meta
        _META.pack_into(
            data, 4, m.rent_exempt_reserve, bytes(Pubkey.from_string(m.staker)),
            bytes(Pubkey.from_string(m.withdrawer)), m.lockup.unix_timestamp, m.lockup.epoch,
            bytes(Pubkey.from_string(m.lockup.custodian)),
        )  # fmt: skip
    if state.delegation is not None:
        d = state.delegation
        _STAKE.pack_into(
            data, 124, bytes(Pubkey.from_string(d.voter)), d.stake, d.activation_epoch,
            d.deactivation_epoch, struct.pack("<d", d.warmup_cooldown_rate),
            state.credits_observed or 0, state.flags or 0,
        )  # fmt: skip
    return bytes(data)
