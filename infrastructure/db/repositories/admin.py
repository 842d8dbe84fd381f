"""The admin console's reads and writes: the user search, roles, tier limits, the
versioned VRS and yield configs, and the API's aggregated errors."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, cast, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.admin import (
    ApiErrorCount,
    ConfigKind,
    ConfigVersion,
    StaleConfigVersion,
    UserQuery,
    UserSummary,
)
from domain.models import Chain, Role, Tier
from domain.real_yield.parameters import default_rows
from infrastructure.db.base import utcnow
from infrastructure.db.models import (
    ApiErrorRow,
    ConfigVersionRow,
    LinkedWalletRow,
    UserRow,
    UserSubscriptionRow,
    VrsConfigRow,
    YieldConfigRow,
)
from infrastructure.db.repositories.users import _user, subscription_of


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class AdminUsersRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search(
        self,
        query: UserQuery | None,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        pro_only: bool = False,
    ) -> list[UserSummary]:
        """Newest accounts first (created_at, id descending), `limit` after the keyset
        position `after`; `query` matches a wallet address (exact or prefix: EVM
        addresses case-insensitively, base58 and bech32 as written), an email (prefix,
        case-insensitive) or the start of the user id. `pro_only`: users whose
        subscription record is pro (expired ones too: their tier shows it)."""
        statement = select(UserRow).order_by(UserRow.created_at.desc(), UserRow.id.desc())
        if after is not None:
            created, ident = after
            statement = statement.where(
                or_(
                    UserRow.created_at < created,
                    and_(UserRow.created_at == created, UserRow.id < ident),
                )
            )
        if query is not None:
            statement = statement.where(self._matches(query))
        if pro_only:
            statement = statement.where(
                exists().where(
                    UserSubscriptionRow.user_id == UserRow.id,
                    UserSubscriptionRow.tier == Tier.PRO.value,
                )
            )
        rows = list((await self._session.scalars(statement.limit(limit))).unique())
        ids = [row.id for row in rows]
        chains: dict[uuid.UUID, list[Chain]] = {}
        if ids:
            wallets = await self._session.execute(
                select(LinkedWalletRow.user_id, LinkedWalletRow.chain)
                .where(LinkedWalletRow.user_id.in_(ids))
                .order_by(LinkedWalletRow.linked_at, LinkedWalletRow.id)
            )
            for user_id, chain in wallets:
                found = chains.setdefault(user_id, [])
                if Chain(chain) not in found:
                    found.append(Chain(chain))
        now = utcnow()
        return [
            UserSummary(
                id=row.id,
                wallet_chains=tuple(chains.get(row.id, ())),
                email=row.email,
                email_verified=row.email_verified_at is not None,
                tier=_user(row, now).tier,
                subscription=subscription_of(row.subscription) if row.subscription else None,
                role=Role(row.role),
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
            )
            for row in rows
        ]

    @staticmethod
    def _matches(query: UserQuery) -> Any:
        text = query.text
        wallet = exists().where(
            LinkedWalletRow.user_id == UserRow.id,
            or_(
                and_(
                    LinkedWalletRow.chain == Chain.ETH.value,
                    func.lower(LinkedWalletRow.address).like(
                        _like_prefix(text.lower()), escape="\\"
                    ),
                ),
                and_(
                    LinkedWalletRow.chain != Chain.ETH.value,
                    LinkedWalletRow.address.like(_like_prefix(text), escape="\\"),
                ),
            ),
        )
        conditions = [
            wallet,
            func.lower(UserRow.email).like(_like_prefix(text.lower()), escape="\\"),
        ]
        if (prefix := query.id_prefix) is not None:
            # PostgreSQL renders a uuid with dashes, SQLite stores 32 hex digits
            hex_id = func.replace(func.lower(cast(UserRow.id, String)), "-", "")
            conditions.append(hex_id.like(prefix + "%"))
        return or_(*conditions)

    async def set_role(self, user_id: uuid.UUID, role: Role) -> Role | None:
        """Set the user's role; the role before (None: no such user)."""
        before = await self._session.scalar(
            select(UserRow.role).where(UserRow.id == user_id).with_for_update()
        )
        if before is None:
            return None
        await self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(role=role.value, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return Role(before)


class ConfigVersionRepository:
    """`config_versions`: version n of a kind is the full set of values after the n-1st
    change; version 1 (the values before any change) is written with the first change."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, kind: ConfigKind) -> ConfigVersion | None:
        row = await self._session.scalar(
            select(ConfigVersionRow)
            .where(ConfigVersionRow.kind == kind.value)
            .order_by(ConfigVersionRow.version.desc())
            .limit(1)
        )
        if row is None:
            return None
        return ConfigVersion(
            kind=kind,
            version=row.version,
            values=dict(row.values),
            created_at=row.created_at,
            created_by=row.created_by,
            reason=row.reason,
        )

    async def add(self, version: ConfigVersion) -> None:
        """Store a version; StaleConfigVersion when that number exists (a concurrent
        change based on the same version won)."""
        row = ConfigVersionRow(
            kind=version.kind.value,
            version=version.version,
            values=dict(version.values),
            created_at=version.created_at or utcnow(),
            created_by=version.created_by,
            reason=version.reason,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as exc:
            raise StaleConfigVersion() from exc

    async def vrs_rows(self) -> dict[str, str]:
        rows = await self._session.execute(select(VrsConfigRow.name, VrsConfigRow.value))
        return {name: value for name, value in rows}

    async def replace_vrs_rows(self, values: Mapping[str, str]) -> None:
        await self._session.execute(delete(VrsConfigRow))
        now = utcnow()
        self._session.add_all(
            VrsConfigRow(name=name, value=value, updated_at=now) for name, value in values.items()
        )
        await self._session.flush()

    async def yield_rows(self) -> dict[str, str]:
        """`yield_config` as {"chain/name": value}."""
        rows = await self._session.execute(
            select(YieldConfigRow.chain, YieldConfigRow.name, YieldConfigRow.value)
        )
        return {f"{chain}/{name}": str(value) for chain, name, value in rows}

    async def replace_yield_rows(self, values: Mapping[str, str]) -> None:
        """Set `yield_config` to exactly these rows ({"chain/name": value}), keeping each
        kept row's description (a new row takes the documented one, if any)."""
        existing = {
            (row.chain, row.name): row
            for row in await self._session.scalars(select(YieldConfigRow))
        }
        documented = {(p.chain, p.name): p.description for p in default_rows()}
        for key, value in values.items():
            chain, _, name = key.partition("/")
            row = existing.pop((chain, name), None)
            if row is None:
                row = YieldConfigRow(
                    chain=chain, name=name, description=documented.get((chain, name), "")
                )
                self._session.add(row)
            row.value = Decimal(value)
        for row in existing.values():
            await self._session.delete(row)
        await self._session.flush()


class ApiErrorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_counts(self, counts: Sequence[ApiErrorCount]) -> None:
        """Upsert: `count = count + n`, last seen and last request id moved on."""
        if not counts:
            return
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for item in counts:
            statement = insert(ApiErrorRow).values(
                method=item.method,
                route=item.route,
                status=item.status,
                code=item.code,
                count=item.count,
                first_seen_at=item.first_seen_at,
                last_seen_at=item.last_seen_at,
                last_request_id=item.last_request_id,
            )
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["method", "route", "status", "code"],
                    set_={
                        "count": ApiErrorRow.count + statement.excluded.count,
                        "last_seen_at": statement.excluded.last_seen_at,
                        "last_request_id": statement.excluded.last_request_id,
                    },
                )
            )

    async def latest(self, *, limit: int) -> list[ApiErrorCount]:
        rows = await self._session.scalars(
            select(ApiErrorRow)
            .order_by(ApiErrorRow.last_seen_at.desc(), ApiErrorRow.id.desc())
            .limit(limit)
        )
        return [
            ApiErrorCount(
                method=row.method,
                route=row.route,
                status=row.status,
                code=row.code,
                count=row.count,
                first_seen_at=row.first_seen_at,
                last_seen_at=row.last_seen_at,
                last_request_id=row.last_request_id,
            )
            for row in rows
        ]
