"""Chain data in and out: validators, positions, observations, metrics, prices, sync state.

Writes are idempotent (upserts on natural keys; observations and metrics keyed by their
hour), so a retried or duplicated ingest leaves no duplicate rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, tuple_, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import (
    DESCRIPTION_KEYS,
    ChainMetrics,
    ChainSync,
    Observation,
    Position,
    PositionKind,
    Price,
    Validator,
    ValidatorStatus,
)
from domain.models import Chain
from infrastructure.db.models import (
    ChainMetricsRow,
    ChainSyncRow,
    LinkedWalletRow,
    ObservedValidatorRow,
    PriceRow,
    StakingPositionRow,
    ValidatorObservationRow,
    ValidatorRow,
    VrsRollupRow,
    WatchedValidatorRow,
)

_CHUNK = 1000  # rows per statement: far below SQLite's bound-parameter limit
_OBSERVATION_FIELDS = tuple(f.name for f in fields(Observation))


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


class ChainDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def _upsert(
        self, model: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str], *, update: bool
    ) -> None:
        if not rows:
            return
        # one statement executed with many parameter sets: compiled once (and cached),
        # where a multi-row VALUES of literal rows is compiled anew for every chunk
        statement = self._insert(model.__table__)
        if update:
            columns = {c: statement.excluded[c] for c in rows[0] if c not in keys}
            statement = statement.on_conflict_do_update(index_elements=keys, set_=columns)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        for chunk in _chunks(rows):
            await self._session.execute(statement, list(chunk))

    # --- writes ------------------------------------------------------------------------

    async def upsert_validators(self, validators: Sequence[Validator]) -> None:
        """Insert or update; a validator read without its description (`described`
        False: the optional names source failed) keeps the stored name and
        description keys (one read for all of them)."""
        kept = await self._stored_descriptions([v for v in validators if not v.described])
        rows = []
        for v in validators:
            name, identity = v.name, dict(v.identity)
            if not v.described and (v.chain.value, v.address) in kept:
                name, about = kept[(v.chain.value, v.address)]
                identity.update(about)
            rows.append(
                {
                    "chain": v.chain.value,
                    "address": v.address,
                    "name": name,
                    "status": v.status.value,
                    "stake": v.stake,
                    "commission": v.commission,
                    "jailed": v.jailed,
                    "slashed": v.slashed,
                    "identity": identity,
                    "fetched_at": v.fetched_at,
                }
            )
        await self._upsert(ValidatorRow, rows, ("chain", "address"), update=True)

    async def _stored_descriptions(
        self, validators: Sequence[Validator]
    ) -> dict[tuple[str, str], tuple[str | None, dict[str, str]]]:
        """(chain, address) -> the stored name and description keys of `identity`."""
        if not validators:
            return {}
        keys = [(v.chain.value, v.address) for v in validators]
        found: dict[tuple[str, str], tuple[str | None, dict[str, str]]] = {}
        for start in range(0, len(keys), _CHUNK // 2):
            pair = tuple_(ValidatorRow.chain, ValidatorRow.address)
            columns = (ValidatorRow.chain, ValidatorRow.address, ValidatorRow.name)
            rows = await self._session.execute(
                select(*columns, ValidatorRow.identity).where(
                    pair.in_(keys[start : start + _CHUNK // 2])
                )
            )
            for chain, address, name, identity in rows:
                about = {
                    str(k): str(v)
                    for k, v in (identity or {}).items()
                    if k in DESCRIPTION_KEYS and v is not None
                }
                found[(chain, address)] = (name, about)
        return found

    async def add_observations(self, observations: Sequence[Observation], hour: datetime) -> None:
        """One sample per validator and hour; a second ingest in the hour changes nothing."""
        rows = []
        for o in observations:  # flat fields: no deep copy (asdict) of 90 days' samples
            row = {name: getattr(o, name) for name in _OBSERVATION_FIELDS}
            row.update(chain=o.chain.value, status=o.status.value, observed_at=hour)
            rows.append(row)
        await self._upsert(
            ValidatorObservationRow, rows, ("chain", "validator", "observed_at"), update=False
        )
        # a day's risk-score rollups hold its samples: a day written into again (a late
        # hour, a demo seed's backfill) is rolled up anew from its observations
        for chain in {o.chain for o in observations}:
            await self._session.execute(
                delete(VrsRollupRow).where(
                    VrsRollupRow.chain == chain.value, VrsRollupRow.day >= hour.date()
                )
            )

    async def replace_positions(
        self, chain: Chain, owner: str, positions: Sequence[Position], fetched_at: datetime
    ) -> bool:
        """Store a wallet's positions as fetched at `fetched_at`, unless a newer fetch is
        already stored (a slow job must not overwrite a later ingest). False when skipped."""
        # serialise writers of this wallet (PostgreSQL; SQLite transactions are exclusive)
        await self._session.execute(
            select(LinkedWalletRow.id)
            .where(LinkedWalletRow.chain == chain.value, LinkedWalletRow.address == owner)
            .with_for_update()
        )
        newest = await self._session.scalar(
            select(func.max(StakingPositionRow.fetched_at)).where(
                StakingPositionRow.chain == chain.value, StakingPositionRow.owner == owner
            )
        )
        if newest is not None and newest > fetched_at:
            return False
        await self._session.execute(
            delete(StakingPositionRow).where(
                StakingPositionRow.chain == chain.value, StakingPositionRow.owner == owner
            )
        )
        rows = [
            {
                "chain": p.chain.value,
                "owner": p.owner,
                "key": p.key,
                "validator": p.validator,
                "kind": p.kind.value,
                "amount": p.amount,
                "status": p.status,
                "rewards": p.rewards,
                "completes_at": p.completes_at,
                "fetched_at": max(p.fetched_at, fetched_at),
            }
            for p in positions
        ]
        if rows:
            await self._upsert(StakingPositionRow, rows, ("chain", "owner", "key"), update=True)
        return True

    async def add_metrics(self, metrics: ChainMetrics, hour: datetime) -> None:
        row = asdict(metrics)
        row.update(
            chain=metrics.chain.value,
            observed_at=hour,
            estimated=list(metrics.estimated),
            details=dict(metrics.details),
        )
        await self._upsert(ChainMetricsRow, [row], ("chain", "observed_at"), update=True)

    async def add_prices(self, prices: Sequence[Price]) -> None:
        rows = [
            {
                "chain": p.chain.value,
                "currency": p.currency,
                "fetched_at": p.fetched_at,
                "price": p.price,
            }
            for p in prices
        ]
        if rows:
            await self._upsert(PriceRow, rows, ("chain", "currency", "fetched_at"), update=True)

    async def record_sync(
        self,
        chain: Chain,
        step: str,
        at: datetime,
        *,
        error: str | None = None,
        items: int | None = None,
    ) -> None:
        values: dict[str, Any] = {"chain": chain.value, "step": step, "last_attempt_at": at}
        if error is None:
            values.update(last_success_at=at, items=items)
        else:
            values.update(last_error=error[:2000], last_error_at=at)
        await self._upsert(ChainSyncRow, [values], ("chain", "step"), update=True)

    async def record_attempt(self, chain: Chain, step: str, at: datetime) -> None:
        """A step started at `at` (its last success and failure stay as they were)."""
        values = {"chain": chain.value, "step": step, "last_attempt_at": at}
        await self._upsert(ChainSyncRow, [values], ("chain", "step"), update=True)

    # --- reads ---------------------------------------------------------------------------

    async def linked_addresses(self, chain: Chain) -> list[str]:
        rows = await self._session.scalars(
            select(LinkedWalletRow.address)
            .where(LinkedWalletRow.chain == chain.value)
            .distinct()
            .order_by(LinkedWalletRow.address)
        )
        return list(rows)

    async def watched_ids(self, chain: Chain) -> list[str]:
        """Validators someone stakes with, watches, or (signed in) viewed: the observed
        set beyond the chain's listed validators (domain/observed.py)."""
        staked = select(StakingPositionRow.validator.label("id")).where(
            StakingPositionRow.chain == chain.value, StakingPositionRow.validator != ""
        )
        watched = select(WatchedValidatorRow.validator.label("id")).where(
            WatchedValidatorRow.chain == chain.value
        )
        viewed = select(ObservedValidatorRow.validator.label("id")).where(
            ObservedValidatorRow.chain == chain.value
        )
        rows = await self._session.execute(union(staked, watched, viewed))
        return sorted(row.id for row in rows)

    async def validator_ids(self, chain: Chain) -> list[str]:
        rows = await self._session.scalars(
            select(ValidatorRow.address).where(ValidatorRow.chain == chain.value)
        )
        return list(rows)

    async def positions_of(self, wallets: Sequence[tuple[str, str]]) -> list[Position]:
        """Positions of these (chain, address) pairs, by chain, largest first."""
        if not wallets:
            return []
        rows = await self._session.scalars(
            select(StakingPositionRow)
            .where(tuple_(StakingPositionRow.chain, StakingPositionRow.owner).in_(wallets))
            .order_by(StakingPositionRow.chain, StakingPositionRow.amount.desc())
        )
        return [position_from_row(row) for row in rows]

    async def validators_by_id(
        self, ids: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], Validator]:
        """The stored validators among these (chain, address) pairs, by that pair."""
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(ValidatorRow).where(tuple_(ValidatorRow.chain, ValidatorRow.address).in_(ids))
        )
        return {(row.chain, row.address): validator_from_row(row) for row in rows}

    async def latest_prices(self) -> dict[tuple[str, str], Decimal]:
        """(chain, currency) -> the newest price."""
        newest = (
            select(PriceRow.chain, PriceRow.currency, func.max(PriceRow.fetched_at).label("at"))
            .group_by(PriceRow.chain, PriceRow.currency)
            .subquery()
        )
        rows = await self._session.execute(
            select(PriceRow.chain, PriceRow.currency, PriceRow.price).join(
                newest,
                (PriceRow.chain == newest.c.chain)
                & (PriceRow.currency == newest.c.currency)
                & (PriceRow.fetched_at == newest.c.at),
            )
        )
        return {(chain, currency): price for chain, currency, price in rows}

    async def sync_by_chain(self, step: str) -> dict[str, ChainSync]:
        """Each chain's state of one ingest step, by chain name."""
        rows = await self._session.scalars(select(ChainSyncRow).where(ChainSyncRow.step == step))
        return {row.chain: sync_from_row(row) for row in rows}


# --- rows -> domain values (reads) --------------------------------------------------------


def position_from_row(row: StakingPositionRow) -> Position:
    return Position(
        chain=Chain(row.chain),
        owner=row.owner,
        validator=row.validator,
        kind=PositionKind(row.kind),
        amount=row.amount,
        status=row.status,
        key=row.key,
        fetched_at=row.fetched_at,
        rewards=row.rewards,
        completes_at=row.completes_at,
    )


def validator_from_row(row: ValidatorRow) -> Validator:
    return Validator(
        chain=Chain(row.chain),
        address=row.address,
        status=ValidatorStatus(row.status),
        stake=row.stake,
        fetched_at=row.fetched_at,
        name=row.name,
        commission=row.commission,
        jailed=row.jailed,
        slashed=row.slashed,
        identity={str(k): str(v) for k, v in (row.identity or {}).items() if v is not None},
    )


def sync_from_row(row: ChainSyncRow) -> ChainSync:
    return ChainSync(
        chain=Chain(row.chain),
        step=row.step,
        last_attempt_at=row.last_attempt_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        items=row.items,
    )
