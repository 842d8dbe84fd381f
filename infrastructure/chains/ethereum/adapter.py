"""Ethereum through the Beacon API (and, optionally, an execution node's JSON-RPC).

- the whole validator set streams through `stream_validator_set()` into the stored set
  (`fetch_validator_set()`, the port's whole-set step; the API cannot filter by
  withdrawal address, so positions come from the stored set);
- positions: the stored set's indices for a withdrawal address, then their fresh state;
- observations: state, plus attestation performance (rewards actual/ideal) and liveness
  for the last finalized epoch;
- metrics: the spec's reward formula over the total active balance; supply and burn are
  configured estimates unless an execution endpoint measures the burn.

Pure functions at the bottom do the arithmetic on parsed responses (no I/O).
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from domain.addresses import shorten
from domain.chains import (
    ChainMetrics,
    Observation,
    Position,
    PositionKind,
    Validator,
    ValidatorStatus,
)
from domain.errors import ChainError, ChainUnavailable, InvalidInput
from domain.models import Chain
from domain.ports import SetProgress, ValidatorSet, ValidatorSetIndex, no_progress
from domain.rewards.derive import RewardBasis
from domain.rewards.events import RewardEvent
from infrastructure.chains.ethereum.rewards import EthRewards
from infrastructure.chains.ethereum.schemas import (
    AttestationsRewards,
    AttestationsRewardsResponse,
    BlockHeaderResponse,
    BlockResponse,
    FeeHistoryResponse,
    FinalityCheckpointsResponse,
    LivenessResponse,
    RewardSpec,
    SpecResponse,
    ValidatorResponse,
    ValidatorsResponse,
)
from infrastructure.chains.ethereum.statuses import ACTIVE_STATUSES, STATUS
from infrastructure.chains.ethereum.validator_set import (
    DEFAULT_BATCH_BYTES,
    SetSummary,
    ValidatorRecord,
    ValidatorSetDecoder,
    decode_stream,
    withdrawal_target,
)
from infrastructure.chains.http import ChainHttp
from infrastructure.logging import get_logger

log = get_logger(__name__)
T = TypeVar("T")

VALIDATORS = "/eth/v1/beacon/states/head/validators"
FINALITY = "/eth/v1/beacon/states/head/finality_checkpoints"
HEADER = "/eth/v1/beacon/headers/head"
SPEC = "/eth/v1/config/spec"
REWARDS = "/eth/v1/beacon/rewards/attestations/{epoch}"
LIVENESS = "/eth/v1/validator/liveness/{epoch}"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_PUBKEY = re.compile(r"0x[0-9a-fA-F]{96}")
_RATE = Decimal("1e-10")

# Position.status vocabulary (shared by all chains)
POSITION_STATUS = {
    ValidatorStatus.PENDING: "pending",
    ValidatorStatus.ACTIVE: "active",
    ValidatorStatus.EXITING: "deactivating",
    ValidatorStatus.SLASHED: "slashed",
    ValidatorStatus.EXITED: "exited",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EthConfig:
    ids_per_request: int = 500  # validator ids per POST
    batch_bytes: int = DEFAULT_BATCH_BYTES  # JSON per decoded batch of the whole set
    seconds_per_year: int = 31_557_600  # 365.25 days
    # estimates, marked as such in ChainMetrics.estimated
    execution_apr_estimate: Decimal = Decimal("0.003")  # priority fees + MEV, per year
    total_supply_gwei: int | None = None  # None: total active balance / staked ratio
    staked_ratio_estimate: Decimal = Decimal("0.29")
    burn_rate_estimate: Decimal = Decimal("0.0007")  # of the supply per year, no execution node
    fee_history_blocks: int = 1024  # eth_feeHistory window when an execution node is set


@dataclass(frozen=True)
class ExecutionFigures:
    """Measured on the execution layer, per year in gwei (extrapolated from recent blocks)."""

    burn: int  # base fees burnt
    priority_fees: int  # tips paid to proposers (MEV not included)


class EthereumAdapter:
    chain = Chain.ETH

    def __init__(
        self,
        http: ChainHttp,
        index: ValidatorSetIndex,
        *,
        execution: ChainHttp | None = None,
        now: Callable[[], datetime] = utcnow,
        config: EthConfig = EthConfig(),  # frozen: safe to share
    ) -> None:
        self._http = http
        self._index = index
        self._execution = execution
        self._now = now
        self._config = config
        self.last_set_summary: SetSummary | None = None
        self._reward_events = EthRewards(http)

    # --- the whole set ------------------------------------------------------------------

    async def stream_validator_set(self) -> AsyncIterator[list[ValidatorRecord]]:
        """Batches of `eth_validators` rows (see validator_set.RECORD_FIELDS); when the
        stream completes, `last_set_summary` holds its totals."""
        decoder = ValidatorSetDecoder(VALIDATORS, batch_bytes=self._config.batch_bytes)
        async with self._http.stream("GET", VALIDATORS) as response:
            async for batch in decode_stream(decoder, _body(response, VALIDATORS)):
                yield batch
        self.last_set_summary = decoder.summary

    async def fetch_validator_set(self, progress: SetProgress = no_progress) -> ValidatorSet:
        """Stream the whole set into the stored index (1.1M entries: no validator rows;
        the staked and watched validators are read by id)."""

        async def counted() -> AsyncIterator[list[ValidatorRecord]]:
            done = 0
            async for batch in self.stream_validator_set():
                done += len(batch)
                progress(done)
                yield batch

        return ValidatorSet(validators=[], size=await self._index.replace(counted()))

    async def _set_summary(self) -> SetSummary:
        if self.last_set_summary is None:
            async for _ in self.stream_validator_set():
                pass
        assert self.last_set_summary is not None
        return self.last_set_summary

    # --- validators and positions ------------------------------------------------------

    async def _states(self, ids: Iterable[str]) -> list[ValidatorResponse]:
        wanted = list(dict.fromkeys(_validator_id(value) for value in ids))
        states: list[ValidatorResponse] = []
        for chunk in _chunks(wanted, self._config.ids_per_request):
            response = await self._http.post(VALIDATORS, ValidatorsResponse, json={"ids": chunk})
            states.extend(response.data)
        return sorted(states, key=lambda state: state.index)

    async def fetch_validators(self, ids: Sequence[str] | None = None) -> list[Validator]:
        if ids is None:
            raise InvalidInput("the ETH validator set streams through fetch_validator_set()")
        now = self._now()
        return [to_validator(state, now) for state in await self._states(ids)]

    async def fetch_positions(self, address: str) -> list[Position]:
        if not _ADDRESS.fullmatch(address):
            raise InvalidInput("not an Ethereum address (0x and 40 hex digits)")
        indices = await self._index.indices_for(address)
        if not indices:
            return []
        now, owner = self._now(), address.lower()
        positions = []
        for state in await self._states(indices):
            # the stored set may be an hour old; keep only what still withdraws here
            if withdrawal_target(state.validator.withdrawal_credentials)[1] != owner:
                continue
            positions.append(
                Position(
                    chain=Chain.ETH,
                    owner=address,
                    validator=str(state.index),
                    kind=PositionKind.STAKE,
                    amount=state.balance,
                    status=POSITION_STATUS[STATUS[state.status]],
                    key=str(state.index),
                    fetched_at=now,
                )
            )
        log.info("eth_positions", wallet=shorten(address), count=len(positions))
        return positions

    async def fetch_rewards(
        self, address: str, positions: Sequence[Position], basis: RewardBasis
    ) -> list[RewardEvent]:
        """Each validator's income since the previous ingest (infrastructure/chains/
        ethereum/rewards.py): balance change plus withdrawals."""
        return await self._reward_events.fetch(address, positions, basis)

    # --- observations -----------------------------------------------------------------

    async def fetch_observations(self, ids: Sequence[str]) -> list[Observation]:
        if not ids:
            return []
        states = await self._states(ids)
        now = self._now()
        active = [state for state in states if state.status in ACTIVE_STATUSES]
        performance: dict[int, Decimal] = {}
        uptime: dict[int, Decimal] = {}
        if active:
            checkpoints = await self._http.get(FINALITY, FinalityCheckpointsResponse)
            finalized = checkpoints.data.finalized.epoch
            effective = {state.index: state.validator.effective_balance for state in active}
            rewards = await self._rewards(finalized, list(effective))
            if rewards is not None:
                performance = attestation_performance(rewards, effective)
            uptime = await self._liveness(finalized, list(effective))
            if not uptime and rewards is not None:  # no liveness: an included vote is live
                uptime = attested(rewards)
        return [
            Observation(
                chain=Chain.ETH,
                validator=str(state.index),
                observed_at=now,
                status=STATUS[state.status],
                stake=state.validator.effective_balance,
                slashed=state.validator.slashed,
                uptime=uptime.get(state.index),
                performance=performance.get(state.index),
            )
            for state in states
        ]

    async def _rewards(self, epoch: int, indices: list[int]) -> AttestationsRewards | None:
        path = REWARDS.format(epoch=epoch)
        ideal, total = [], []
        try:
            for chunk in _chunks([str(i) for i in indices], self._config.ids_per_request):
                response = await self._http.post(path, AttestationsRewardsResponse, json=chunk)
                ideal.extend(response.data.ideal_rewards)
                total.extend(response.data.total_rewards)
        except ChainUnavailable as exc:  # performance is then unavailable, not faked
            log.warning("eth_rewards_unavailable", epoch=epoch, error=str(exc))
            return None
        return AttestationsRewards(ideal_rewards=ideal, total_rewards=total)

    async def _liveness(self, epoch: int, indices: list[int]) -> dict[int, Decimal]:
        """1 or 0 per validator for `epoch`; empty when the node cannot tell (nodes need
        only keep the current and previous epoch)."""
        path = LIVENESS.format(epoch=epoch)
        uptime = {}
        try:
            for chunk in _chunks([str(i) for i in indices], self._config.ids_per_request):
                response = await self._http.post(path, LivenessResponse, json=chunk)
                for entry in response.data:
                    uptime[entry.index] = Decimal(1) if entry.is_live else Decimal(0)
        except ChainUnavailable as exc:
            log.warning("eth_liveness_unavailable", epoch=epoch, error=str(exc))
            return {}
        return uptime

    # --- metrics -----------------------------------------------------------------------

    async def fetch_metrics(self) -> ChainMetrics:
        spec = (await self._http.get(SPEC, SpecResponse)).data
        header = await self._http.get(HEADER, BlockHeaderResponse)
        summary = await self._set_summary()
        execution = await self._execution_figures(spec) if self._execution else None
        return eth_metrics(
            spec,
            summary,
            self._config,
            execution=execution,
            observed_at=self._now(),
            epoch=header.data.header.message.slot // spec.SLOTS_PER_EPOCH,
        )

    async def _execution_figures(self, spec: RewardSpec) -> ExecutionFigures | None:
        assert self._execution is not None
        blocks = self._config.fee_history_blocks
        try:
            history = await self._execution.post(
                "", FeeHistoryResponse, json=_rpc("eth_feeHistory", [hex(blocks), "latest", [50]])
            )
            block = await self._execution.post(
                "", BlockResponse, json=_rpc("eth_getBlockByNumber", ["latest", False])
            )
        except ChainError as exc:  # fall back to the configured estimates
            log.warning("eth_execution_unavailable", error=str(exc))
            return None
        fees, gas = history.result, block.result
        if fees is None or gas is None:
            error = history.error or block.error
            log.warning("eth_execution_unavailable", error=error.message if error else "no result")
            return None
        return execution_figures(
            fees.baseFeePerGas,
            fees.gasUsedRatio,
            fees.reward,
            gas_limit=int(gas.gasLimit, 16),
            blocks_per_year=self._config.seconds_per_year // spec.SECONDS_PER_SLOT,
        )


# --- pure functions ------------------------------------------------------------------------


def to_validator(state: ValidatorResponse, fetched_at: datetime) -> Validator:
    identity = {"pubkey": state.validator.pubkey}
    address = withdrawal_target(state.validator.withdrawal_credentials)[1]
    if address is not None:
        identity["withdrawalAddress"] = address
    return Validator(
        chain=Chain.ETH,
        address=str(state.index),
        status=STATUS[state.status],
        stake=state.validator.effective_balance,
        fetched_at=fetched_at,
        slashed=state.validator.slashed,
        identity=identity,
    )


def attestation_performance(
    rewards: AttestationsRewards, effective_balances: dict[int, int]
) -> dict[int, Decimal]:
    """Actual / ideal attestation reward per validator, clamped to 0..1. The ideal is the
    node's entry for the validator's effective balance, or (when the node lists other
    balances only) the nearest entry scaled by effective balance — ideal rewards are
    proportional to it."""
    ideals = {entry.effective_balance: entry for entry in rewards.ideal_rewards}
    positive = sorted(balance for balance in ideals if balance > 0)
    result = {}
    for reward in rewards.total_rewards:
        balance = effective_balances.get(reward.validator_index, 0)
        if balance <= 0 or not positive:
            continue
        nearest = ideals.get(balance) or ideals[min(positive, key=lambda b: abs(b - balance))]
        ideal = (
            Decimal(nearest.head + nearest.target + nearest.source + (nearest.inclusion_delay or 0))
            * Decimal(balance)
            / Decimal(nearest.effective_balance)
        )
        if ideal <= 0:
            continue
        actual = (
            reward.head
            + reward.target
            + reward.source
            + (reward.inclusion_delay or 0)
            + reward.inactivity
        )
        share = min(Decimal(1), max(Decimal(0), Decimal(actual) / ideal))
        result[reward.validator_index] = share.quantize(_RATE)
    return result


def attested(rewards: AttestationsRewards) -> dict[int, Decimal]:
    """1 where the epoch's vote was included (positive source reward), else 0."""
    return {
        reward.validator_index: Decimal(1) if reward.source > 0 else Decimal(0)
        for reward in rewards.total_rewards
    }


def base_reward_per_increment(spec: RewardSpec, total_active_balance: int) -> int:
    """The consensus spec's get_base_reward_per_increment (Altair onwards), in gwei."""
    increment = spec.EFFECTIVE_BALANCE_INCREMENT
    total = max(increment, total_active_balance)
    return increment * spec.BASE_REWARD_FACTOR // math.isqrt(total)


def execution_figures(
    base_fees: Sequence[str],
    gas_used_ratios: Sequence[float],
    rewards: Sequence[Sequence[str]] | None,
    *,
    gas_limit: int,
    blocks_per_year: int,
) -> ExecutionFigures | None:
    """Burn and tips per year (gwei) from eth_feeHistory: base fee × gas used per block
    (the last base fee is the next block's), median tip × gas used for the tips."""
    blocks = len(gas_used_ratios)
    if blocks == 0:
        return None
    used = [Decimal(str(ratio)) * gas_limit for ratio in gas_used_ratios]
    burn = sum((int(fee, 16) * gas for fee, gas in zip(base_fees, used, strict=False)), Decimal(0))
    tips = sum(
        (int(tip[0], 16) * gas for tip, gas in zip(rewards or [], used, strict=False) if tip),
        Decimal(0),
    )
    per_year = Decimal(blocks_per_year) / blocks / 10**9  # wei per window -> gwei per year
    return ExecutionFigures(burn=int(burn * per_year), priority_fees=int(tips * per_year))


def eth_metrics(
    spec: RewardSpec,
    summary: SetSummary,
    config: EthConfig,
    *,
    execution: ExecutionFigures | None,
    observed_at: datetime,
    epoch: int | None = None,
) -> ChainMetrics:
    """Network figures from the reward formula: every active validator earning its full
    base reward (an upper bound; real participation is ~97–99 %)."""
    increment = spec.EFFECTIVE_BALANCE_INCREMENT
    total_active = summary.active_balance
    per_increment = base_reward_per_increment(spec, total_active)
    epochs_per_year = Decimal(config.seconds_per_year) / (
        spec.SECONDS_PER_SLOT * spec.SLOTS_PER_EPOCH
    )
    consensus_apr = Decimal(per_increment) * epochs_per_year / increment
    issuance = int(per_increment * (total_active // increment) * epochs_per_year)
    estimated = ["total_supply", "bonded_ratio", "inflation"]
    supply = config.total_supply_gwei or int(Decimal(total_active) / config.staked_ratio_estimate)
    if execution is not None and total_active > 0:
        execution_apr = Decimal(execution.priority_fees) / total_active
        burn, burn_source = execution.burn, "eth_feeHistory"
    else:
        execution_apr = config.execution_apr_estimate
        burn, burn_source = int(supply * config.burn_rate_estimate), "estimate"
        estimated.insert(0, "nominal_apr")
    supply = max(supply, 1)
    return ChainMetrics(
        chain=Chain.ETH,
        observed_at=observed_at,
        total_staked=total_active,
        validator_count=summary.validators,
        active_validator_count=summary.active_validators,
        total_supply=supply,
        inflation=(Decimal(issuance - burn) / supply).quantize(_RATE),
        nominal_apr=(consensus_apr + execution_apr).quantize(_RATE),
        bonded_ratio=(Decimal(total_active) / supply).quantize(_RATE),
        epoch=epoch,
        estimated=tuple(estimated),
        details={
            "consensusApr": str(consensus_apr.quantize(_RATE)),
            "executionApr": str(execution_apr.quantize(_RATE)),
            "baseRewardPerIncrement": str(per_increment),
            "annualIssuance": str(issuance),
            "annualBurn": str(burn),
            "burnSource": burn_source,
            "totalBalance": str(summary.total_balance),
        },
    )


# --- helpers ----------------------------------------------------------------------------


def _validator_id(value: str) -> str:
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return str(int(value))
        if _PUBKEY.fullmatch(value):
            return value.lower()
    raise InvalidInput(f"not a validator index or public key: {str(value)[:20]!r}")


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rpc(method: str, params: list[Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}


async def _body(response: httpx.Response, endpoint: str) -> AsyncIterator[bytes]:
    """The response's bytes; a connection lost midway is ChainUnavailable."""
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.HTTPError as exc:
        raise ChainUnavailable(
            f"the response from {endpoint} broke off: {type(exc).__name__}",
            endpoint=endpoint,
        ) from exc
