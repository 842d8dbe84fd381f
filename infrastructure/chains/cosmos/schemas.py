"""Pydantic models of the Cosmos SDK LCD responses the adapter reads (REST swagger of
cosmos-sdk v0.47–v0.53). Only the fields used are modelled; unknown fields are ignored so
a node upgrade that adds fields keeps working, while a changed type fails validation.

Wire conventions:
- 64-bit integers (`tokens`, heights, counters) are decimal strings.
- Decimals (`LegacyDec`: rates, DecCoin amounts) are 18-decimal strings
  ("0.050000000000000000"). Some SDK versions' gateways emit the raw atomics instead:
  the integer scaled by 10^18 ("50000000000000000", as the mint and distribution READMEs
  show), or those atomics base64-encoded (the swagger types them `format: byte`).
  `Dec18` accepts all three.
- proto3 JSON may omit fields holding their default (false, 0); such fields default here.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

DEC_PRECISION = 18
_DECIMAL = re.compile(r"-?\d+\.\d+")
_INTEGER = re.compile(r"-?\d+")


def _int(value: Any) -> Any:
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise ValueError("expected an integer string")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected an integer string")
    return value


def _from_atomics(digits: str) -> Decimal:
    """The LegacyDec whose atomics (value × 10^18) are `digits`, exactly: string surgery
    rather than `scaleb`, which would round to the context's 28 significant digits."""
    sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
    digits = digits.rjust(DEC_PRECISION + 1, "0")
    return Decimal(f"{sign}{digits[:-DEC_PRECISION]}.{digits[-DEC_PRECISION:]}")


def _dec18(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError("expected a decimal string")
    if _DECIMAL.fullmatch(value):
        return Decimal(value)
    if _INTEGER.fullmatch(value):  # atomics: the value scaled by 10^18
        return _from_atomics(value)
    try:  # base64 of the atomics' ASCII digits (`format: byte` in the swagger)
        text = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        text = ""
    if _INTEGER.fullmatch(text):
        return _from_atomics(text)
    raise ValueError("expected an 18-decimal string")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Int = Annotated[int, BeforeValidator(_int)]
Dec18 = Annotated[Decimal, BeforeValidator(_dec18)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
OperatorAddress = Annotated[str, Field(pattern=r"^cosmosvaloper1[02-9ac-hj-np-z]+$")]
ConsensusAddress = Annotated[str, Field(pattern=r"^cosmosvalcons1[02-9ac-hj-np-z]+$")]
AccountAddress = Annotated[str, Field(pattern=r"^cosmos1[02-9ac-hj-np-z]+$")]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PageResponse(Model):
    next_key: str | None = None  # base64 store key; null or "" on the last page
    total: Int | None = None  # filled only when the request counted (or used offsets)


class Paged(Model):
    pagination: PageResponse | None = None

    @property
    def next_key(self) -> str | None:
        return (self.pagination.next_key or None) if self.pagination else None


class Coin(Model):
    denom: str
    amount: Int


class DecCoin(Model):
    denom: str
    amount: Dec18


class PubKey(Model):
    """A protobuf `Any` holding a public key: {"@type": "/cosmos.crypto.ed25519.PubKey",
    "key": "<base64>"}."""

    type_url: str = Field(alias="@type")
    key: str | None = None


# --- x/staking ---------------------------------------------------------------

BondStatus = Literal[
    "BOND_STATUS_UNSPECIFIED", "BOND_STATUS_UNBONDED", "BOND_STATUS_UNBONDING", "BOND_STATUS_BONDED"
]


class Description(Model):
    """Self-published, untrusted text (cleaned before it is kept: chains/untrusted.py)."""

    moniker: str = ""
    identity: str = ""  # a Keybase key id (16 hex digits), by convention
    website: str = ""
    details: str = ""


class CommissionRates(Model):
    rate: Dec18
    max_rate: Dec18 | None = None
    max_change_rate: Dec18 | None = None


class Commission(Model):
    commission_rates: CommissionRates
    update_time: UtcDatetime | None = None


class StakingValidator(Model):
    operator_address: OperatorAddress
    consensus_pubkey: PubKey
    jailed: bool = False
    status: BondStatus
    tokens: Int
    description: Description = Description()
    commission: Commission


class ValidatorsPage(Paged):
    validators: list[StakingValidator]


class Delegation(Model):
    delegator_address: AccountAddress
    validator_address: OperatorAddress


class DelegationResponse(Model):
    delegation: Delegation
    balance: Coin


class DelegationsPage(Paged):
    delegation_responses: list[DelegationResponse]


class UnbondingEntry(Model):
    creation_height: Int
    completion_time: UtcDatetime
    initial_balance: Int | None = None
    balance: Int


class UnbondingDelegation(Model):
    delegator_address: AccountAddress
    validator_address: OperatorAddress
    entries: list[UnbondingEntry]


class UnbondingPage(Paged):
    unbonding_responses: list[UnbondingDelegation]


class Pool(Model):
    bonded_tokens: Int
    not_bonded_tokens: Int


class PoolResponse(Model):
    pool: Pool


class StakingParams(Model):
    unbonding_time: str | None = None  # a protobuf Duration, "1814400s"
    max_validators: Int
    bond_denom: str


class StakingParamsResponse(Model):
    params: StakingParams


# --- CometBFT validator set (cosmos.base.tendermint) --------------------------


class ConsensusValidator(Model):
    address: ConsensusAddress
    pub_key: PubKey | None = None
    voting_power: Int


class ValidatorSetPage(Paged):
    """Offset-paginated (CometBFT caps pages at 100): `next_key` is never set."""

    block_height: Int
    validators: list[ConsensusValidator]


# --- x/slashing --------------------------------------------------------------


class SlashingParams(Model):
    signed_blocks_window: Int
    min_signed_per_window: Dec18
    downtime_jail_duration: str | None = None  # a protobuf Duration, "600s"
    slash_fraction_double_sign: Dec18
    slash_fraction_downtime: Dec18


class SlashingParamsResponse(Model):
    params: SlashingParams


class SigningInfo(Model):
    address: ConsensusAddress
    start_height: Int = 0
    index_offset: Int = 0  # blocks tracked since the info was (re)set; jailing resets it
    jailed_until: UtcDatetime | None = None
    tombstoned: bool = False
    missed_blocks_counter: Int = 0


class SigningInfosPage(Paged):
    info: list[SigningInfo]


# --- x/distribution, x/mint, x/bank --------------------------------------------


class DelegatorReward(Model):
    validator_address: OperatorAddress
    reward: list[DecCoin] | None = None


class RewardsResponse(Model):
    rewards: list[DelegatorReward] | None = None
    total: list[DecCoin] | None = None


class DistributionParams(Model):
    community_tax: Dec18


class DistributionParamsResponse(Model):
    params: DistributionParams


class InflationResponse(Model):
    inflation: Dec18


class SupplyResponse(Model):
    amount: Coin
