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

from collections.abc import Sequence
from datetime import datetime
from typing import Any, get_args

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    literal,
    literal_column,
    select,
    text,
    tuple_,
    union_all,
)
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
from infrastructure.chains.ethereum.statuses import STATUS, BeaconStatus
from infrastructure.db.models import EthValidatorRow, ValidatorLabelRow, VrsLatestRow
from infrastructure.db.models.chain_data import (
    ADDRESS_KEY_SQL,
    COMMON_STATUSES,
    PUBKEY_KEY_SQL,
    hex_key,
)

ETH = Chain.ETH.value
# an owner with more validators than this: its scored ones are found by walking the
# scores in order (it has many of them); fewer: starting from its validators
MANY_VALIDATORS = 5_000
ALL_BEACON_STATUSES: tuple[str, ...] = get_args(BeaconStatus)  # what the decoder accepts
# domain status -> the beacon statuses it stands for
BEACON_STATUSES: dict[ValidatorStatus, tuple[str, ...]] = {}
for _beacon, _status in STATUS.items():
    BEACON_STATUSES[_status] = (*BEACON_STATUSES.get(_status, ()), _beacon)


def _inline(value: str) -> Any:
    """A filter value written into the statement, not bound: PostgreSQL then plans for
    this value (a prepared statement's generic plan assumes an average withdrawal address,
    and reads the largest owner's 250k validators the slow way). Values are validated
    first (an address's hex digits, a beacon status of ours)."""
    return bindparam(None, value, type_=String(), literal_execute=True)


def pubkey_match(session: AsyncSession, pubkey: str) -> ColumnElement[bool]:
    """`pubkey = :pubkey` as the dialect's pubkey index serves it (PostgreSQL indexes the
    pubkey's last 8 bytes as a BIGINT: see PUBKEY_KEY_SQL)."""
    exact = EthValidatorRow.pubkey == pubkey
    if session.get_bind().dialect.name != "postgresql":
        return exact
    indexed = text(f"{PUBKEY_KEY_SQL} = :pubkey_key").bindparams(
        bindparam("pubkey_key", hex_key(pubkey), type_=BigInteger())
    )
    return and_(indexed, exact)


def address_match(dialect: str, address: str, *, inline: bool = False) -> ColumnElement[bool]:
    """`withdrawal_address = :address` as the dialect's address index serves it
    (PostgreSQL indexes the address's last 8 bytes as a BIGINT, then balance and index:
    see ADDRESS_KEY_SQL). `inline` writes the values into the statement (`_inline`)."""
    value: Any = _inline(address) if inline else address
    exact: ColumnElement[bool] = EthValidatorRow.withdrawal_address == value
    if dialect != "postgresql":
        return exact
    indexed = literal_column(ADDRESS_KEY_SQL, BigInteger())
    key = hex_key(address)
    return and_(indexed == (literal_column(str(key), BigInteger()) if inline else key), exact)


def addresses_match(dialect: str, addresses: Sequence[str]) -> ColumnElement[bool]:
    """`withdrawal_address IN (...)` through the address index (see address_match)."""
    exact = EthValidatorRow.withdrawal_address.in_(addresses)
    if dialect != "postgresql":
        return exact
    keys = sorted({hex_key(address) for address in addresses})
    return and_(literal_column(ADDRESS_KEY_SQL, BigInteger()).in_(keys), exact)


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
        self._dialect = session.get_bind().dialect.name

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
    def _address(dialect: str, filters: ListFilter) -> list[ColumnElement[bool]]:
        if filters.withdrawal_address is None:
            return []
        return [address_match(dialect, filters.withdrawal_address, inline=True)]

    async def _rows(self, query: Select[Any], fetched_at: datetime) -> list[ListedValidator]:
        result = await self._session.execute(query)
        return [
            listed_eth(row[0], row[1], latest_score(row[2], row[3], row[4], row[5]), fetched_at)
            for row in result
        ]

    def _keys(
        self,
        sort: ValidatorSort,
        limit: int,
        after: PagePosition | None,
        filters: ListFilter,
        extra: Sequence[ColumnElement[bool]] = (),
    ) -> Any:
        """The page's (index, balance) in `sort` order (index or balance), as a subquery.

        An order that an index serves per status is read per beacon status, each part
        from its index (its first `limit` rows), and merged: the balance order always
        (the (status, balance, index) index; statuses cluster at the ends of the balance
        order, e.g. withdrawn validators at 0), the index order when filtered by status
        (a rare status from its partial index, not by scanning the primary key until
        enough turn up)."""
        e = EthValidatorRow
        by_index = sort is ValidatorSort.INDEX
        conditions = [*self._address(self._dialect, filters), *extra]
        if after is not None:
            if by_index:
                conditions.append(e.index > int(after.address))
            else:
                resume = tuple_(-int(after.key), int(after.address))
                conditions.append(tuple_(e.balance, e.index) < resume)
        order = (e.index,) if by_index else (e.balance.desc(), e.index.desc())
        # the balance order of one owner: its (withdrawal_address, balance, index) range
        if filters.status is not None:
            statuses: tuple[str, ...] | None = BEACON_STATUSES.get(filters.status, ())
        elif by_index or filters.withdrawal_address is not None:
            statuses = None  # the primary key, or (withdrawal_address, balance, index)
        else:
            statuses = ALL_BEACON_STATUSES
        if statuses is None:
            return (
                select(e.index, e.balance).where(*conditions).order_by(*order).limit(limit)
            ).subquery()
        if not statuses:
            return select(e.index, e.balance).where(literal(False)).subquery()
        parts = [
            select(
                select(e.index, e.balance)
                .where(e.status == _inline(status), *conditions)
                .order_by(*order)
                .limit(limit)
                .subquery()
            )
            for status in statuses
        ]
        return union_all(*parts).subquery()

    def _page_of(self, keys: Any, sort: ValidatorSort, limit: int, view: int) -> Select[Any]:
        query, _ = self._select(view)
        if sort is ValidatorSort.INDEX:
            order: tuple[Any, ...] = (keys.c.index,)
        else:
            order = (keys.c.balance.desc(), keys.c.index.desc())
        return query.join(keys, keys.c.index == EthValidatorRow.index).order_by(*order).limit(limit)

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
        if sort is ValidatorSort.STAKE:
            sort = ValidatorSort.BALANCE  # ETH's stake order is its balance order
        keys = self._keys(sort, limit, after, filters)
        return await self._rows(self._page_of(keys, sort, limit, view), fetched_at)

    async def _by_score(
        self,
        limit: int,
        view: int,
        fetched_at: datetime,
        after: PagePosition | None,
        filters: ListFilter,
    ) -> list[ListedValidator]:
        """Scored first (highest total first, ties by the validator id, descending),
        from vrs_latest's index of the view's total; then every other one by index."""
        found: list[ListedValidator] = []
        total = view_total(view)
        in_scored_part = after is None or int(after.key) != UNSCORED_KEY
        if in_scored_part and view >= 1:
            index_text = cast(EthValidatorRow.index, String)
            conditions = [*self._address(self._dialect, filters)]
            if filters.status is not None:
                beacon = BEACON_STATUSES.get(filters.status, ())
                conditions.append(
                    EthValidatorRow.status.in_([_inline(b) for b in beacon])
                    if beacon
                    else literal(False)
                )
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
                .where(VrsLatestRow.chain == ETH, total.is_not(None), *conditions)
            )
            if after is not None:
                resume = tuple_(-int(after.key), after.address)
                scored = scored.where(tuple_(total, VrsLatestRow.validator) < resume)
            # a status few validators have: start from them (its partial index), not from
            # the scores' order (which would probe every scored validator's status)
            rare = filters.status is not None and not set(
                BEACON_STATUSES.get(filters.status, ())
            ) & set(COMMON_STATUSES)
            if filters.withdrawal_address is not None and not rare:
                rare = not await self._owns_many(filters.withdrawal_address)
            order = (total + 0) if rare else total
            scored = scored.order_by(order.desc(), VrsLatestRow.validator.desc()).limit(limit)
            found = await self._rows(scored, fetched_at)
            if len(found) >= limit:
                return found
        unscored = ~exists().where(
            VrsLatestRow.chain == ETH,
            VrsLatestRow.validator == cast(EthValidatorRow.index, String),
            total.is_not(None),
        )
        start = after if after is not None and not in_scored_part else None
        keys = self._keys(ValidatorSort.INDEX, limit - len(found), start, filters, [unscored])
        page = self._page_of(keys, ValidatorSort.INDEX, limit - len(found), view)
        return found + await self._rows(page, fetched_at)

    async def _owns_many(self, address: str) -> bool:
        """Does this withdrawal address have more than MANY_VALIDATORS validators? (At
        most that many index entries read.)"""
        found = await self._session.scalar(
            select(EthValidatorRow.index)
            .where(address_match(self._dialect, address))
            .offset(MANY_VALIDATORS)
            .limit(1)
        )
        return found is not None

    async def get(self, key: int | str, view: int, fetched_at: datetime) -> ListedValidator | None:
        """One validator by index (int) or lower-case pubkey (str)."""
        query, _ = self._select(view)
        if isinstance(key, int):
            query = query.where(EthValidatorRow.index == key)
        else:
            query = query.where(pubkey_match(self._session, key)).order_by(EthValidatorRow.index)
        found = await self._rows(query.limit(1), fetched_at)
        return found[0] if found else None

    async def exists(self, index: int) -> bool:
        return await self._session.get(EthValidatorRow, index) is not None
