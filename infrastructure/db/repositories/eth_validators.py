"""The whole stored ETH validator set (`eth_validators`, ~1.1M rows) as the public list
and detail read it: keyset pages in index, balance or risk-score order, narrowed by status
or withdrawal address, each row with its operator label and newest score in one query;
one validator by index or pubkey.

Every order is served by an index (see the model): the primary key (index), (balance,
index) scanned backwards (balance), the rare statuses' partial index, the withdrawal
address index and the pubkey index. The score order has two phases: the scored
validators from the small `vrs_latest` table (only observed validators have scores),
highest total first, then every other one by index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, String, cast, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.chains import Validator, ValidatorStatus
from domain.models import Chain
from domain.validators import (
    NO_FILTER,
    UNSCORED_KEY,
    EthDetails,
    LatestScore,
    ListedValidator,
    ListFilter,
    PagePosition,
    ValidatorSort,
)
from domain.vrs.model import ScoreConfidence, VrsStatus
from infrastructure.chains.ethereum.adapter import STATUS
from infrastructure.db.models import EthValidatorRow, ValidatorLabelRow, VrsLatestRow

ETH = Chain.ETH.value
# domain status -> the beacon statuses it stands for
BEACON_STATUSES: dict[ValidatorStatus, tuple[str, ...]] = {}
for _beacon, _status in STATUS.items():
    BEACON_STATUSES[_status] = (*BEACON_STATUSES.get(_status, ()), _beacon)


def view_total(view: int) -> Any:
    """The `vrs_latest` column of the view showing the first `view` factors (NULL when
    the view shows none)."""
    if view < 1:
        return literal(None, type_=VrsLatestRow.view_total_1.type)
    return getattr(VrsLatestRow, f"view_total_{min(view, 5)}")


def latest_score(
    status: str | None, confidence: str | None, total: Any, at: Any
) -> LatestScore | None:
    if status is None or confidence is None or at is None:
        return None
    return LatestScore(
        status=VrsStatus(status),
        confidence=ScoreConfidence(confidence),
        total=None if status != VrsStatus.SCORED.value else total,
        calculated_at=at,
    )


def eth_status(beacon: str) -> ValidatorStatus:
    return STATUS.get(beacon, ValidatorStatus.INACTIVE)


def listed_eth(
    row: EthValidatorRow, label: str | None, score: LatestScore | None, fetched_at: datetime
) -> ListedValidator:
    identity = {"pubkey": row.pubkey}
    if row.withdrawal_address is not None:
        identity["withdrawalAddress"] = row.withdrawal_address
    validator = Validator(
        chain=Chain.ETH,
        address=str(row.index),
        status=eth_status(row.status),
        stake=row.effective_balance,
        fetched_at=fetched_at,
        name=label,
        slashed=row.slashed,
        identity=identity,
    )
    details = EthDetails(
        index=row.index,
        pubkey=row.pubkey,
        beacon_status=row.status,
        balance=row.balance,
        effective_balance=row.effective_balance,
        withdrawal_prefix=row.withdrawal_prefix,
        withdrawal_address=row.withdrawal_address,
        activation_epoch=row.activation_epoch,
        exit_epoch=row.exit_epoch,
        slashed=row.slashed,
    )
    return ListedValidator(validator=validator, vrs=score, eth=details)


class EthValidatorSetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _select(self, view: int) -> tuple[Select[Any], Any]:
        total = view_total(view)
        index_text = cast(EthValidatorRow.index, String)
        query = (
            select(
                EthValidatorRow,
                ValidatorLabelRow.label,
                VrsLatestRow.status,
                VrsLatestRow.confidence,
                total,
                VrsLatestRow.calculated_at,
            )
            .select_from(EthValidatorRow)
            .outerjoin(
                VrsLatestRow, (VrsLatestRow.chain == ETH) & (VrsLatestRow.validator == index_text)
            )
            .outerjoin(
                ValidatorLabelRow,
                (ValidatorLabelRow.chain == ETH) & (ValidatorLabelRow.address == index_text),
            )
        )
        return query, total

    @staticmethod
    def _filters(filters: ListFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if filters.status is not None:
            beacon = BEACON_STATUSES.get(filters.status, ())
            conditions.append(EthValidatorRow.status.in_(beacon) if beacon else literal(False))
        if filters.withdrawal_address is not None:
            conditions.append(EthValidatorRow.withdrawal_address == filters.withdrawal_address)
        return conditions

    async def _rows(self, query: Select[Any], fetched_at: datetime) -> list[ListedValidator]:
        result = await self._session.execute(query)
        return [
            listed_eth(row[0], row[1], latest_score(row[2], row[3], row[4], row[5]), fetched_at)
            for row in result
        ]

    async def page(
        self,
        sort: ValidatorSort,
        limit: int,
        view: int,
        fetched_at: datetime,
        *,
        after: PagePosition | None = None,
        filters: ListFilter = NO_FILTER,
    ) -> list[ListedValidator]:
        """Up to `limit` validators in `sort` order after `after` (see
        domain.validators.sort_key), each with its label and newest score in `view`."""
        if sort is ValidatorSort.VRS:
            return await self._by_score(limit, view, fetched_at, after, filters)
        query, _ = self._select(view)
        query = query.where(*self._filters(filters))
        if sort is ValidatorSort.INDEX:
            if after is not None:
                query = query.where(EthValidatorRow.index > int(after.address))
            query = query.order_by(EthValidatorRow.index)
        else:  # balance (stake sorts as balance): largest first, ties by the higher index
            if after is not None:
                resume = tuple_(-int(after.key), int(after.address))
                query = query.where(tuple_(EthValidatorRow.balance, EthValidatorRow.index) < resume)
            query = query.order_by(EthValidatorRow.balance.desc(), EthValidatorRow.index.desc())
        return await self._rows(query.limit(limit), fetched_at)

    async def _by_score(
        self,
        limit: int,
        view: int,
        fetched_at: datetime,
        after: PagePosition | None,
        filters: ListFilter,
    ) -> list[ListedValidator]:
        found: list[ListedValidator] = []
        total = view_total(view)
        in_scored_part = after is None or int(after.key) != UNSCORED_KEY
        if in_scored_part and view >= 1:
            index_text = cast(EthValidatorRow.index, String)
            scored = (
                select(
                    EthValidatorRow,
                    ValidatorLabelRow.label,
                    VrsLatestRow.status,
                    VrsLatestRow.confidence,
                    total,
                    VrsLatestRow.calculated_at,
                )
                .select_from(VrsLatestRow)
                .join(
                    EthValidatorRow,
                    EthValidatorRow.index == cast(VrsLatestRow.validator, BigInteger),
                )
                .outerjoin(
                    ValidatorLabelRow,
                    (ValidatorLabelRow.chain == ETH) & (ValidatorLabelRow.address == index_text),
                )
                .where(
                    VrsLatestRow.chain == ETH,
                    VrsLatestRow.status == VrsStatus.SCORED.value,
                    total.is_not(None),
                    *self._filters(filters),
                )
            )
            if after is not None:
                resume = tuple_(int(after.key), after.address)
                scored = scored.where(tuple_(-total, VrsLatestRow.validator) > resume)
            scored = scored.order_by(-total, VrsLatestRow.validator).limit(limit)
            found = await self._rows(scored, fetched_at)
            if len(found) >= limit:
                return found
        query, _ = self._select(view)
        unscored = query.where(
            *self._filters(filters),
            (VrsLatestRow.status.is_(None))
            | (VrsLatestRow.status != VrsStatus.SCORED.value)
            | total.is_(None),
        )
        if after is not None and not in_scored_part:
            unscored = unscored.where(EthValidatorRow.index > int(after.address))
        unscored = unscored.order_by(EthValidatorRow.index).limit(limit - len(found))
        return found + await self._rows(unscored, fetched_at)

    async def get(self, key: int | str, view: int, fetched_at: datetime) -> ListedValidator | None:
        """One validator by index (int) or lower-case pubkey (str)."""
        query, _ = self._select(view)
        if isinstance(key, int):
            query = query.where(EthValidatorRow.index == key)
        else:
            query = query.where(EthValidatorRow.pubkey == key).order_by(EthValidatorRow.index)
        found = await self._rows(query.limit(1), fetched_at)
        return found[0] if found else None

    async def exists(self, index: int) -> bool:
        return await self._session.get(EthValidatorRow, index) is not None
