"""The validators table for the public list and detail: keyset pages, one validator, its
latest observations, whether an id is known at all (the ETH set lives in eth_validators),
and what the list shows beside them (the chain's sync state, its coin's newest prices)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import ChainSync, Observation, Validator, ValidatorStatus
from domain.models import Chain
from domain.validators import NO_COMMISSION, PagePosition, ValidatorSort
from infrastructure.db.models import (
    ChainSyncRow,
    EthValidatorRow,
    PriceRow,
    ValidatorObservationRow,
    ValidatorRow,
)
from infrastructure.db.repositories.chain_data import sync_from_row, validator_from_row

ETH_INDEX_DIGITS = 18  # a validator index is a BIGINT: shorter digit strings only


def _observation(row: ValidatorObservationRow) -> Observation:
    return Observation(
        chain=Chain(row.chain),
        validator=row.validator,
        observed_at=row.observed_at,
        status=ValidatorStatus(row.status),
        stake=row.stake,
        commission=row.commission,
        jailed=row.jailed,
        slashed=row.slashed,
        tombstoned=row.tombstoned,
        uptime=row.uptime,
        performance=row.performance,
        skip_rate=row.skip_rate,
        missed_blocks=row.missed_blocks,
        version=row.version,
    )


def _order(sort: ValidatorSort) -> Any:
    """The SQL of `domain.validators.sort_key`."""
    if sort is ValidatorSort.STAKE:
        return -ValidatorRow.stake
    if sort is ValidatorSort.COMMISSION:
        return func.coalesce(ValidatorRow.commission, NO_COMMISSION)
    return func.lower(func.coalesce(ValidatorRow.name, ""))


class ValidatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(
        self,
        chain: Chain,
        sort: ValidatorSort,
        limit: int,
        *,
        after: PagePosition | None = None,
        search: str | None = None,
    ) -> list[Validator]:
        """Up to `limit` validators in (sort key, address) order after `after`; `search`
        matches a name anywhere or an address's start, case-insensitively."""
        key = _order(sort)
        query = select(ValidatorRow).where(ValidatorRow.chain == chain.value)
        if search:
            needle = search.strip().lower()
            query = query.where(
                or_(
                    func.lower(ValidatorRow.name).contains(needle, autoescape=True),
                    func.lower(ValidatorRow.address).startswith(needle, autoescape=True),
                )
            )
        if after is not None:
            resume = tuple_(after.key, after.address)
            query = query.where(tuple_(key, ValidatorRow.address) > resume)
        rows = await self._session.scalars(query.order_by(key, ValidatorRow.address).limit(limit))
        return [validator_from_row(row) for row in rows]

    async def get(self, chain: Chain, address: str) -> Validator | None:
        row = await self._session.get(ValidatorRow, (chain.value, address))
        return None if row is None else validator_from_row(row)

    async def known(self, chain: Chain, address: str) -> bool:
        """Is this a validator we know of? The validators table holds only the ETH
        validators someone stakes with or watches; the whole set is in eth_validators."""
        if await self._session.get(ValidatorRow, (chain.value, address)) is not None:
            return True
        if (
            chain is Chain.ETH
            and address.isascii()
            and address.isdigit()
            and len(address) <= ETH_INDEX_DIGITS
        ):
            return await self._session.get(EthValidatorRow, int(address)) is not None
        return False

    async def observations(self, chain: Chain, address: str, limit: int) -> list[Observation]:
        """The validator's latest `limit` samples, newest first."""
        rows = await self._session.scalars(
            select(ValidatorObservationRow)
            .where(
                ValidatorObservationRow.chain == chain.value,
                ValidatorObservationRow.validator == address,
            )
            .order_by(ValidatorObservationRow.observed_at.desc())
            .limit(limit)
        )
        return [_observation(row) for row in rows]

    async def sync_state(self, chain: Chain, step: str) -> ChainSync | None:
        row = await self._session.get(ChainSyncRow, (chain.value, step))
        return None if row is None else sync_from_row(row)

    async def latest_prices(self, chain: Chain) -> dict[str, Decimal]:
        """currency -> the newest price of the chain's coin."""
        newest = (
            select(PriceRow.currency, func.max(PriceRow.fetched_at).label("at"))
            .where(PriceRow.chain == chain.value)
            .group_by(PriceRow.currency)
            .subquery()
        )
        rows = await self._session.execute(
            select(PriceRow.currency, PriceRow.price).join(
                newest,
                (PriceRow.chain == chain.value)
                & (PriceRow.currency == newest.c.currency)
                & (PriceRow.fetched_at == newest.c.at),
            )
        )
        return {currency: price for currency, price in rows}
