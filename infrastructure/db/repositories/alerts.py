"""Alert rules, their condition state, their history and the delivery outbox.

The evaluation reads in a fixed number of queries per chain whatever the number of
alerts (no N+1): the chain's active rules; the validators of the positions of every
scoped rule's user; the last 25 hours of VRS scores and of observations of the
validators looked at; their names; the stored conditions. It writes in bulk: new and
changed condition rows, history rows (ids returned) and one outbox row per channel.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.evaluation import ConditionState, Sample, ScoreSnapshot
from domain.alerts.model import AlertChannel, AlertRule, AlertType
from domain.alerts.payload import to_payload
from domain.alerts.records import EMAIL_UNVERIFIED, Firing, HistoryEntry, StoredAlert
from domain.models import Chain
from domain.vrs import FACTORS
from infrastructure.db.models import (
    LinkedWalletRow,
    StakingPositionRow,
    UserRow,
    ValidatorObservationRow,
    ValidatorRow,
    VrsScoreRow,
)
from infrastructure.db.models.alerts import (
    AlertConditionRow,
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    UserWebhookRow,
)

_IN_LIMIT = 1000  # up to this many validators filtered in SQL; more: the chain's whole window
_CHUNK = 2000  # rows per bulk statement


def _rule(row: AlertRow) -> AlertRule:
    return AlertRule(
        id=row.id,
        user_id=row.user_id,
        type=AlertType(row.type),
        chain=None if row.chain is None else Chain(row.chain),
        validator=row.validator,
        threshold=row.threshold,
        notify_resolved=row.notify_resolved,
        channels=tuple(AlertChannel(c) for c in row.channels or ()),
        active=row.active,
        created_at=row.created_at,
    )


def _stored(row: AlertRow) -> StoredAlert:
    return StoredAlert(_rule(row), row.deactivated_reason, row.updated_at)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    # -- rules (the API) ------------------------------------------------------------

    async def lock_user(self, user_id: uuid.UUID) -> None:
        """Serialise a user's alert writes until commit: PostgreSQL locks the user row;
        SQLite takes the database's write lock (its single writer) before the count."""
        if self._postgres:
            await self._session.execute(
                select(UserRow.id).where(UserRow.id == user_id).with_for_update()
            )
        else:
            statement = text("UPDATE users SET tier = tier WHERE id = :id").bindparams(
                bindparam("id", type_=UserRow.__table__.c.id.type)
            )
            await self._session.execute(statement, {"id": user_id})

    async def count_for_user(self, user_id: uuid.UUID) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(AlertRow).where(AlertRow.user_id == user_id)
        )
        return int(count or 0)

    async def add(
        self,
        user_id: uuid.UUID,
        kind: AlertType,
        chain: Chain | None,
        validator: str | None,
        threshold: Decimal | None,
        notify_resolved: bool,
        channels: Sequence[AlertChannel],
        active: bool,
        deactivated_reason: str | None,
    ) -> StoredAlert:
        row = AlertRow(
            user_id=user_id,
            type=kind.value,
            chain=None if chain is None else chain.value,
            validator=validator,
            threshold=threshold,
            notify_resolved=notify_resolved,
            channels=[c.value for c in channels],
            active=active,
            deactivated_reason=deactivated_reason,
        )
        self._session.add(row)
        await self._session.flush()
        return _stored(row)

    async def list_for_user(self, user_id: uuid.UUID) -> list[StoredAlert]:
        rows = await self._session.scalars(
            select(AlertRow)
            .where(AlertRow.user_id == user_id)
            .order_by(AlertRow.created_at, AlertRow.id)
        )
        return [_stored(r) for r in rows]

    async def _row(self, user_id: uuid.UUID, alert_id: uuid.UUID) -> AlertRow | None:
        return await self._session.scalar(
            select(AlertRow).where(AlertRow.id == alert_id, AlertRow.user_id == user_id)
        )

    async def get(self, user_id: uuid.UUID, alert_id: uuid.UUID) -> StoredAlert | None:
        """The user's alert; None for an unknown id or another user's alert."""
        row = await self._row(user_id, alert_id)
        return None if row is None else _stored(row)

    async def change(
        self,
        user_id: uuid.UUID,
        alert_id: uuid.UUID,
        values: dict[str, Any],
    ) -> StoredAlert | None:
        """Set columns (`active`, `deactivated_reason`, `threshold`, `notify_resolved`,
        `channels`) of the user's alert."""
        row = await self._row(user_id, alert_id)
        if row is None:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        await self._session.flush()
        await self._session.refresh(row)
        return _stored(row)

    async def delete(self, user_id: uuid.UUID, alert_id: uuid.UUID) -> bool:
        """Hard delete; its history stays (alert_id set NULL here too, so SQLite without
        foreign key enforcement keeps the same rows as PostgreSQL)."""
        row = await self._row(user_id, alert_id)
        if row is None:
            return False
        await self._session.execute(
            update(AlertHistoryRow)
            .where(AlertHistoryRow.alert_id == alert_id)
            .values(alert_id=None)
        )
        await self._session.execute(
            delete(AlertConditionRow).where(AlertConditionRow.alert_id == alert_id)
        )
        await self._session.delete(row)
        await self._session.flush()
        return True

    async def webhook_verified(self, user_id: uuid.UUID) -> bool:
        verified = await self._session.scalar(
            select(UserWebhookRow.verified_at).where(UserWebhookRow.user_id == user_id)
        )
        return verified is not None

    async def activate_verified(self, user_id: uuid.UUID | None = None) -> int:
        """Alerts waiting for their user's email verification become active once it is
        verified (all users', or one user's)."""
        verified = select(UserRow.id).where(UserRow.email_verified_at.is_not(None))
        if user_id is not None:
            verified = verified.where(UserRow.id == user_id)
        result = await self._session.execute(
            update(AlertRow)
            .where(AlertRow.deactivated_reason == EMAIL_UNVERIFIED, AlertRow.user_id.in_(verified))
            .values(active=True, deactivated_reason=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- history (the API and the monthly cleanup) ----------------------------------

    async def history_page(
        self, user_id: uuid.UUID, after: tuple[datetime, int] | None, limit: int
    ) -> list[HistoryEntry]:
        """Newest first; `after`: the (fired_at, id) of the previous page's last row."""
        query = select(AlertHistoryRow).where(AlertHistoryRow.user_id == user_id)
        if after is not None:
            query = query.where(
                or_(
                    AlertHistoryRow.fired_at < after[0],
                    and_(AlertHistoryRow.fired_at == after[0], AlertHistoryRow.id < after[1]),
                )
            )
        rows = await self._session.scalars(
            query.order_by(AlertHistoryRow.fired_at.desc(), AlertHistoryRow.id.desc()).limit(limit)
        )
        return [
            HistoryEntry(
                id=r.id,
                alert_id=r.alert_id,
                type=r.type,
                chain=r.chain,
                validator=r.validator,
                condition=r.condition,
                kind=r.kind,
                message=r.message,
                details=dict(r.details or {}),
                fired_at=r.fired_at,
            )
            for r in rows
        ]

    async def prune_history(self, before: datetime) -> int:
        """History older than `before` goes (its outbox rows with it)."""
        old = select(AlertHistoryRow.id).where(AlertHistoryRow.fired_at < before)
        await self._session.execute(
            delete(AlertNotificationRow).where(AlertNotificationRow.history_id.in_(old))
        )
        result = await self._session.execute(
            delete(AlertHistoryRow).where(AlertHistoryRow.fired_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- evaluation: reads ------------------------------------------------------------

    def _active_on(self, chain: Chain) -> Any:
        return and_(
            AlertRow.active.is_(True), or_(AlertRow.chain == chain.value, AlertRow.chain.is_(None))
        )

    async def active_rules(self, chain: Chain) -> list[AlertRule]:
        """Every active rule that looks at `chain` (its own or an all-chains rule)."""
        a = AlertRow
        rows = await self._session.execute(
            select(
                a.id,
                a.user_id,
                a.type,
                a.chain,
                a.validator,
                a.threshold,
                a.notify_resolved,
                a.channels,
                a.created_at,
            ).where(self._active_on(chain))
        )
        return [
            AlertRule(
                id=r[0],
                user_id=r[1],
                type=AlertType(r[2]),
                chain=None if r[3] is None else Chain(r[3]),
                validator=r[4],
                threshold=r[5],
                notify_resolved=r[6],
                channels=tuple(AlertChannel(c) for c in r[7] or ()),
                active=True,
                created_at=r[8],
            )
            for r in rows
        ]

    async def position_validators(self, chain: Chain) -> dict[uuid.UUID, set[str]]:
        """user -> validators of their positions on `chain`, for the users of the chain's
        active scoped rules."""
        scoped_users = select(AlertRow.user_id).where(
            self._active_on(chain), AlertRow.validator.is_(None)
        )
        rows = await self._session.execute(
            select(LinkedWalletRow.user_id, StakingPositionRow.validator)
            .join(
                StakingPositionRow,
                and_(
                    StakingPositionRow.chain == LinkedWalletRow.chain,
                    StakingPositionRow.owner == LinkedWalletRow.address,
                ),
            )
            .where(LinkedWalletRow.chain == chain.value, LinkedWalletRow.user_id.in_(scoped_users))
            .distinct()
        )
        out: dict[uuid.UUID, set[str]] = defaultdict(set)
        for user_id, validator in rows:
            out[user_id].add(validator)
        return dict(out)

    def _window(self, query: Any, validator: Any, validators: set[str]) -> Any:
        if len(validators) <= _IN_LIMIT:
            query = query.where(validator.in_(sorted(validators)))
        return query

    async def scores(
        self, chain: Chain, validators: set[str], spans: Sequence[tuple[datetime, datetime]]
    ) -> dict[str, list[ScoreSnapshot]]:
        """validator -> its scores within the [since, until] spans, oldest first."""
        if not validators:
            return {}
        columns = [getattr(VrsScoreRow, f"{f.value}_score") for f in FACTORS]
        query = select(
            VrsScoreRow.validator, VrsScoreRow.calculated_at, VrsScoreRow.total, *columns
        ).where(
            VrsScoreRow.chain == chain.value,
            or_(*(VrsScoreRow.calculated_at.between(a, b) for a, b in spans)),
        )
        query = self._window(query, VrsScoreRow.validator, validators)
        out: dict[str, list[ScoreSnapshot]] = defaultdict(list)
        for row in await self._session.execute(query.order_by(VrsScoreRow.calculated_at)):
            if row[0] not in validators:
                continue
            factors = {f.value: row[3 + i] for i, f in enumerate(FACTORS)}
            out[row[0]].append(ScoreSnapshot(row[1], row[2], factors))
        return dict(out)

    async def samples(
        self, chain: Chain, validators: set[str], spans: Sequence[tuple[datetime, datetime]]
    ) -> dict[str, list[Sample]]:
        """validator -> its observations within the [since, until] spans, oldest first."""
        if not validators:
            return {}
        o = ValidatorObservationRow
        query = select(
            o.validator,
            o.observed_at,
            o.status,
            o.commission,
            o.uptime,
            o.jailed,
            o.slashed,
            o.tombstoned,
        ).where(o.chain == chain.value, or_(*(o.observed_at.between(a, b) for a, b in spans)))
        query = self._window(query, o.validator, validators)
        out: dict[str, list[Sample]] = defaultdict(list)
        for row in await self._session.execute(query.order_by(o.observed_at)):
            if row[0] not in validators:
                continue
            out[row[0]].append(
                Sample(
                    observed_at=row[1],
                    status=row[2],
                    commission=row[3],
                    uptime=row[4],
                    jailed=bool(row[5]),
                    slashed=bool(row[6]),
                    tombstoned=bool(row[7]),
                )
            )
        return dict(out)

    async def names(self, chain: Chain, validators: set[str]) -> dict[str, str | None]:
        if not validators:
            return {}
        query = select(ValidatorRow.address, ValidatorRow.name).where(
            ValidatorRow.chain == chain.value
        )
        query = self._window(query, ValidatorRow.address, validators)
        rows = await self._session.execute(query)
        return {str(r[0]): r[1] for r in rows if r[0] in validators}

    async def conditions(self, chain: Chain) -> list[ConditionState]:
        """The stored conditions on `chain` of the chain's active rules."""
        c = AlertConditionRow
        rows = await self._session.scalars(
            select(c)
            .join(AlertRow, AlertRow.id == c.alert_id)
            .where(c.chain == chain.value, self._active_on(chain))
        )
        return [
            ConditionState(
                alert_id=r.alert_id,
                chain=Chain(r.chain),
                validator=r.validator,
                condition=r.condition,
                holding=r.holding,
                since=r.since,
                last_notified_at=r.last_notified_at,
                cleared_at=r.cleared_at,
                details=dict(r.details or {}),
            )
            for r in rows
        ]

    # -- evaluation: writes -----------------------------------------------------------

    async def save_conditions(
        self, new: Sequence[ConditionState], changed: Sequence[ConditionState]
    ) -> None:
        def values(s: ConditionState) -> dict[str, Any]:
            return {
                "alert_id": s.alert_id,
                "chain": s.chain.value,
                "validator": s.validator,
                "condition": s.condition,
                "holding": s.holding,
                "since": s.since,
                "last_notified_at": s.last_notified_at,
                "cleared_at": s.cleared_at,
                "details": dict(s.details),
            }

        for part in _chunks(list(new)):
            await self._session.execute(insert(AlertConditionRow), [values(s) for s in part])
        for part in _chunks(list(changed)):  # ORM bulk UPDATE by primary key
            await self._session.execute(update(AlertConditionRow), [values(s) for s in part])

    async def record(self, firings: Sequence[Firing]) -> int:
        """History rows and, in the same transaction, one pending outbox row per channel
        (`idempotency_key` "<history id>:<channel>"). Returns the outbox rows queued."""
        queued = 0
        for part in _chunks(list(firings)):
            history = [
                {
                    "alert_id": f.notice.alert_id,
                    "user_id": f.notice.user_id,
                    "type": f.notice.type.value,
                    "chain": f.notice.chain.value,
                    "validator": f.notice.validator,
                    "condition": f.notice.condition,
                    "kind": f.notice.kind.value,
                    "message": f.notice.message,
                    "details": {
                        "before": f.notice.before,
                        "after": f.notice.after,
                        "factors": f.notice.factors,
                        "validatorName": f.notice.validator_name,
                    },
                    "fired_at": f.notice.occurred_at,
                }
                for f in part
            ]
            ids = (
                await self._session.scalars(
                    insert(AlertHistoryRow).returning(
                        AlertHistoryRow.id, sort_by_parameter_order=True
                    ),
                    history,
                )
            ).all()
            outbox = [
                {
                    "id": uuid.uuid4(),
                    "history_id": history_id,
                    "user_id": f.notice.user_id,
                    "channel": channel.value,
                    "status": "pending",
                    "attempts": 0,
                    "idempotency_key": f"{history_id}:{channel.value}",
                    "payload": to_payload(f.notice),
                }
                for history_id, f in zip(ids, part, strict=True)
                for channel in f.channels
            ]
            if outbox:
                await self._session.execute(insert(AlertNotificationRow), outbox)
            queued += len(outbox)
        return queued
