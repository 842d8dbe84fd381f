"""Daily rollups of the observations for the risk score (domain/vrs/rollup.py) in and
out: stored as one JSON text per (chain, day, validator), decimals as text (exact); and
the spans (per validator, a window's whole days merged), one JSON text per (chain, first
day, last day, validator), each set used only while the daily rollups it was built from
are unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, insert, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.vrs.rollup import Rollup, Run, Tally
from infrastructure.db.models import VrsRollupRow, VrsRollupSpanRow

R = VrsRollupRow.__table__.c
S = VrsRollupSpanRow.__table__.c
EMPTY = ""  # the validator of a day's marker row: the day was rolled up, nothing observed
Signature = tuple[int, int]  # the chain's daily rollup rows in a range, and their samples
_CHUNK = 2_000  # rows per INSERT execution
STREAM_ROWS = 5_000


def _tally(t: Tally) -> list[Any]:
    return [str(t.total), t.samples]


_EMPTY = Tally()


def _t(raw: list[Any]) -> Tally:
    return Tally(Decimal(raw[0]), raw[1]) if raw[1] else _EMPTY


def _at(raw: str) -> datetime:
    return datetime.fromisoformat(raw)


def encode(rollup: Rollup) -> bytes:
    extra = {"t": list(rollup.ends)} if rollup.ends else {}
    return orjson.dumps(
        {
            **extra,
            "f": rollup.first_at.isoformat(),
            "l": rollup.last_at.isoformat(),
            "n": rollup.samples,
            "g": [[gap, n] for gap, n in rollup.gaps.items()],
            "u": _tally(rollup.uptime),
            "p": _tally(rollup.performance),
            "d": _tally(rollup.decentralization),
            "c": _tally(rollup.commission),
            "fc": None
            if rollup.first_commission is None
            else [rollup.first_commission[0].isoformat(), str(rollup.first_commission[1])],
            "lc": None if rollup.last_commission is None else str(rollup.last_commission),
            "ch": [[at.isoformat(), str(a), str(b)] for at, a, b in rollup.changes],
            "r": [
                [r.start.isoformat(), r.count, None if r.end is None else r.end.isoformat()]
                for r in rollup.runs
            ],
            "x": [rollup.fatal, rollup.last_fatal],
            "e": [str(e) for e in rollup.excess],
        }
    )


def decode(raw: str | bytes) -> Rollup:
    d = orjson.loads(raw)
    fc = d["fc"]
    return Rollup(
        first_at=_at(d["f"]),
        last_at=_at(d["l"]),
        samples=d["n"],
        gaps={gap: n for gap, n in d["g"]},
        uptime=_t(d["u"]),
        performance=_t(d["p"]),
        decentralization=_t(d["d"]),
        commission=_t(d["c"]),
        first_commission=None if fc is None else (_at(fc[0]), Decimal(fc[1])),
        last_commission=None if d["lc"] is None else Decimal(d["lc"]),
        changes=tuple((_at(at), Decimal(a), Decimal(b)) for at, a, b in d["ch"]),
        runs=tuple(
            Run(_at(start), count, None if end is None else _at(end))
            for start, count, end in d["r"]
        ),
        fatal=d["x"][0],
        last_fatal=d["x"][1],
        excess=tuple(Decimal(e) for e in d["e"]),
        ends=tuple(d.get("t", ())),
    )


class VrsRollupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def days(self, chain: Chain, first: date, last: date) -> set[date]:
        """The days in [first, last] the chain has rollups of."""
        rows = await self._session.scalars(
            select(R.day).where(R.chain == chain.value, R.day >= first, R.day <= last).distinct()
        )
        return set(rows)

    async def read(self, chain: Chain, days: Iterable[date]) -> dict[str, dict[date, Rollup]]:
        """validator -> day -> its rollup, for the given days."""
        wanted = sorted(set(days))
        found: dict[str, dict[date, Rollup]] = {}
        if not wanted:
            return found
        statement = (
            select(R.validator, R.day, R.data)
            .where(R.chain == chain.value, R.day >= wanted[0], R.day <= wanted[-1])
            .execution_options(yield_per=STREAM_ROWS)
        )
        keep = set(wanted)
        connection = await self._session.connection()
        result = await connection.stream(statement)
        async for batch in result.partitions(STREAM_ROWS):
            for validator, day, data in batch:
                if day in keep and validator != EMPTY:
                    found.setdefault(validator, {})[day] = decode(data)
        return found

    async def day_totals(self, chain: Chain, first: date, last: date) -> dict[date, int]:
        """day -> the chain's observations of that day as rolled up, for the days in
        [first, last] that have rollups."""
        rows = await self._session.execute(
            select(R.day, func.sum(R.samples))
            .where(R.chain == chain.value, R.day >= first, R.day <= last)
            .group_by(R.day)
        )
        return {day: int(total) for day, total in rows}

    async def signature(self, chain: Chain, first: date, last: date) -> Signature:
        """How many daily rollups the chain has in [first, last] and their samples: a
        span set built from them is right while this is unchanged (observations are only
        ever added, and any added one is a sample more in its day's rollup)."""
        row = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(R.samples), 0)).where(
                    R.chain == chain.value, R.day >= first, R.day <= last
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def span_sets(self, chain: Chain, first: date, last: date) -> list[tuple[date, date]]:
        """The stored span sets of the chain inside [first, last] whose daily rollups are
        unchanged, the widest first."""
        rows = await self._session.execute(
            select(S.first_day, S.last_day, S.set_rollups, S.set_samples)
            .where(S.chain == chain.value, S.first_day >= first, S.last_day <= last)
            .distinct()
        )
        found = []
        for a, b, rollups, samples in rows:
            if await self.signature(chain, a, b) == (rollups, samples):
                found.append((a, b))
        return sorted(found, key=lambda r: r[0] - r[1])

    async def read_spans(self, chain: Chain, first: date, last: date) -> dict[str, Rollup]:
        """validator -> its span of [first, last]."""
        statement = (
            select(S.validator, S.data)
            .where(S.chain == chain.value, S.first_day == first, S.last_day == last)
            .execution_options(yield_per=STREAM_ROWS)
        )
        found: dict[str, Rollup] = {}
        connection = await self._session.connection()
        result = await connection.stream(statement)
        async for batch in result.partitions(STREAM_ROWS):
            for validator, data in batch:
                found[validator] = decode(data)
        return found

    async def add_spans(
        self,
        chain: Chain,
        first: date,
        last: date,
        signature: Signature,
        spans: Mapping[str, Rollup],
    ) -> int:
        """Store a span set (the set of the same days is replaced whole)."""
        await self._session.execute(
            delete(VrsRollupSpanRow).where(
                S.chain == chain.value, S.first_day == first, S.last_day == last
            )
        )
        rows = [
            {
                "chain": chain.value,
                "first_day": first,
                "last_day": last,
                "validator": validator,
                "set_rollups": signature[0],
                "set_samples": signature[1],
                "data": encode(span).decode(),
            }
            for validator, span in spans.items()
        ]
        for start in range(0, len(rows), _CHUNK):
            await self._session.execute(insert(VrsRollupSpanRow), rows[start : start + _CHUNK])
        return len(rows)

    async def drop_spans_except(self, chain: Chain, keep: Iterable[tuple[date, date]]) -> int:
        """Forget the chain's span sets but `keep` (only the current windows' are read)."""
        kept = [and_(S.first_day == a, S.last_day == b) for a, b in keep]
        result = await self._session.execute(
            delete(VrsRollupSpanRow).where(S.chain == chain.value, not_(or_(*kept)))
            if kept
            else delete(VrsRollupSpanRow).where(S.chain == chain.value)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def add(
        self,
        chain: Chain,
        rollups: Mapping[tuple[str, date], Rollup],
        empty: Iterable[date] = (),
    ) -> int:
        """Store rollups (a day already stored is replaced whole); `empty`: days rolled up
        with no observation at all, kept as a marker row so they are not rolled up again
        every hour (a chain observed for less than the horizon)."""
        empty = sorted(set(empty))
        days = sorted({day for _, day in rollups} | set(empty))
        if not days:
            return 0
        await self._session.execute(
            delete(VrsRollupRow).where(R.chain == chain.value, R.day.in_(days))
        )
        rows = [
            {
                "chain": chain.value,
                "day": day,
                "validator": validator,
                "samples": rollup.samples,
                "data": encode(rollup).decode(),
            }
            for (validator, day), rollup in rollups.items()
        ]
        rows += [
            {"chain": chain.value, "day": day, "validator": EMPTY, "samples": 0, "data": ""}
            for day in empty
        ]
        for start in range(0, len(rows), _CHUNK):
            await self._session.execute(insert(VrsRollupRow), rows[start : start + _CHUNK])
        return len(rollups)

    async def drop_from(self, chain: Chain, day: date) -> int:
        """Forget the chain's rollups of `day` and later (their observations changed)."""
        result = await self._session.execute(
            delete(VrsRollupRow).where(R.chain == chain.value, R.day >= day)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def prune(self, before: date) -> int:
        """Delete the rollups of days before `before` (the observations' retention), and
        the spans that began before it."""
        result = await self._session.execute(delete(VrsRollupRow).where(R.day < before))
        await self._session.execute(delete(VrsRollupSpanRow).where(S.first_day < before))
        return int(getattr(result, "rowcount", 0) or 0)
