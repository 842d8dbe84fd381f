"""Daily rollups of the observations for the risk score (domain/vrs/rollup.py) in and
out: stored as one JSON text per (chain, day, validator), decimals as text (exact)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.vrs.rollup import Rollup, Run, Tally
from infrastructure.db.models import VrsRollupRow

R = VrsRollupRow.__table__.c
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
    return orjson.dumps(
        {
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
                if day in keep:
                    found.setdefault(validator, {})[day] = decode(data)
        return found

    async def add(self, chain: Chain, rollups: Mapping[tuple[str, date], Rollup]) -> int:
        """Store rollups (a day already stored is replaced whole)."""
        if not rollups:
            return 0
        days = sorted({day for _, day in rollups})
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
        for start in range(0, len(rows), _CHUNK):
            await self._session.execute(insert(VrsRollupRow), rows[start : start + _CHUNK])
        return len(rows)

    async def drop_from(self, chain: Chain, day: date) -> int:
        """Forget the chain's rollups of `day` and later (their observations changed)."""
        result = await self._session.execute(
            delete(VrsRollupRow).where(R.chain == chain.value, R.day >= day)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def prune(self, before: date) -> int:
        """Delete the rollups of days before `before` (the observations' retention)."""
        result = await self._session.execute(delete(VrsRollupRow).where(R.day < before))
        return int(getattr(result, "rowcount", 0) or 0)
