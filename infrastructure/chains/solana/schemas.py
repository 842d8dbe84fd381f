"""Pydantic models of the Solana JSON-RPC 2.0 responses the adapter reads.

Every answer is an envelope `{"jsonrpc": "2.0", "id", "result"}` or, when the node
refuses, `{"jsonrpc": "2.0", "id", "error": {"code", "message", "data"?}}`; both
parse into `RpcResponse[T]` and the adapter decides which one it got. Unknown
fields are ignored (nodes add fields between versions); the ones we read are
required and typed, so a changed format fails loudly as ChainDataInvalid.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, NonNegativeInt, StringConstraints

T = TypeVar("T")

# base58 of 32 bytes: 32..44 characters of the bitcoin alphabet
Base58Key = Annotated[str, StringConstraints(pattern=r"^[1-9A-HJ-NP-Za-km-z]{32,44}$")]
U64 = Annotated[int, Field(ge=0, le=2**64 - 1)]


def _decode_base64(value: Any) -> bytes:
    """`data` of an account read with `encoding: base64` is `[<base64>, "base64"]`."""
    if not (isinstance(value, list | tuple) and len(value) == 2 and value[1] == "base64"):
        raise ValueError('expected ["<data>", "base64"]')
    if not isinstance(value[0], str):
        raise ValueError("account data is not a string")
    try:
        return base64.b64decode(value[0], validate=True)
    except binascii.Error as exc:
        raise ValueError(f"account data is not base64: {exc}") from None


AccountData = Annotated[bytes, BeforeValidator(_decode_base64)]


class RpcError(BaseModel):
    code: int
    message: str
    data: Any = None


class RpcResponse(BaseModel, Generic[T]):
    jsonrpc: Literal["2.0"]
    id: int | str | None = None
    result: T | None = None
    error: RpcError | None = None


class RpcContext(BaseModel):
    slot: U64
    apiVersion: str | None = None


class WithContext(BaseModel, Generic[T]):
    """The `RpcResponse` wrapper some methods put around their value."""

    context: RpcContext
    value: T


# --- getVoteAccounts -------------------------------------------------------------


class VoteAccount(BaseModel):
    votePubkey: Base58Key
    nodePubkey: Base58Key
    activatedStake: U64
    commission: Annotated[int, Field(ge=0, le=100)]
    epochVoteAccount: bool
    epochCredits: list[tuple[U64, U64, U64]]  # [epoch, credits, previousCredits]
    lastVote: U64
    rootSlot: U64 | None = None


class VoteAccounts(BaseModel):
    current: list[VoteAccount]
    delinquent: list[VoteAccount]


# --- getClusterNodes -------------------------------------------------------------


class ClusterNode(BaseModel):
    pubkey: Base58Key
    version: str | None = None  # null when the node does not gossip its version
    featureSet: int | None = None
    shredVersion: int | None = None
    gossip: str | None = None
    rpc: str | None = None
    tpu: str | None = None


# --- getBlockProduction ----------------------------------------------------------


class SlotRange(BaseModel):
    firstSlot: U64
    lastSlot: U64


class BlockProduction(BaseModel):
    byIdentity: dict[Base58Key, tuple[NonNegativeInt, NonNegativeInt]]  # [leader, produced]
    range: SlotRange


# --- getEpochInfo, getInflationRate, getSupply -----------------------------------


class EpochInfo(BaseModel):
    absoluteSlot: U64
    blockHeight: U64
    epoch: U64
    slotIndex: U64
    slotsInEpoch: Annotated[int, Field(gt=0)]
    transactionCount: U64 | None = None


class InflationRate(BaseModel):
    total: Annotated[Decimal, Field(ge=0)]
    validator: Annotated[Decimal, Field(ge=0)]
    foundation: Annotated[Decimal, Field(ge=0)]
    epoch: U64


class Supply(BaseModel):
    total: U64
    circulating: U64
    nonCirculating: U64
    nonCirculatingAccounts: list[str] = []


# --- getAccountInfo, getProgramAccounts ------------------------------------------


class Account(BaseModel):
    data: AccountData
    executable: bool
    lamports: U64
    owner: Base58Key
    rentEpoch: U64
    space: U64 | None = None


class KeyedAccount(BaseModel):
    pubkey: Base58Key
    account: Account


# --- getProgramAccounts on the Config program, jsonParsed (validator-info) ------------
# A node parses each Config account it can (agave account-decoder `parse_config`):
# `data` is then {"program": "config", "parsed": {"type": "validatorInfo", "info":
# {"keys": [{"pubkey", "signer"}], "configData": <the published JSON>}}, "space"};
# an account it cannot parse falls back to ["<base64>", "base64"]. Only the envelope
# is checked here: one odd account must not cost every validator its name, so each
# account's `info` is validated on its own (`ValidatorInfo`) and skipped when bad.


class ParsedConfig(BaseModel):
    type: str
    info: Any = None


class ParsedData(BaseModel):
    program: str
    parsed: ParsedConfig
    space: U64 | None = None


class ParsedAccount(BaseModel):
    data: ParsedData | list[Any]  # a list: not parsable, sent as ["<data>", "<encoding>"]
    executable: bool
    lamports: U64
    owner: Base58Key
    rentEpoch: U64 | None = None
    space: U64 | None = None


class KeyedParsedAccount(BaseModel):
    pubkey: Base58Key
    account: ParsedAccount


class ConfigKey(BaseModel):
    pubkey: Base58Key
    signer: bool


class ValidatorInfo(BaseModel):
    """`info` of a parsed "validatorInfo" account: keys[0] is the Va1idator1nfo marker,
    keys[1] (a signer) the validator's identity; configData what it published."""

    keys: list[ConfigKey]
    configData: dict[str, Any]


VoteAccountsResponse = RpcResponse[VoteAccounts]
ClusterNodesResponse = RpcResponse[list[ClusterNode]]
BlockProductionResponse = RpcResponse[WithContext[BlockProduction]]
EpochInfoResponse = RpcResponse[EpochInfo]
InflationRateResponse = RpcResponse[InflationRate]
SupplyResponse = RpcResponse[WithContext[Supply]]
AccountInfoResponse = RpcResponse[WithContext[Account | None]]
ProgramAccountsResponse = RpcResponse[list[KeyedAccount]]
ConfigAccountsResponse = RpcResponse[list[KeyedParsedAccount]]


# --- getInflationReward (issue 14) -----------------------------------------------------


class InflationReward(BaseModel):
    """One address's inflation reward for one epoch (lamports); null when none."""

    epoch: U64
    effectiveSlot: U64
    amount: U64
    postBalance: U64
    commission: Annotated[int, Field(ge=0, le=100)] | None = None


InflationRewardResponse = RpcResponse[list[InflationReward | None]]
