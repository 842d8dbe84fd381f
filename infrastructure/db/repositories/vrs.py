"""Validator Risk Scores in and out, and their config rows.

Scores are append-only: `add` inserts (a score already stored for the same validator and
hour is left as it is — re-runs are no-ops) and there is deliberately no update or delete.
Storage is bounded (issue 18): a score is stored only when it differs from the
validator's previous one (status, total, a factor, confidence, weights or methodology)
or is its first of the UTC day; the score as of any moment is still the newest row at or
before it, and the last row of each day still holds that day's last score.
Reads are batched: the latest score of many validators in one query, a validator's
history in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.vrs import FACTORS, ScoreConfidence, VrsConfig, VrsScore, VrsStatus
from domain.vrs.history import last_per_day
from domain.vrs.model import total_of
from domain.vrs.tiers import visible_factors
from infrastructure.db.models import VrsConfigRow, VrsLatestRow, VrsScoreRow
from infrastructure.db.models.vrs import VIEW_TOTALS

_CHUNK = 5000  # parameter sets per execution (SQLAlchemy batches them into INSERTs)
_LATEST_CHUNK = 500  # rows per multi-row upsert: far below both drivers' parameter limits
_NAMED_PREVIOUS = 1_000  # up to this many validators the previous scores are read by name
LATEST_WITHIN = timedelta(days=7)  # a validator's "latest" score is at most this stale


def _row(score: VrsScore) -> dict[str, Any]:
    row: dict[str, Any] = {
        "chain": score.chain.value,
        "validator": score.validator,
        "calculated_at": score.calculated_at,
        "status": score.status.value,
        "total": score.total,
        "data_days": score.data_days,
        "confidence": score.confidence.value,
        "methodology_version": score.methodology_version,
    }
    for factor in FACTORS:
        row[f"{factor.value}_score"] = score.scores.get(factor)
        row[f"{factor.value}_weight"] = score.weights[factor]
    return row


_LATEST_COLUMNS = (
    "calculated_at",
    "status",
    "confidence",
    *(f"view_total_{n}" for n in range(1, VIEW_TOTALS + 1)),
)


def _latest_row(score: VrsScore) -> dict[str, Any]:
    """A score's `vrs_latest` row: the total of each view (the first n factors)."""
    scored = score.status is VrsStatus.SCORED
    return {
        "chain": score.chain.value,
        "validator": score.validator,
        "calculated_at": score.calculated_at,
        "status": score.status.value,
        "confidence": score.confidence.value,
        **{
            f"view_total_{n}": (
                total_of(score.scores, score.weights, visible_factors(n)) if scored else None
            )
            for n in range(1, VIEW_TOTALS + 1)
        },
    }


def _same(a: VrsScore, b: VrsScore) -> bool:
    """Would storing `b` after `a` tell a reader anything new (data_days aside)?"""
    return (
        a.status is b.status
        and a.total == b.total
        and a.confidence is b.confidence
        and a.methodology_version == b.methodology_version
        and all(a.scores.get(f) == b.scores.get(f) for f in FACTORS)
        and all(a.weights.get(f) == b.weights.get(f) for f in FACTORS)
    )


def _day(score: VrsScore) -> object:
    return score.calculated_at.astimezone(UTC).date()


def changed(previous: dict[str, VrsScore], scores: Iterable[VrsScore]) -> list[VrsScore]:
    """The scores worth a row: per validator (oldest first), one that differs from the
    validator's last kept score (`previous`: its newest stored one) or is its first of a
    UTC day."""
    kept: list[VrsScore] = []
    last = dict(previous)
    for score in sorted(scores, key=lambda s: (s.validator, s.calculated_at)):
        before = last.get(score.validator)
        if before is not None and _day(before) == _day(score) and _same(before, score):
            continue
        kept.append(score)
        last[score.validator] = score
    return kept


def _score(row: Any) -> VrsScore:
    return VrsScore(
        chain=Chain(row.chain),
        validator=row.validator,
        calculated_at=row.calculated_at,
        status=VrsStatus(row.status),
        total=row.total,
        scores={f: getattr(row, f"{f.value}_score") for f in FACTORS},
        weights={f: Decimal(getattr(row, f"{f.value}_weight")) for f in FACTORS},
        data_days=row.data_days,
        confidence=ScoreConfidence(row.confidence),
        methodology_version=row.methodology_version,
    )


class VrsScoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def add(self, scores: Sequence[VrsScore]) -> int:
        """Insert the scores that changed (see the module docstring); one per (chain,
        validator, calculated_at) — an existing one wins. `vrs_latest` takes every score.
        Returns how many rows were new."""
        rows = [_row(s) for s in await self._changed(scores)]
        if not rows:
            await self._update_latest(scores)
            return 0
        table = cast(Table, VrsScoreRow.__table__)
        # executed with many parameter sets: compiled once, sent in batches; RETURNING
        # counts the new rows on both drivers (an executemany's rowcount is not reliable)
        statement = (
            self._insert(table)
            .on_conflict_do_nothing(index_elements=["chain", "validator", "calculated_at"])
            .returning(table.c.id)
        )
        added = 0
        for start in range(0, len(rows), _CHUNK):
            result = await self._session.execute(statement, rows[start : start + _CHUNK])
            added += len(result.all())
        await self._update_latest(scores)
        return added

    async def _changed(self, scores: Sequence[VrsScore]) -> list[VrsScore]:
        kept: list[VrsScore] = []
        for chain in {s.chain for s in scores}:
            mine = [s for s in scores if s.chain is chain]
            names = {s.validator for s in mine}
            previous = await self.latest_scores(
                chain,
                names if len(names) <= _NAMED_PREVIOUS else None,
                as_of=min(s.calculated_at for s in mine),
            )
            kept.extend(changed(previous, mine))
        return kept

    async def _update_latest(self, scores: Sequence[VrsScore]) -> None:
        """Keep `vrs_latest` (the newest score of each validator, with every view's total)
        in step with the inserts, in the same transaction; a score more than
        LATEST_WITHIN older than its chain's newest one is dropped from it, as
        `latest_scores` does not count it either."""
        newest: dict[tuple[Chain, str], VrsScore] = {}
        for score in scores:
            key = (score.chain, score.validator)
            if key not in newest or newest[key].calculated_at < score.calculated_at:
                newest[key] = score
        rows = [_latest_row(s) for s in newest.values()]
        for start in range(0, len(rows), _LATEST_CHUNK):
            statement = self._insert(VrsLatestRow).values(rows[start : start + _LATEST_CHUNK])
            excluded = statement.excluded
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["chain", "validator"],
                    set_={name: excluded[name] for name in _LATEST_COLUMNS},
                    where=VrsLatestRow.calculated_at < excluded.calculated_at,
                )
            )
        for chain in {s.chain for s in newest.values()}:
            top = max(s.calculated_at for s in newest.values() if s.chain is chain)
            await self._session.execute(
                delete(VrsLatestRow).where(
                    VrsLatestRow.chain == chain.value,
                    VrsLatestRow.calculated_at < top - LATEST_WITHIN,
                )
            )

    async def latest(self, chain: Chain, validator: str) -> VrsScore | None:
        row = await self._session.scalar(
            select(VrsScoreRow)
            .where(VrsScoreRow.chain == chain.value, VrsScoreRow.validator == validator)
            .order_by(VrsScoreRow.calculated_at.desc())
            .limit(1)
        )
        return None if row is None else _score(row)

    async def latest_scores(
        self,
        chain: Chain,
        validators: Iterable[str] | None = None,
        *,
        as_of: datetime | None = None,
    ) -> dict[str, VrsScore]:
        """validator -> its newest score (at or before `as_of` when given), for all of the
        chain's validators or the given ones, in one query. Scores more than LATEST_WITHIN
        older than the chain's newest run are not considered (a validator no longer scored
        has no current score), which also bounds the rows read however long the history
        grows."""
        newest_query = select(func.max(VrsScoreRow.calculated_at)).where(
            VrsScoreRow.chain == chain.value
        )
        if as_of is not None:
            newest_query = newest_query.where(VrsScoreRow.calculated_at <= as_of)
        newest = await self._session.scalar(newest_query)
        if newest is None:
            return {}
        conditions = [
            VrsScoreRow.chain == chain.value,
            VrsScoreRow.calculated_at >= newest - LATEST_WITHIN,
            VrsScoreRow.calculated_at <= newest,
        ]
        if validators is not None:
            wanted = sorted(set(validators))
            if not wanted:
                return {}
            conditions.append(VrsScoreRow.validator.in_(wanted))
        ranked = (
            select(
                VrsScoreRow.id,
                func.row_number()
                .over(
                    partition_by=VrsScoreRow.validator,
                    order_by=VrsScoreRow.calculated_at.desc(),
                )
                .label("rank"),
            )
            .where(*conditions)
            .subquery()
        )
        rows = await self._session.scalars(
            select(VrsScoreRow)
            .join(ranked, ranked.c.id == VrsScoreRow.id)
            .where(ranked.c.rank == 1)
        )
        return {row.validator: _score(row) for row in rows}

    async def daily(self, chain: Chain, validator: str, since: datetime) -> list[VrsScore]:
        """The last score of each day from `since` on, oldest first (one query)."""
        rows = await self._session.scalars(
            select(VrsScoreRow)
            .where(
                VrsScoreRow.chain == chain.value,
                VrsScoreRow.validator == validator,
                VrsScoreRow.calculated_at >= since,
            )
            .order_by(VrsScoreRow.calculated_at)
        )
        return last_per_day(_score(row) for row in rows)

    async def first_calculated_at(self, chain: Chain, validator: str) -> datetime | None:
        first: datetime | None = await self._session.scalar(
            select(func.min(VrsScoreRow.calculated_at)).where(
                VrsScoreRow.chain == chain.value, VrsScoreRow.validator == validator
            )
        )
        return first


class VrsConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> VrsConfig:
        """The config from its rows (missing rows keep their defaults); a bad row raises
        ValueError rather than scoring with numbers nobody chose."""
        rows = await self._session.execute(select(VrsConfigRow.name, VrsConfigRow.value))
        return VrsConfig.from_rows({name: value for name, value in rows})
