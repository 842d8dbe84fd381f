"""Real yield from stored chain data: loads what domain/real_yield needs (metrics,
validators, performance, slashing factors, yield_config) and calls it. Used by the
yield job (snapshots) and the API (calculator, the user's positions)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import ChainMetrics, ValidatorStatus
from domain.models import Chain
from domain.real_yield import (
    ChainInputs,
    RealYield,
    SlashingRecord,
    ValidatorInputs,
    YieldDataMissing,
    YieldParameters,
    chain_inputs,
    is_earning,
    real_yield,
    slashing_factor,
    slashing_factor_from_score,
    stake_weighted_median,
)
from domain.vrs import Factor
from infrastructure.db.models import ChainMetricsRow, ValidatorObservationRow, ValidatorRow
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.repositories.yields import YieldConfigRepository

# --- the slashing factor: the one seam to the risk score ----------------------------------


async def slashing_factors(
    session: AsyncSession,
    chain: Chain,
    *,
    as_of: datetime | None = None,
    only: Collection[str] | None = None,
    parameters: YieldParameters | None = None,
) -> dict[str, Decimal]:
    """Validator address -> slashing factor (1 = the network base risk); validators not in
    the mapping count as 1.

    From the validator's latest VRS slashing-history score when it has one; otherwise
    from its record (slashed / tombstoned / jailed flags) and its observations of the
    last `slashing_factor_window_days` (jailed hours, delinquent or offline hours).
    Bounded by yield_config."""
    params = parameters or await YieldConfigRepository(session).parameters()
    until = as_of or datetime.now(UTC)
    since = until - timedelta(days=int(params.slashing_factor_window_days))
    o = ValidatorObservationRow
    offline = or_(o.status == ValidatorStatus.DELINQUENT.value, cast(o.uptime, Float) == 0)
    observed = (
        select(
            o.validator,
            func.count(),
            func.sum(case((o.jailed, 1), else_=0)),
            func.sum(case((offline, 1), else_=0)),
            func.max(case((or_(o.slashed, o.tombstoned), 1), else_=0)),
        )
        .where(o.chain == chain.value, o.observed_at >= since, o.observed_at <= until)
        .group_by(o.validator)
    )
    flagged = select(ValidatorRow.address, ValidatorRow.jailed, ValidatorRow.slashed).where(
        ValidatorRow.chain == chain.value, or_(ValidatorRow.jailed, ValidatorRow.slashed)
    )
    if only is not None:
        wanted = sorted(set(only))
        observed = observed.where(o.validator.in_(wanted))
        flagged = flagged.where(ValidatorRow.address.in_(wanted))
    records: dict[str, SlashingRecord] = {
        address: SlashingRecord(
            observed_hours=int(hours),
            jailed_hours=int(jailed or 0),
            offline_hours=int(offline_hours or 0),
            slashed=bool(slashed),
        )
        for address, hours, jailed, offline_hours, slashed in await session.execute(observed)
    }
    for address, jailed, slashed in await session.execute(flagged):  # the current record
        record = records.get(address, SlashingRecord(observed_hours=0))
        records[address] = SlashingRecord(
            observed_hours=record.observed_hours,
            jailed_hours=max(record.jailed_hours, 1 if jailed else 0),
            offline_hours=record.offline_hours,
            slashed=record.slashed or bool(slashed),
        )
    factors = {address: slashing_factor(record, params) for address, record in records.items()}
    scores = await VrsScoreRepository(session).latest_scores(chain, only, as_of=as_of)
    for address, score in scores.items():
        slashing = score.scores.get(Factor.SLASHING)
        if slashing is not None:
            factors[address] = slashing_factor_from_score(slashing, params)
    return factors


# --- loading ------------------------------------------------------------------------------


def _metrics(row: ChainMetricsRow) -> ChainMetrics:
    return ChainMetrics(
        chain=Chain(row.chain),
        observed_at=row.observed_at,
        total_staked=row.total_staked,
        validator_count=row.validator_count,
        active_validator_count=row.active_validator_count,
        total_supply=row.total_supply,
        inflation=row.inflation,
        nominal_apr=row.nominal_apr,
        bonded_ratio=row.bonded_ratio,
        community_tax=row.community_tax,
        epoch=row.epoch,
        estimated=tuple(row.estimated or ()),
        details={str(k): str(v) for k, v in (row.details or {}).items()},
    )


@dataclass(frozen=True)
class ChainContext:
    """A chain's network figures and median commission at one moment."""

    inputs: ChainInputs
    network_commission: Decimal | None
    parameters: YieldParameters

    def network(self) -> RealYield:
        return real_yield(self.inputs, self.parameters, network_commission=self.network_commission)

    def validator(self, inputs: ValidatorInputs) -> RealYield:
        return real_yield(
            self.inputs, self.parameters, inputs, network_commission=self.network_commission
        )


class YieldService:
    """One session's yield computations; parameters are read once per service."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._parameters: YieldParameters | None = None

    async def parameters(self) -> YieldParameters:
        if self._parameters is None:
            self._parameters = await YieldConfigRepository(self._session).parameters()
        return self._parameters

    async def _metrics_rows(
        self, chain: Chain, until: datetime, since: datetime | None, limit: int | None
    ) -> list[ChainMetrics]:
        query = (
            select(ChainMetricsRow)
            .where(ChainMetricsRow.chain == chain.value, ChainMetricsRow.observed_at <= until)
            .order_by(ChainMetricsRow.observed_at.desc())
        )
        if since is not None:
            query = query.where(ChainMetricsRow.observed_at >= since)
        if limit is not None:
            query = query.limit(limit)
        return [_metrics(row) for row in await self._session.scalars(query)]

    async def chain_inputs(self, chain: Chain, as_of: datetime) -> ChainInputs:
        """From the newest metrics row; only when it lacks something (or is not from
        `as_of`'s day) are the older rows of the fallback window read."""
        params = await self.parameters()
        day = as_of.date()
        newest = await self._metrics_rows(chain, as_of, None, 1)
        try:
            inputs = chain_inputs(chain, newest, day, params)
        except YieldDataMissing:
            inputs = None
        if inputs is not None and not inputs.fallback:
            return inputs
        since = as_of - timedelta(days=int(params.fallback_max_days) + 1)
        window = await self._metrics_rows(chain, as_of, since, None)
        return chain_inputs(chain, window, day, params)

    async def network_commission(self, chain: Chain) -> Decimal | None:
        """Stake-weighted median commission of the active validators (ETH: none)."""
        if chain is Chain.ETH:
            return Decimal(0)
        rows = await self._session.execute(
            select(ValidatorRow.commission, ValidatorRow.stake).where(
                ValidatorRow.chain == chain.value,
                ValidatorRow.status == ValidatorStatus.ACTIVE.value,
                ValidatorRow.commission.is_not(None),
            )
        )
        return stake_weighted_median(
            (commission, stake) for commission, stake in rows if commission is not None
        )

    async def context(self, chain: Chain, as_of: datetime) -> ChainContext:
        return ChainContext(
            inputs=await self.chain_inputs(chain, as_of),
            network_commission=await self.network_commission(chain),
            parameters=await self.parameters(),
        )

    async def _performance(
        self, chain: Chain, as_of: datetime, only: Collection[str] | None
    ) -> dict[str, tuple[Decimal, datetime]]:
        """SOL: each validator's latest vote-credit performance within the fallback window."""
        if chain is not Chain.SOL:
            return {}
        params = await self.parameters()
        o = ValidatorObservationRow
        window = (
            o.chain == chain.value,
            o.performance.is_not(None),
            o.observed_at <= as_of,
            o.observed_at >= as_of - timedelta(days=int(params.fallback_max_days) + 1),
        )
        latest = select(o.validator, func.max(o.observed_at).label("at")).where(*window)
        if only is not None:
            latest = latest.where(o.validator.in_(sorted(set(only))))
        newest = latest.group_by(o.validator).subquery()
        rows = await self._session.execute(
            select(o.validator, o.performance, o.observed_at).join(
                newest,
                and_(
                    o.chain == chain.value,
                    o.validator == newest.c.validator,
                    o.observed_at == newest.c.at,
                ),
            )
        )
        return {validator: (value, at) for validator, value, at in rows if value is not None}

    async def validator_inputs(
        self, chain: Chain, as_of: datetime, addresses: Collection[str] | None = None
    ) -> dict[str, ValidatorInputs]:
        """Inputs of these validators (None: every active one) that are known; a wanted
        address without a validator row is left out."""
        query: Any = select(ValidatorRow).where(ValidatorRow.chain == chain.value)
        if addresses is None:
            query = query.where(ValidatorRow.status == ValidatorStatus.ACTIVE.value)
        else:
            query = query.where(ValidatorRow.address.in_(sorted(set(addresses))))
        rows = list(await self._session.scalars(query))
        only = None if addresses is None else [row.address for row in rows]
        params = await self.parameters()
        performance = await self._performance(chain, as_of, only)
        factors = await slashing_factors(
            self._session, chain, as_of=as_of, only=only, parameters=params
        )
        day = as_of.date()
        result = {}
        for row in rows:
            perf = performance.get(row.address)
            result[row.address] = ValidatorInputs(
                address=row.address,
                commission=row.commission,
                earning=is_earning(row.status),
                performance=perf[0] if perf else None,
                performance_current=perf is None or perf[1].date() == day,
                slashing_factor=factors.get(row.address, Decimal(1)),
            )
        return result

    async def chain_yields(self, chain: Chain, as_of: datetime) -> list[RealYield]:
        """The network average and every active validator of `chain` (for snapshots)."""
        context = await self.context(chain, as_of)
        inputs = await self.validator_inputs(chain, as_of)
        return [context.network()] + [
            context.validator(inputs[address]) for address in sorted(inputs)
        ]
