"""Models of the Beacon API (v4) and execution JSON-RPC responses the adapter reads.

Small responses are pydantic models (validated by `ChainHttp`); the whole validator set
(~1.1M entries) is decoded batch by batch into the msgspec structs at the bottom, which
keep only the fields we store. Unknown fields are ignored so a node that adds fields
keeps working; a changed type fails validation.

Wire conventions: 64-bit integers are decimal strings ("32000000000"); epochs that are
not set are FAR_FUTURE_EPOCH (2**64 - 1); hex values are 0x-prefixed.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, Field

from infrastructure.chains.ethereum.statuses import BeaconStatus

FAR_FUTURE_EPOCH = 2**64 - 1
MAX_INT64 = 2**63 - 1  # BigInteger columns: values above (other than FAR) are invalid

Uint64 = Annotated[int, Field(ge=0, le=FAR_FUTURE_EPOCH)]
Int64 = Annotated[int, Field(ge=-(2**63), le=MAX_INT64)]
Gwei = Annotated[int, Field(ge=0, le=MAX_INT64)]
Pubkey = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{96}$")]
Bytes32 = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{64}$")]


# --- small Beacon API responses (pydantic) -------------------------------------------


class Validator(BaseModel):
    pubkey: Pubkey
    withdrawal_credentials: Bytes32
    effective_balance: Gwei
    slashed: bool
    activation_eligibility_epoch: Uint64
    activation_epoch: Uint64
    exit_epoch: Uint64
    withdrawable_epoch: Uint64


class ValidatorResponse(BaseModel):
    index: Annotated[int, Field(ge=0, le=MAX_INT64)]
    balance: Gwei
    status: BeaconStatus
    validator: Validator


class ValidatorsResponse(BaseModel):
    """GET/POST /eth/v1/beacon/states/{state_id}/validators"""

    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: list[ValidatorResponse]


class AttestationReward(BaseModel):
    validator_index: Uint64
    head: Int64
    target: Int64
    source: Int64
    inclusion_delay: Uint64 | None = None  # phase0 only
    inactivity: Int64 = 0


class IdealAttestationReward(BaseModel):
    effective_balance: Gwei
    head: Int64
    target: Int64
    source: Int64
    inclusion_delay: Uint64 | None = None
    inactivity: Int64 = 0


class AttestationsRewards(BaseModel):
    ideal_rewards: list[IdealAttestationReward]
    total_rewards: list[AttestationReward]


class AttestationsRewardsResponse(BaseModel):
    """POST /eth/v1/beacon/rewards/attestations/{epoch}"""

    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: AttestationsRewards


class Liveness(BaseModel):
    index: Uint64
    is_live: bool


class LivenessResponse(BaseModel):
    """POST /eth/v1/validator/liveness/{epoch}"""

    data: list[Liveness]


class Checkpoint(BaseModel):
    epoch: Uint64
    root: Bytes32


class FinalityCheckpoints(BaseModel):
    previous_justified: Checkpoint
    current_justified: Checkpoint
    finalized: Checkpoint


class FinalityCheckpointsResponse(BaseModel):
    """GET /eth/v1/beacon/states/{state_id}/finality_checkpoints"""

    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: FinalityCheckpoints


class BeaconBlockHeaderMessage(BaseModel):
    slot: Uint64
    proposer_index: Uint64


class SignedBeaconBlockHeader(BaseModel):
    message: BeaconBlockHeaderMessage


class BlockHeader(BaseModel):
    root: Bytes32
    canonical: bool
    header: SignedBeaconBlockHeader


class BlockHeaderResponse(BaseModel):
    """GET /eth/v1/beacon/headers/{block_id}"""

    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: BlockHeader


class RewardSpec(BaseModel):
    """The constants of /eth/v1/config/spec the reward formula needs (all quoted ints)."""

    BASE_REWARD_FACTOR: Annotated[int, Field(gt=0)]
    EFFECTIVE_BALANCE_INCREMENT: Annotated[int, Field(gt=0)]
    SLOTS_PER_EPOCH: Annotated[int, Field(gt=0)]
    SECONDS_PER_SLOT: Annotated[int, Field(gt=0)]


class SpecResponse(BaseModel):
    """GET /eth/v1/config/spec"""

    data: RewardSpec


# --- execution JSON-RPC ----------------------------------------------------------------

HexQuantity = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]+$")]


class RpcError(BaseModel):
    code: int
    message: str


class FeeHistory(BaseModel):
    oldestBlock: HexQuantity  # wire names are camelCase
    baseFeePerGas: list[HexQuantity]
    gasUsedRatio: list[Annotated[float, Field(ge=0, le=1)]]
    reward: list[list[HexQuantity]] | None = None


class FeeHistoryResponse(BaseModel):
    """eth_feeHistory"""

    result: FeeHistory | None = None
    error: RpcError | None = None


class BlockGas(BaseModel):
    gasLimit: HexQuantity


class BlockResponse(BaseModel):
    """eth_getBlockByNumber(…, false): only the gas limit is read"""

    result: BlockGas | None = None
    error: RpcError | None = None


# --- the whole validator set (msgspec, decoded in batches) ---------------------------

Uint63 = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT64)]
Epoch = Annotated[int, msgspec.Meta(ge=0)]  # <= 2**64-1 is checked when rows are built


class StreamedValidator(msgspec.Struct, gc=False):
    # lengths, not hex patterns: a pattern check costs ~0.8 s per 1.1M entries
    pubkey: Annotated[str, msgspec.Meta(min_length=98, max_length=98)]
    withdrawal_credentials: Annotated[str, msgspec.Meta(min_length=66, max_length=66)]
    effective_balance: Uint63
    slashed: bool
    activation_epoch: Epoch
    exit_epoch: Epoch


class StreamedEntry(msgspec.Struct, gc=False):
    index: Uint63
    balance: Uint63
    status: BeaconStatus
    validator: StreamedValidator


class StreamedEnvelope(msgspec.Struct):
    """The document around the `data` array (decoded with the array emptied)."""

    data: list[Any]
    execution_optimistic: bool | None = None
    finalized: bool | None = None


# --- rewards (issue 14): balances at past states, withdrawals in block payloads ----------


class Genesis(BaseModel):
    genesis_time: Uint64


class GenesisResponse(BaseModel):
    """GET /eth/v1/beacon/genesis"""

    data: Genesis


class ValidatorBalance(BaseModel):
    index: Annotated[int, Field(ge=0, le=MAX_INT64)]
    balance: Gwei


class ValidatorBalancesResponse(BaseModel):
    """GET/POST /eth/v1/beacon/states/{state_id}/validator_balances"""

    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: list[ValidatorBalance]


class Withdrawal(BaseModel):
    """Capella+ `execution_payload.withdrawals[]` (amount in gwei)."""

    index: Uint64
    validator_index: Uint64
    address: Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]
    amount: Gwei


class ExecutionPayloadWithdrawals(BaseModel):
    block_number: Uint64
    withdrawals: list[Withdrawal]


class BlockBodyWithdrawals(BaseModel):
    execution_payload: ExecutionPayloadWithdrawals


class BeaconBlockWithdrawals(BaseModel):
    slot: Uint64
    body: BlockBodyWithdrawals


class SignedBeaconBlockWithdrawals(BaseModel):
    message: BeaconBlockWithdrawals


class BlockWithdrawalsResponse(BaseModel):
    """GET /eth/v2/beacon/blocks/{block_id}: only the execution payload's withdrawals
    (Capella and later forks; other fields are ignored)."""

    version: str
    execution_optimistic: bool | None = None
    finalized: bool | None = None
    data: SignedBeaconBlockWithdrawals
