"""Real yield in and out: the `yield_config` parameters and the daily snapshots.

Snapshots are append-only. `YieldSnapshotRepository` can add a day's rows (a row that
exists for (chain, validator, day) is kept as it is: insert-or-ignore) and read them;
it has no update or delete, and on PostgreSQL a trigger rejects both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.real_yield import NETWORK, Confidence, RealYield, YieldParameters, parameters_from_rows
from infrastructure.db.models import YieldConfigRow, YieldSnapshotRow
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
        self, chain: Chain, validator: str | None, since: date
    ) -> list[tuple[date, RealYield]]:
        """A validator's (None: the network's) daily snapshots from `since`, oldest first."""
        rows = await self._session.scalars(
            select(YieldSnapshotRow)
            .where(
                YieldSnapshotRow.chain == chain.value,
                YieldSnapshotRow.validator == (validator if validator is not None else NETWORK),
                YieldSnapshotRow.snapshot_date >= since,
            )
            .order_by(YieldSnapshotRow.snapshot_date)
        )
        return [(row.snapshot_date, _result(row)) for row in rows]
