"""The validators table for the public list and detail: keyset pages, one validator, its
latest observations, whether an id is known at all (the ETH set lives in eth_validators),
and what the list shows beside them (the chain's sync state, its coin's newest prices)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, delete, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import ChainSync, Observation, Validator, ValidatorStatus
from domain.models import Chain
from domain.validators import (
    NO_COMMISSION,
    NO_FILTER,
    UNSCORED_KEY,
    ListedValidator,
    ListFilter,
    PagePosition,
    ValidatorSort,
    eth_key,
)
from infrastructure.db.models import (
    ChainSyncRow,
    EthValidatorRow,
    PriceRow,
    ValidatorLabelRow,
    ValidatorObservationRow,
    ValidatorRow,
    VrsLatestRow,
)
from infrastructure.db.repositories.chain_data import sync_from_row, validator_from_row
from infrastructure.db.repositories.eth_validators import latest_score, pubkey_match, view_total


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


def _order(sort: ValidatorSort, total: Any) -> Any:
    """The SQL of `domain.validators.sort_key` (`total`: the view's vrs_latest column)."""
    if sort is ValidatorSort.VRS:
        scored = (VrsLatestRow.status == "scored") & total.is_not(None)
        return case((scored, -total), else_=UNSCORED_KEY)
    if sort is ValidatorSort.STAKE:
        return -ValidatorRow.stake
    if sort is ValidatorSort.COMMISSION:
        return func.coalesce(ValidatorRow.commission, NO_COMMISSION)
    return func.lower(func.coalesce(ValidatorRow.name, ""))


def _listed(row: ValidatorRow, label: str | None, score: Any) -> ListedValidator:
    validator = validator_from_row(row)
    if validator.name is None and label is not None:
        validator = dataclasses.replace(validator, name=label)
    return ListedValidator(validator=validator, vrs=score)


def _with_label_and_score(total: Any) -> Select[Any]:
    """Validators rows with their operator label and newest score (`total`: the view's
    total column), as the list and the detail read them."""
    return (
        select(
            ValidatorRow,
            ValidatorLabelRow.label,
            VrsLatestRow.status,
            VrsLatestRow.confidence,
            total,
            VrsLatestRow.calculated_at,
        )
        .outerjoin(
            VrsLatestRow,
            (VrsLatestRow.chain == ValidatorRow.chain)
            & (VrsLatestRow.validator == ValidatorRow.address),
        )
        .outerjoin(
            ValidatorLabelRow,
            (ValidatorLabelRow.chain == ValidatorRow.chain)
            & (ValidatorLabelRow.address == ValidatorRow.address),
        )
    )


class ValidatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(
        self,
        chain: Chain,
        sort: ValidatorSort,
        limit: int,
        view: int,
        *,
        after: PagePosition | None = None,
        filters: ListFilter = NO_FILTER,
    ) -> list[ListedValidator]:
        """Up to `limit` validators in (sort key, address) order after `after`, each with
        its label and newest score in `view` (one query); `filters.search` matches a name
        anywhere or an address's start, case-insensitively."""
        total = view_total(view)
        key = _order(sort, total)
        query = _with_label_and_score(total).where(ValidatorRow.chain == chain.value)
        if filters.search:
            needle = filters.search.strip().lower()
            query = query.where(
                or_(
                    func.lower(ValidatorRow.name).contains(needle, autoescape=True),
                    func.lower(ValidatorRow.address).startswith(needle, autoescape=True),
                )
            )
        if filters.status is not None:
            query = query.where(ValidatorRow.status == filters.status.value)
        if after is not None:
            resume = tuple_(after.key, after.address)
            query = query.where(tuple_(key, ValidatorRow.address) > resume)
        result = await self._session.execute(query.order_by(key, ValidatorRow.address).limit(limit))
        return [
            _listed(row[0], row[1], latest_score(row[2], row[3], row[4], row[5])) for row in result
        ]

    async def get_listed(self, chain: Chain, address: str, view: int) -> ListedValidator | None:
        """One validator of the validators table with its label and newest score."""
        total = view_total(view)
        row = (
            await self._session.execute(
                _with_label_and_score(total).where(
                    ValidatorRow.chain == chain.value, ValidatorRow.address == address
                )
            )
        ).first()
        if row is None:
            return None
        return _listed(row[0], row[1], latest_score(row[2], row[3], row[4], row[5]))

    async def get(self, chain: Chain, address: str) -> Validator | None:
        row = await self._session.get(ValidatorRow, (chain.value, address))
        return None if row is None else validator_from_row(row)

    async def known(self, chain: Chain, address: str) -> bool:
        """Is this a validator we know of? The validators table holds only the ETH
        validators someone observes; the whole set is in eth_validators (by index or
        pubkey)."""
        if await self._session.get(ValidatorRow, (chain.value, address)) is not None:
            return True
        if chain is Chain.ETH:
            return await self.eth_index(address) is not None
        return False

    async def eth_index(self, address: str) -> int | None:
        """The index of the ETH validator `address` names (index or pubkey) in the stored
        set; None when there is none."""
        key = eth_key(address)
        if key is None:
            return None
        if isinstance(key, int):
            return key if await self._session.get(EthValidatorRow, key) is not None else None
        found: int | None = await self._session.scalar(
            select(EthValidatorRow.index)
            .where(pubkey_match(self._session, key))
            .order_by(EthValidatorRow.index)
            .limit(1)
        )
        return found

    # -- labels (issue 16 adds the admin endpoint) ----------------------------------------

    async def set_label(
        self, chain: Chain, address: str, label: str, source: str, now: datetime
    ) -> None:
        """Label a validator (shown as its name where the chain publishes none)."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = {
            "chain": chain.value,
            "address": address,
            "label": label,
            "source": source,
            "updated_at": now,
        }
        statement = insert(ValidatorLabelRow).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["chain", "address"],
                set_={"label": label, "source": source, "updated_at": now},
            )
        )

    async def delete_label(self, chain: Chain, address: str) -> bool:
        result = await self._session.execute(
            delete(ValidatorLabelRow).where(
                ValidatorLabelRow.chain == chain.value, ValidatorLabelRow.address == address
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def labels(self, chain: Chain) -> dict[str, str]:
        rows = await self._session.execute(
            select(ValidatorLabelRow.address, ValidatorLabelRow.label).where(
                ValidatorLabelRow.chain == chain.value
            )
        )
        return {address: label for address, label in rows}

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
