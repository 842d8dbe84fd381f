"""What the risk score reads: a chain's observations, streamed one validator at a time
(hourly rows of 1,300 SOL validators over 90 days are millions: never all in memory, no
ORM object per row), and the chain-wide context they are measured against."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext, HourStats, hour_stats
from domain.vrs.context import HourSample
from infrastructure.cache.vrs_context import Memo
from infrastructure.db.models import EthValidatorRow, ValidatorObservationRow, ValidatorRow
from infrastructure.db.repositories.eth_validators import addresses_match

Obs = ValidatorObservationRow.__table__.c  # Core columns: no ORM machinery per row
STREAM_ROWS = 5_000  # rows fetched per round trip while streaming
_IN_CHUNK = 1_000  # values per IN (...) list
STATUS = {s.value: s for s in ValidatorStatus}
# Validator.identity key under which the Cosmos adapter keeps the maximum commission rate
MAX_COMMISSION_KEY = "maxCommissionRate"
DAY = timedelta(days=1)


def _vouched_days(
    since: datetime, until: datetime, memo: Memo, settled: Mapping[date, int]
) -> set[date]:
    """The whole days inside [since, until] whose memo hours hold as many rows as the day's
    rollups: no hour of them grew since the memo (rows are only ever added)."""
    in_memo: dict[date, int] = {}
    for hour, (n, _) in memo.items():
        if since <= hour <= until:
            in_memo[hour.date()] = in_memo.get(hour.date(), 0) + n
    found = set()
    for day, rows in settled.items():
        start = datetime.combine(day, time(), UTC)
        if start >= since and start + DAY <= until and in_memo.get(day, 0) == rows:
            found.add(day)
    return found


def _outside(since: datetime, until: datetime, days: set[date]) -> list[tuple[datetime, datetime]]:
    """[since, until] less the given whole days, as half-open ranges."""
    ranges = []
    at = since
    for day in sorted(days):
        start = datetime.combine(day, time(), UTC)
        if start > at:
            ranges.append((at, start))
        at = max(at, start + DAY)
    if at <= until:
        ranges.append((at, until + timedelta(microseconds=1)))
    return ranges


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


class VrsInputs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _batches(self, statement: Any) -> AsyncIterator[Sequence[Any]]:
        """Rows in batches: one await per batch, not per row."""
        connection = await self._session.connection()
        result = await connection.stream(statement)
        async for batch in result.partitions(STREAM_ROWS):
            yield batch

    def _window(self, chain: Chain, since: datetime, until: datetime) -> list[Any]:
        return [Obs.chain == chain.value, Obs.observed_at >= since, Obs.observed_at <= until]

    async def observations(
        self,
        chain: Chain,
        since: datetime,
        until: datetime,
        ranges: Sequence[tuple[datetime, datetime]] | None = None,
    ) -> AsyncIterator[tuple[str, list[Observation]]]:
        """(validator, its samples oldest first) for every validator observed in the range
        [since, until] — only inside `ranges` (half-open [from, to)) when given."""
        where = self._window(chain, since, until)
        if ranges is not None:
            where.append(
                or_(*(and_(Obs.observed_at >= a, Obs.observed_at < b) for a, b in ranges))
                if ranges
                else false()
            )
        statement = (
            select(
                Obs.validator,
                Obs.observed_at,
                Obs.status,
                Obs.stake,
                Obs.commission,
                Obs.jailed,
                Obs.slashed,
                Obs.tombstoned,
                Obs.uptime,
                Obs.performance,
                Obs.skip_rate,
                Obs.missed_blocks,
                Obs.version,
            )
            .where(*where)
            .order_by(Obs.validator, Obs.observed_at)
            .execution_options(yield_per=STREAM_ROWS)
        )
        current: str | None = None
        samples: list[Observation] = []
        async for batch in self._batches(statement):
            for (
                validator,
                observed_at,
                status,
                stake,
                commission,
                jailed,
                slashed,
                tombstoned,
                uptime,
                performance,
                skip_rate,
                missed_blocks,
                version,
            ) in batch:
                if validator != current:
                    if current is not None:
                        yield current, samples
                    current, samples = validator, []
                samples.append(
                    Observation(
                        chain=chain,
                        validator=validator,
                        observed_at=observed_at,
                        status=STATUS[status],
                        stake=stake,
                        commission=commission,
                        jailed=jailed,
                        slashed=slashed,
                        tombstoned=tombstoned,
                        uptime=uptime,
                        performance=performance,
                        skip_rate=skip_rate,
                        missed_blocks=missed_blocks,
                        version=version,
                    )
                )
        if current is not None:
            yield current, samples

    async def context(
        self,
        chain: Chain,
        since: datetime,
        until: datetime,
        memo: Memo | None = None,
        settled: Mapping[date, int] | None = None,
    ) -> ChainContext:
        """The chain context for scores as of up to `until`. `memo` (hour -> (rows, stats),
        see infrastructure/cache/vrs_context.py) saves recomputing hours whose row count
        is unchanged; it is brought up to date in place. `settled`: day -> the chain's
        observations of that day as rolled up (vrs_rollups): a whole day whose memo
        hours add up to it is not counted again (rows are only ever added)."""
        if chain is Chain.ETH:
            return ChainContext(entity_share=await self._entity_shares(since, until))
        hours = await self._hours(chain, since, until, {} if memo is None else memo, settled)
        if chain is Chain.ATOM:
            return ChainContext(hours=hours, max_commission=await self._max_commission())
        return ChainContext(hours=hours)

    async def _hours(
        self,
        chain: Chain,
        since: datetime,
        until: datetime,
        memo: Memo,
        settled: Mapping[date, int] | None = None,
    ) -> dict[datetime, HourStats]:
        """Per observed hour, the stake and medians of every validator sampled then."""
        vouched = _vouched_days(since, until, memo, settled or {})
        counts = {h: n for h, (n, _) in memo.items() if h.date() in vouched and since <= h <= until}
        where = self._window(chain, since, until)
        if vouched:
            where.append(
                or_(
                    *(
                        and_(Obs.observed_at >= a, Obs.observed_at < b)
                        for a, b in _outside(since, until, vouched)
                    )
                )
            )
        counts.update(
            dict(
                list(
                    await self._session.execute(
                        select(Obs.observed_at, func.count())
                        .where(*where)
                        .group_by(Obs.observed_at)
                    )
                )
            )
        )
        hours = {h: memo[h][1] for h, n in counts.items() if h in memo and memo[h][0] == n}
        missing = sorted(h for h in counts if h not in hours)
        if len(missing) > _IN_CHUNK:  # most of the range: one ordered scan of it
            hours.update(await self._stats(chain, self._window(chain, since, until)))
        elif missing:
            hours.update(
                await self._stats(chain, [Obs.chain == chain.value, Obs.observed_at.in_(missing)])
            )
        memo.clear()
        memo.update({h: (n, hours[h]) for h, n in counts.items()})
        return hours

    async def _stats(self, chain: Chain, where: list[Any]) -> dict[datetime, HourStats]:
        statement = (
            select(
                Obs.observed_at,
                Obs.status,
                Obs.stake,
                Obs.skip_rate,
                Obs.uptime,
                Obs.jailed,
                Obs.tombstoned,
            )
            .where(*where)
            .order_by(Obs.observed_at)
            .execution_options(yield_per=STREAM_ROWS)
        )
        hours: dict[datetime, HourStats] = {}
        current: datetime | None = None
        samples: list[HourSample] = []
        async for batch in self._batches(statement):
            for observed_at, status, stake, skip_rate, uptime, jailed, tombstoned in batch:
                if observed_at != current:
                    if current is not None:
                        hours[current] = hour_stats(chain, samples)
                    current, samples = observed_at, []
                samples.append(
                    HourSample(STATUS[status], stake, skip_rate, uptime, jailed, tombstoned)
                )
        if current is not None:
            hours[current] = hour_stats(chain, samples)
        return hours

    async def _entity_shares(self, since: datetime, until: datetime) -> dict[str, Decimal]:
        """ETH: validator index -> active stake of its withdrawal address over all active
        stake (the validator set as last loaded). No entry for BLS (0x00) credentials."""
        observed = await self._session.scalars(
            select(Obs.validator).where(*self._window(Chain.ETH, since, until)).distinct()
        )
        indices = sorted(int(v) for v in observed if v.isdigit())
        address_of: dict[int, str] = {}
        for chunk in _chunks(indices):
            targets = await self._session.execute(
                select(EthValidatorRow.index, EthValidatorRow.withdrawal_address).where(
                    EthValidatorRow.index.in_(chunk),
                    EthValidatorRow.withdrawal_address.is_not(None),
                )
            )
            address_of.update({index: address for index, address in targets if address})
        if not address_of:
            return {}
        active = EthValidatorRow.status.startswith("active")
        total = await self._session.scalar(
            select(func.sum(EthValidatorRow.effective_balance)).where(active)
        )
        if not total:
            return {}
        stake: dict[str, int] = {}
        for chunk in _chunks(sorted(set(address_of.values()))):
            sums = await self._session.execute(
                select(
                    EthValidatorRow.withdrawal_address, func.sum(EthValidatorRow.effective_balance)
                )
                .where(addresses_match(self._session.get_bind().dialect.name, chunk), active)
                .group_by(EthValidatorRow.withdrawal_address)
            )
            stake.update({address: int(amount or 0) for address, amount in sums if address})
        return {
            str(index): Decimal(stake.get(address, 0)) / Decimal(int(total))
            for index, address in address_of.items()
        }

    async def _max_commission(self) -> dict[str, Decimal]:
        rows = await self._session.execute(
            select(ValidatorRow.address, ValidatorRow.identity).where(
                ValidatorRow.chain == Chain.ATOM.value
            )
        )
        rates = {}
        for address, identity in rows:
            try:
                rates[address] = Decimal((identity or {})[MAX_COMMISSION_KEY])
            except (KeyError, InvalidOperation, TypeError):
                continue  # not reported: the factor leaves the max rate out
        return rates
