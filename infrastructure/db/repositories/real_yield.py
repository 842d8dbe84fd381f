"""Real yield in and out: the `yield_config` parameters, the stored chain data the
calculator reads (metrics, validators, SOL performance, slashing records) as domain
values, and the daily snapshots.

Snapshots are append-only. `YieldSnapshotRepository` can add a day's rows (a row that
exists for (chain, validator, day) is kept as it is: insert-or-ignore) and read them;
it has no update or delete, and on PostgreSQL a trigger rejects both.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import ChainMetrics, Validator, ValidatorStatus
from domain.models import Chain
from domain.real_yield import (
    NETWORK,
    Confidence,
    RealYield,
    SlashingRecord,
    YieldParameters,
    parameters_from_rows,
)
from domain.vrs import Factor
from infrastructure.db.models import (
    ChainMetricsRow,
    EthValidatorRow,
    ValidatorObservationRow,
    ValidatorRow,
    YieldConfigRow,
    YieldSnapshotRow,
)
from infrastructure.db.repositories.chain_data import validator_from_row
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.logging import get_logger

log = get_logger(__name__)
_CHUNK = 500  # rows per INSERT: far below SQLite's bound-parameter limit


class YieldConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def parameters(self) -> YieldParameters:
        """The rows over the documented defaults; unusable rows are logged and skipped."""
        rows = await self._session.execute(
            select(YieldConfigRow.chain, YieldConfigRow.name, YieldConfigRow.value)
        )
        parameters, ignored = parameters_from_rows(
            (chain, name, value) for chain, name, value in rows
        )
        if ignored:
            log.warning("yield_config_rows_ignored", rows=ignored)
        return parameters


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


class YieldInputsRepository:
    """What the real-yield calculator reads of the stored chain data, as domain values."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def metrics(
        self,
        chain: Chain,
        until: datetime,
        *,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[ChainMetrics]:
        """The chain's metrics observed up to `until` (and from `since`), newest first."""
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

    async def active_commissions(self, chain: Chain) -> list[tuple[Decimal, int]]:
        """(commission, stake) of the chain's active validators that report a commission."""
        rows = await self._session.execute(
            select(ValidatorRow.commission, ValidatorRow.stake).where(
                ValidatorRow.chain == chain.value,
                ValidatorRow.status == ValidatorStatus.ACTIVE.value,
                ValidatorRow.commission.is_not(None),
            )
        )
        return [(commission, stake) for commission, stake in rows if commission is not None]

    async def validators(
        self, chain: Chain, addresses: Collection[str] | None = None
    ) -> list[Validator]:
        """These validators of `chain` that are stored (None: every active one)."""
        query: Any = select(ValidatorRow).where(ValidatorRow.chain == chain.value)
        if addresses is None:
            query = query.where(ValidatorRow.status == ValidatorStatus.ACTIVE.value)
        else:
            query = query.where(ValidatorRow.address.in_(sorted(set(addresses))))
        return [validator_from_row(row) for row in await self._session.scalars(query)]

    async def latest_performance(
        self, chain: Chain, since: datetime, until: datetime, only: Collection[str] | None
    ) -> dict[str, tuple[Decimal, datetime]]:
        """Each validator's newest observed performance in [since, until], with its time."""
        o = ValidatorObservationRow
        window = (
            o.chain == chain.value,
            o.performance.is_not(None),
            o.observed_at <= until,
            o.observed_at >= since,
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

    async def slashing_records(
        self, chain: Chain, since: datetime, until: datetime, only: Collection[str] | None
    ) -> dict[str, SlashingRecord]:
        """Validator address -> its record: observed, jailed and offline (delinquent or
        signing nothing) hours in [since, until], slashed or tombstoned then, merged with
        its current jailed/slashed flags. Validators with neither are left out."""
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
            for address, hours, jailed, offline_hours, slashed in await self._session.execute(
                observed
            )
        }
        current: list[tuple[str, bool, bool]] = [
            (address, jailed, slashed)
            for address, jailed, slashed in await self._session.execute(flagged)
        ]
        if chain is Chain.ETH and only is not None:
            # ETH: the whole set's index knows the flag of validators nobody observes yet
            indices = sorted({int(a) for a in only if a.isdigit() and len(a) < 19})
            if indices:
                current += [
                    (str(index), False, True)
                    for index in await self._session.scalars(
                        select(EthValidatorRow.index).where(
                            EthValidatorRow.index.in_(indices), EthValidatorRow.slashed
                        )
                    )
                ]
        for address, jailed, slashed in current:  # current record
            record = records.get(address, SlashingRecord(observed_hours=0))
            records[address] = SlashingRecord(
                observed_hours=record.observed_hours,
                jailed_hours=max(record.jailed_hours, 1 if jailed else 0),
                offline_hours=record.offline_hours,
                slashed=record.slashed or bool(slashed),
            )
        return records

    async def slashing_scores(
        self, chain: Chain, as_of: datetime | None, only: Collection[str] | None
    ) -> dict[str, int]:
        """Validator address -> the slashing-history factor of its latest risk score (as
        of `as_of`), for the validators that have one."""
        scores = await VrsScoreRepository(self._session).latest_scores(chain, only, as_of=as_of)
        return {
            address: slashing
            for address, score in scores.items()
            if (slashing := score.scores.get(Factor.SLASHING)) is not None
        }


def _row(result: RealYield, day: date) -> dict[str, Any]:
    return {
        "chain": result.chain.value,
        "validator": result.validator if result.validator is not None else NETWORK,
        "snapshot_date": day,
        "nominal_apy": result.nominal_apy,
        "inflation_rate": result.inflation_rate,
        "validator_fee": result.validator_fee,
        "slashing_risk": result.slashing_risk,
        "real_yield": result.real_yield,
        "real_yield_compounded": result.real_yield_compounded,
        "commission": result.commission,
        "slashing_factor": result.slashing_factor,
        "performance": result.performance,
        "earning": result.earning,
        "confidence": result.confidence.value,
        "fallback_inputs": list(result.fallback),
        "estimated_inputs": list(result.estimated),
        "data_fetched_at": result.fetched_at,
    }


def _result(row: YieldSnapshotRow) -> RealYield:
    return RealYield(
        chain=Chain(row.chain),
        validator=None if row.validator == NETWORK else row.validator,
        nominal_apy=row.nominal_apy,
        inflation_rate=row.inflation_rate,
        validator_fee=row.validator_fee,
        slashing_risk=row.slashing_risk,
        real_yield=row.real_yield,
        real_yield_compounded=row.real_yield_compounded,
        commission=row.commission,
        slashing_factor=row.slashing_factor,
        earning=row.earning,
        confidence=Confidence(row.confidence),
        fallback=tuple(row.fallback_inputs),
        estimated=tuple(row.estimated_inputs),
        fetched_at=row.data_fetched_at,
        performance=row.performance,
    )


class YieldSnapshotRepository:
    """Append-only by design: `add` and reads, nothing that changes a stored row."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def add(self, results: Sequence[RealYield], day: date) -> int:
        """Store `day`'s snapshots; one that exists for (chain, validator, day) stays as it
        was. Returns how many rows were written."""
        rows = [_row(result, day) for result in results]
        if rows:  # the hourly runs after the day's first: nothing to build or send
            stored = await self._session.execute(
                select(YieldSnapshotRow.chain, YieldSnapshotRow.validator).where(
                    YieldSnapshotRow.snapshot_date == day,
                    YieldSnapshotRow.chain.in_({row["chain"] for row in rows}),
                )
            )
            have = {(chain, validator) for chain, validator in stored}
            rows = [row for row in rows if (row["chain"], row["validator"]) not in have]
        written = 0
        for start in range(0, len(rows), _CHUNK):
            statement = (
                self._insert(YieldSnapshotRow)
                .values(rows[start : start + _CHUNK])
                .on_conflict_do_nothing(index_elements=["chain", "validator", "snapshot_date"])
            )
            result = await self._session.execute(statement)
            written += max(0, int(getattr(result, "rowcount", 0) or 0))
        return written

    async def on_day(self, chain: Chain, day: date) -> dict[str | None, RealYield]:
        """The day's snapshots of `chain` by validator address (None: the network)."""
        rows = await self._session.scalars(
            select(YieldSnapshotRow).where(
                YieldSnapshotRow.chain == chain.value, YieldSnapshotRow.snapshot_date == day
            )
        )
        return {result.validator: result for result in map(_result, rows)}

    async def history(
        self, chain: Chain, validator: str | None, since: date, until: date | None = None
    ) -> list[tuple[date, RealYield]]:
        """A validator's (None: the network's) daily snapshots from `since` (to `until`),
        oldest first, in one query (the unique (chain, validator, day) index serves it)."""
        query = (
            select(YieldSnapshotRow)
            .where(
                YieldSnapshotRow.chain == chain.value,
                YieldSnapshotRow.validator == (validator if validator is not None else NETWORK),
                YieldSnapshotRow.snapshot_date >= since,
            )
            .order_by(YieldSnapshotRow.snapshot_date)
        )
        if until is not None:
            query = query.where(YieldSnapshotRow.snapshot_date <= until)
        rows = await self._session.scalars(query)
        return [(row.snapshot_date, _result(row)) for row in rows]
