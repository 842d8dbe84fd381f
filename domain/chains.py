"""Unified chain data: validators, staking positions, observations, chain metrics.

Every chain adapter maps its wire format onto these. Amounts are integers in the
chain's base unit (gwei, lamports, uatom); rates are `Decimal` fractions (0.05 = 5 %).
Validator `address` is the chain's own identifier: ETH the validator index as a
decimal string, SOL the vote account, ATOM the `cosmosvaloper…` operator address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Chain

BASE_UNIT_DECIMALS = {Chain.ETH: 9, Chain.SOL: 9, Chain.ATOM: 6}  # gwei, lamports, uatom


class ValidatorStatus(StrEnum):
    ACTIVE = "active"  # validating and earning (ATOM: in the consensus set)
    INACTIVE = "inactive"  # bonded/registered but not earning (ATOM: outside the active set)
    PENDING = "pending"  # ETH: waiting for activation
    DELINQUENT = "delinquent"  # SOL: not voting
    JAILED = "jailed"  # ATOM: jailed for downtime
    TOMBSTONED = "tombstoned"  # ATOM: double-signed, permanently out
    SLASHED = "slashed"  # ETH: slashed (exiting)
    EXITING = "exiting"  # ETH: voluntary exit in progress; ATOM: unbonding
    EXITED = "exited"  # ETH: exited / withdrawable (ATOM unbonded validators are INACTIVE)


class PositionKind(StrEnum):
    STAKE = "stake"
    UNBONDING = "unbonding"


@dataclass(frozen=True, slots=True)
class Validator:
    chain: Chain
    address: str
    status: ValidatorStatus
    stake: int  # base units bonded/delegated to it (ETH: effective balance in gwei)
    fetched_at: datetime
    name: str | None = None
    commission: Decimal | None = None  # fraction of rewards kept; ETH has none at protocol level
    jailed: bool = False
    slashed: bool = False
    # chain-specific identifiers: ETH pubkey/withdrawalAddress, SOL nodePubkey/version,
    # ATOM consensusAddress/website ... (strings only)
    identity: Mapping[str, str] = field(default_factory=dict)
    # False: the self-published name and description (DESCRIPTION_KEYS of `identity`)
    # could not be read this time (they are optional: SOL validator-info): the stored
    # ones stand instead of being wiped
    described: bool = True


# the keys of Validator.identity a validator publishes about itself (name aside)
DESCRIPTION_KEYS = frozenset({"website", "iconUrl", "details", "keybaseUsername", "identity"})


@dataclass(frozen=True, slots=True)
class Position:
    chain: Chain
    owner: str  # the wallet address holding the stake
    validator: str  # Validator.address
    kind: PositionKind
    amount: int  # base units: ETH validator balance (gwei), SOL delegated stake, ATOM balance
    # active | activating | deactivating | inactive | pending | exited | slashed | unbonding
    status: str
    key: str  # unique per (chain, owner): ETH index, SOL stake account, ATOM "delegation:<valoper>"
    fetched_at: datetime
    rewards: int | None = None  # pending rewards in base units, when the chain reports them
    completes_at: datetime | None = None  # unbonding completion


@dataclass(frozen=True, slots=True)
class Observation:
    """One sample of a validator's health, the raw material of the risk score."""

    chain: Chain
    validator: str
    observed_at: datetime
    status: ValidatorStatus
    stake: int | None = None
    commission: Decimal | None = None
    jailed: bool = False
    slashed: bool = False
    tombstoned: bool = False
    uptime: Decimal | None = None  # 0..1: ETH attestation/liveness, SOL voting, ATOM signed blocks
    performance: Decimal | None = None  # 0..1: ETH rewards actual/ideal, SOL credits vs cluster
    skip_rate: Decimal | None = None  # SOL: skipped leader slots / leader slots
    missed_blocks: int | None = None  # ATOM: missed in the signed-blocks window
    version: str | None = None  # SOL: client version


@dataclass(frozen=True, slots=True)
class ChainMetrics:
    chain: Chain
    observed_at: datetime
    total_staked: int  # base units
    validator_count: int
    active_validator_count: int
    total_supply: int | None = None
    inflation: Decimal | None = None  # annual fraction
    nominal_apr: Decimal | None = None  # gross network reward rate before commission
    bonded_ratio: Decimal | None = None
    community_tax: Decimal | None = None
    epoch: int | None = None
    # names of the fields above that are configured estimates, not measured on chain
    estimated: tuple[str, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)  # chain-specific extras


@dataclass(frozen=True, slots=True)
class Price:
    chain: Chain
    currency: str  # "usd" | "eur"
    price: Decimal  # per whole coin (ETH, SOL, ATOM)
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class ChainSync:
    """Per chain and ingest step: when it last ran, succeeded and failed."""

    chain: Chain
    step: str  # validators | positions | observations | metrics | prices ...
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None  # "<ExceptionType>: <message>", redacted
    last_error_at: datetime | None = None
    items: int | None = None
