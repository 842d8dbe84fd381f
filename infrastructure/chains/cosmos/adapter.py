"""Cosmos Hub adapter over the LCD REST API (`COSMOS_LCD_URL` + fallback).

Reads validators (x/staking), the active set (CometBFT validator set), liveness
(x/slashing signing infos), a wallet's delegations, unbondings and pending rewards, and
the network's staking economics (pool, supply, mint inflation, community tax). Amounts
are uatom integers; rates `Decimal` fractions. Every request goes through `ChainHttp`
(timeouts, retries, fallback) and every answer through the models in `schemas`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

from domain.chains import (
    ChainMetrics,
    Observation,
    Position,
    PositionKind,
    Validator,
)
from domain.errors import ChainDataInvalid, ChainError, ChainUnavailable
from domain.models import Chain
from domain.ports import SetProgress, ValidatorSet, no_progress
from domain.rewards.derive import Rate, RewardBasis, nominal_rate
from domain.rewards.events import RewardEvent
from infrastructure.chains.cosmos import schemas as s
from infrastructure.chains.cosmos.consensus import account_address
from infrastructure.chains.cosmos.rewards import cosmos_reward_events, withdrawn_without_rate
from infrastructure.chains.cosmos.snapshot import ConsensusSet, ValidatorView, join
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.untrusted import (
    DETAILS_MAX,
    NAME_MAX,
    clean_handle,
    clean_text,
    clean_url,
)
from infrastructure.logging import get_logger

log = get_logger(__name__)

DENOM = "uatom"
PAGE_LIMIT = 200  # x/staking and x/slashing pages (key-paginated)
SET_PAGE_LIMIT = 100  # CometBFT serves at most 100 validators per page
MAX_PAGES = 1_000  # a bound on any pagination loop, far above the Hub's sizes
RATE_PLACES = Decimal(10) ** -18  # the chain's own decimal precision

VALIDATORS = "/cosmos/staking/v1beta1/validators"
VALIDATOR_SET = "/cosmos/base/tendermint/v1beta1/validatorsets/latest"
SLASHING_PARAMS = "/cosmos/slashing/v1beta1/params"
SIGNING_INFOS = "/cosmos/slashing/v1beta1/signing_infos"
DELEGATIONS = "/cosmos/staking/v1beta1/delegations/{address}"
UNBONDINGS = "/cosmos/staking/v1beta1/delegators/{address}/unbonding_delegations"
REWARDS = "/cosmos/distribution/v1beta1/delegators/{address}/rewards"
POOL = "/cosmos/staking/v1beta1/pool"
SUPPLY = "/cosmos/bank/v1beta1/supply/by_denom"
INFLATION = "/cosmos/mint/v1beta1/inflation"
DISTRIBUTION_PARAMS = "/cosmos/distribution/v1beta1/params"
STAKING_PARAMS = "/cosmos/staking/v1beta1/params"

P = TypeVar("P", bound=s.Paged)
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _floor(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


def _is_not_found(error: ChainUnavailable) -> bool:
    return isinstance(error.details, dict) and error.details.get("status") == 404


class CosmosAdapter:
    chain = Chain.ATOM

    def __init__(self, http: ChainHttp, *, now: Callable[[], datetime] = utcnow) -> None:
        self._http = http
        self._now = now

    # --- reads ---------------------------------------------------------------

    async def _pages(
        self,
        path: str,
        model: type[P],
        items: Callable[[P], Sequence[T]],
        *,
        params: dict[str, str] | None = None,
    ) -> list[T]:
        """Every item of a key-paginated query: follow `next_key` until it is empty."""
        collected: list[T] = []
        key: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            query = {**(params or {}), "pagination.limit": str(PAGE_LIMIT)}
            if key:
                query["pagination.key"] = key
            page = await self._http.get(path, model, params=query)
            collected.extend(items(page))
            key = page.next_key
            if key is None:
                return collected
            if key in seen:  # a node answering the same cursor twice would loop forever
                raise ChainDataInvalid(f"pagination loop on {path}", endpoint=path)
            seen.add(key)
        raise ChainDataInvalid(f"more than {MAX_PAGES} pages on {path}", endpoint=path)

    async def _consensus_set(self) -> ConsensusSet:
        """The CometBFT validator set: offset-paginated, no `next_key`, pages of ≤ 100."""
        members: dict[str, s.ConsensusValidator] = {}
        height: int | None = None
        total: int | None = None
        offset = 0
        for _ in range(MAX_PAGES):
            query = {"pagination.offset": str(offset), "pagination.limit": str(SET_PAGE_LIMIT)}
            page = await self._http.get(VALIDATOR_SET, s.ValidatorSetPage, params=query)
            height = height if height is not None else page.block_height
            total = page.pagination.total if page.pagination else None
            before = len(members)
            members.update((v.address, v) for v in page.validators)
            offset += len(page.validators)
            if len(members) == before or (total is not None and offset >= total):
                break
            if total is None and len(page.validators) < SET_PAGE_LIMIT:
                break
        # never classify on a partial (or empty) set: every validator would look inactive
        if not members or (total is not None and len(members) < total):
            raise ChainDataInvalid(
                f"validator set incomplete: {len(members)} of {total}", endpoint=VALIDATOR_SET
            )
        return ConsensusSet.of(height or 0, members.values())

    async def _signing_infos(self) -> list[s.SigningInfo]:
        return await self._pages(SIGNING_INFOS, s.SigningInfosPage, lambda p: p.info)

    async def _no_signing_infos(self) -> list[s.SigningInfo]:
        return []

    async def _snapshot(self, *, signing: bool = True) -> tuple[list[ValidatorView], ConsensusSet]:
        """Every validator joined with the active set (and its signing info)."""
        validators, consensus, infos = await asyncio.gather(
            self._pages(VALIDATORS, s.ValidatorsPage, lambda p: p.validators),
            self._consensus_set(),
            self._signing_infos() if signing else self._no_signing_infos(),
        )
        return join(validators, consensus, infos), consensus

    # --- ChainAdapter ----------------------------------------------------------

    async def fetch_validator_set(self, progress: SetProgress = no_progress) -> ValidatorSet:
        """The whole set, listed (a few hundred validators)."""
        validators = await self.fetch_validators()
        progress(len(validators))
        return ValidatorSet(validators=validators, size=len(validators))

    async def fetch_validators(self, ids: Sequence[str] | None = None) -> list[Validator]:
        if ids is not None and not ids:
            return []
        # the whole set is two pages: cheaper than one request per wanted validator
        views, _ = await self._snapshot()
        wanted = set(ids) if ids is not None else None
        fetched_at = self._now()
        return [
            self._validator(view, fetched_at)
            for view in views
            if wanted is None or view.validator.operator_address in wanted
        ]

    def _validator(self, view: ValidatorView, fetched_at: datetime) -> Validator:
        v = view.validator
        max_rate = v.commission.commission_rates.max_rate
        about = v.description
        identity = {
            "consensusAddress": view.consensus_address or "",
            "website": clean_url(about.website) or "",
            "identity": clean_handle(about.identity) or "",
            "details": clean_text(about.details, DETAILS_MAX) or "",
            # the ceiling the validator committed to (the risk score's commission factor)
            "maxCommissionRate": "" if max_rate is None else format(max_rate.normalize(), "f"),
        }
        return Validator(
            chain=self.chain,
            address=v.operator_address,
            status=view.status,
            stake=v.tokens,
            fetched_at=fetched_at,
            name=clean_text(about.moniker, NAME_MAX),
            commission=v.commission.commission_rates.rate,
            jailed=v.jailed,
            slashed=view.tombstoned,  # double-sign; ICS consumer downtime jails unslashed
            identity={k: value for k, value in identity.items() if value},
        )

    async def fetch_observations(self, ids: Sequence[str]) -> list[Observation]:
        if not ids:
            return []
        (views, _), params = await asyncio.gather(
            self._snapshot(), self._http.get(SLASHING_PARAMS, s.SlashingParamsResponse)
        )
        window = params.params.signed_blocks_window
        wanted = set(ids)
        observed_at = self._now()
        return [
            Observation(
                chain=self.chain,
                validator=view.validator.operator_address,
                observed_at=observed_at,
                status=view.status,
                stake=view.validator.tokens,
                commission=view.validator.commission.commission_rates.rate,
                jailed=view.validator.jailed,
                slashed=view.tombstoned,
                tombstoned=view.tombstoned,
                uptime=view.uptime(window),
                performance=None,  # no per-validator reward efficiency on the Hub
                missed_blocks=view.signing.missed_blocks_counter if view.signing else None,
            )
            for view in views
            if view.validator.operator_address in wanted
        ]

    async def fetch_positions(self, address: str) -> list[Position]:
        owner = account_address(address)
        delegations, unbondings, rewards = await asyncio.gather(
            self._or_empty(
                self._pages(
                    DELEGATIONS.format(address=owner),
                    s.DelegationsPage,
                    lambda p: p.delegation_responses,
                )
            ),
            self._or_empty(
                self._pages(
                    UNBONDINGS.format(address=owner),
                    s.UnbondingPage,
                    lambda p: p.unbonding_responses,
                )
            ),
            self._rewards(owner),
        )
        fetched_at = self._now()
        positions = [self._delegation(owner, d, rewards, fetched_at) for d in delegations]
        positions += self._unbondings(owner, unbondings, fetched_at)
        return positions

    async def fetch_rewards(
        self, address: str, positions: Sequence[Position], basis: RewardBasis
    ) -> list[RewardEvent]:
        """Pending rewards' growth since the previous ingest (read with the positions:
        infrastructure/chains/cosmos/rewards.py). Requests of its own only for a
        withdrawal with no accrual rate known yet: the chain's parameters then."""
        nominal: dict[str, Rate] = {}
        needing = withdrawn_without_rate(positions, basis)
        if needing:
            try:
                nominal = await self._nominal_rates(needing)
            except ChainError as error:  # the estimate falls back to what is pending
                log.warning("cosmos_nominal_rate_unavailable", code=error.code)
        return cosmos_reward_events(positions, basis, nominal)

    async def _nominal_rates(self, positions: Sequence[Position]) -> dict[str, Rate]:
        """Each delegation's accrual rate from inflation, the community tax (distribution
        params), the bonded ratio and its validator's commission."""
        (pool, supply, inflation, distribution, _, _), validators = await asyncio.gather(
            self._economics(), self.fetch_validators(sorted({p.validator for p in positions}))
        )
        bonded = pool.pool.bonded_tokens
        if bonded <= 0:
            return {}
        apr = (
            inflation.inflation
            * (1 - distribution.params.community_tax)
            * Decimal(supply.amount.amount)
            / Decimal(bonded)
        )
        commission = {v.address: v.commission for v in validators if v.commission is not None}
        return {
            p.key: nominal_rate(p.amount, apr, commission[p.validator])
            for p in positions
            if p.validator in commission
        }

    @staticmethod
    async def _or_empty(read: Awaitable[list[T]]) -> list[T]:
        """A delegator with nothing staked: current nodes answer an empty list, some
        versions 404 (gRPC NotFound, code 5); both mean no positions."""
        try:
            return await read
        except ChainUnavailable as error:
            if _is_not_found(error):
                return []
            raise

    async def _rewards(self, owner: str) -> dict[str, int] | None:
        """Pending uatom rewards per validator (DecCoins floored, as a withdrawal pays);
        None when the distribution endpoint cannot be read: positions still matter more
        than their rewards."""
        path = REWARDS.format(address=owner)
        try:
            answer = await self._http.get(path, s.RewardsResponse)
        except ChainUnavailable as error:
            if _is_not_found(error):
                return {}
            log.warning("cosmos_rewards_unavailable", endpoint=path, error=str(error))
            return None
        return {
            entry.validator_address: _floor(
                sum((c.amount for c in entry.reward or [] if c.denom == DENOM), Decimal(0))
            )
            for entry in answer.rewards or []
        }

    def _delegation(
        self,
        owner: str,
        entry: s.DelegationResponse,
        rewards: dict[str, int] | None,
        fetched_at: datetime,
    ) -> Position:
        if entry.balance.denom != DENOM:  # a node of another chain behind the URL
            raise ChainDataInvalid(
                f"delegation balance in {entry.balance.denom!r}, expected {DENOM}",
                endpoint=DELEGATIONS.format(address=owner),
            )
        validator = entry.delegation.validator_address
        return Position(
            chain=self.chain,
            owner=owner,
            validator=validator,
            kind=PositionKind.STAKE,
            amount=entry.balance.amount,
            status="active",
            key=f"delegation:{validator}",
            fetched_at=fetched_at,
            rewards=rewards.get(validator) if rewards is not None else None,
        )

    def _unbondings(
        self, owner: str, unbondings: list[s.UnbondingDelegation], fetched_at: datetime
    ) -> list[Position]:
        positions = []
        keys: set[str] = set()
        for unbonding in unbondings:
            validator = unbonding.validator_address
            for entry in unbonding.entries:
                key = base = f"unbonding:{validator}:{entry.creation_height}"
                # two undelegations in one block share a height: number the later ones
                suffix = 1
                while key in keys:
                    suffix += 1
                    key = f"{base}:{suffix}"
                keys.add(key)
                positions.append(
                    Position(
                        chain=self.chain,
                        owner=owner,
                        validator=validator,
                        kind=PositionKind.UNBONDING,
                        amount=entry.balance,
                        status="unbonding",
                        key=key,
                        fetched_at=fetched_at,
                        completes_at=entry.completion_time,
                    )
                )
        return positions

    async def _economics(
        self,
    ) -> tuple[
        s.PoolResponse,
        s.SupplyResponse,
        s.InflationResponse,
        s.DistributionParamsResponse,
        s.StakingParamsResponse,
        s.SlashingParamsResponse,
    ]:
        return await asyncio.gather(
            self._http.get(POOL, s.PoolResponse),
            self._http.get(SUPPLY, s.SupplyResponse, params={"denom": DENOM}),
            self._http.get(INFLATION, s.InflationResponse),
            self._http.get(DISTRIBUTION_PARAMS, s.DistributionParamsResponse),
            self._http.get(STAKING_PARAMS, s.StakingParamsResponse),
            self._http.get(SLASHING_PARAMS, s.SlashingParamsResponse),
        )

    async def fetch_metrics(self) -> ChainMetrics:
        (
            (views, consensus),
            (pool, supply, inflation, distribution, staking, slashing),
        ) = await asyncio.gather(self._snapshot(signing=False), self._economics())
        if supply.amount.denom != DENOM:
            raise ChainDataInvalid(f"supply of {supply.amount.denom!r}", endpoint=SUPPLY)
        bonded = pool.pool.bonded_tokens
        total_supply = supply.amount.amount
        rate = inflation.inflation
        tax = distribution.params.community_tax
        bonded_ratio = (
            (Decimal(bonded) / Decimal(total_supply)).quantize(RATE_PLACES)
            if total_supply > 0
            else None
        )
        # inflation is paid to bonded stake, less the community pool's cut
        nominal_apr = (
            (rate * (1 - tax) / bonded_ratio).quantize(RATE_PLACES) if bonded_ratio else None
        )
        active_stake = sum(view.validator.tokens for view in views if view.active)
        slash = slashing.params
        details = {
            "maxValidators": str(staking.params.max_validators),
            "bondDenom": staking.params.bond_denom,
            "unbondingTime": staking.params.unbonding_time or "",
            "bondedValidatorCount": str(
                len([view for view in views if view.validator.status == "BOND_STATUS_BONDED"])
            ),
            "activeStake": str(active_stake),  # bonded_tokens also counts ICS-inactive stake
            "notBondedTokens": str(pool.pool.not_bonded_tokens),
            "blockHeight": str(consensus.block_height),
            "signedBlocksWindow": str(slash.signed_blocks_window),
            "minSignedPerWindow": str(slash.min_signed_per_window),
            "downtimeJailDuration": slash.downtime_jail_duration or "",
            "slashFractionDoubleSign": str(slash.slash_fraction_double_sign),
            "slashFractionDowntime": str(slash.slash_fraction_downtime),
        }
        return ChainMetrics(
            chain=self.chain,
            observed_at=self._now(),
            total_staked=bonded,
            validator_count=len(views),
            active_validator_count=len(consensus.addresses),
            total_supply=total_supply,
            inflation=rate,
            nominal_apr=nominal_apr,
            bonded_ratio=bonded_ratio,
            community_tax=tax,
            details={k: v for k, v in details.items() if v},
        )
