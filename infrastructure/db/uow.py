"""Unit of work: one session and transaction per request or job.

    async with SqlUnitOfWork(session_factory) as uow:
        ...
        await uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infrastructure.db.personal_data import PersonalDataRepository
from infrastructure.db.repositories.admin import (
    AdminUsersRepository,
    ApiErrorRepository,
    ConfigVersionRepository,
)
from infrastructure.db.repositories.alert_outbox import AlertOutboxRepository
from infrastructure.db.repositories.alerts import AlertRepository
from infrastructure.db.repositories.audit import AuditLogRepository
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.credentials import (
    ApiKeyRepository,
    MagicLinkRepository,
    RefreshTokenRepository,
)
from infrastructure.db.repositories.error_log import ErrorLogRepository
from infrastructure.db.repositories.eth_validators import EthValidatorSetRepository
from infrastructure.db.repositories.ingest import IngestRepository
from infrastructure.db.repositories.observed import ObservedRepository
from infrastructure.db.repositories.real_yield import (
    YieldConfigRepository,
    YieldInputsRepository,
    YieldSnapshotRepository,
)
from infrastructure.db.repositories.reward_events import RewardEventRepository
from infrastructure.db.repositories.rewards_read import RewardsReadRepository
from infrastructure.db.repositories.storage import StorageRepository
from infrastructure.db.repositories.tiers import TierLimitsRepository
from infrastructure.db.repositories.users import UserRepository, WalletRepository
from infrastructure.db.repositories.validators import ValidatorRepository
from infrastructure.db.repositories.vrs import VrsConfigRepository, VrsScoreRepository
from infrastructure.db.repositories.vrs_inputs import VrsInputs
from infrastructure.db.repositories.vrs_rollups import VrsRollupRepository
from infrastructure.db.repositories.watchlist import TierUsageRepository, WatchlistRepository
from infrastructure.db.repositories.webhooks import WebhookRepository


class SqlUnitOfWork:
    """The session (and each repository) is made on first use: a request answered from
    the cache never builds one."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._session_factory()
        return self._session

    @cached_property
    def storage(self) -> StorageRepository:
        return StorageRepository(self.session)

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.session)

    @cached_property
    def wallets(self) -> WalletRepository:
        return WalletRepository(self.session)

    @cached_property
    def refresh_tokens(self) -> RefreshTokenRepository:
        return RefreshTokenRepository(self.session)

    @cached_property
    def magic_links(self) -> MagicLinkRepository:
        return MagicLinkRepository(self.session)

    @cached_property
    def api_keys(self) -> ApiKeyRepository:
        return ApiKeyRepository(self.session)

    @cached_property
    def personal_data(self) -> PersonalDataRepository:
        return PersonalDataRepository(self.session)

    # -- chain data and real yield (services/portfolio.py, services/real_yield.py) --
    @cached_property
    def chain_data(self) -> ChainDataRepository:
        return ChainDataRepository(self.session)

    @cached_property
    def yield_config(self) -> YieldConfigRepository:
        return YieldConfigRepository(self.session)

    @cached_property
    def yield_inputs(self) -> YieldInputsRepository:
        return YieldInputsRepository(self.session)

    @cached_property
    def yield_snapshots(self) -> YieldSnapshotRepository:
        return YieldSnapshotRepository(self.session)

    # -- validators and risk scores (services/validators.py, services/vrs.py) --
    @cached_property
    def validators(self) -> ValidatorRepository:
        return ValidatorRepository(self.session)

    @cached_property
    def vrs_scores(self) -> VrsScoreRepository:
        return VrsScoreRepository(self.session)

    @cached_property
    def vrs_config(self) -> VrsConfigRepository:
        return VrsConfigRepository(self.session)

    @cached_property
    def vrs_inputs(self) -> VrsInputs:
        return VrsInputs(self.session)

    @cached_property
    def vrs_rollups(self) -> VrsRollupRepository:
        return VrsRollupRepository(self.session)

    @cached_property
    def tier_limits(self) -> TierLimitsRepository:
        return TierLimitsRepository(self.session)

    # -- the tier gates and the watchlist (services/tiers.py, services/watchlist.py) --
    @cached_property
    def tier_usage(self) -> TierUsageRepository:
        return TierUsageRepository(self.session)

    @cached_property
    def watchlist(self) -> WatchlistRepository:
        return WatchlistRepository(self.session)

    # -- the admin console (services/admin.py, services/audit.py) --
    @cached_property
    def audit_log(self) -> AuditLogRepository:
        return AuditLogRepository(self.session)

    @cached_property
    def admin_users(self) -> AdminUsersRepository:
        return AdminUsersRepository(self.session)

    @cached_property
    def config_versions(self) -> ConfigVersionRepository:
        return ConfigVersionRepository(self.session)

    @cached_property
    def api_errors(self) -> ApiErrorRepository:
        return ApiErrorRepository(self.session)

    # -- the ingest and the jobs (services/ingest.py, services/pipeline.py) --
    @cached_property
    def ingest(self) -> IngestRepository:
        return IngestRepository(self.session)

    @cached_property
    def reward_events(self) -> RewardEventRepository:
        return RewardEventRepository(self.session)

    @cached_property
    def error_log(self) -> ErrorLogRepository:
        return ErrorLogRepository(self.session)

    # -- the ETH set as the validator list reads it, and the observed set --
    @cached_property
    def eth_validators(self) -> EthValidatorSetRepository:
        return EthValidatorSetRepository(self.session)

    @cached_property
    def observed(self) -> ObservedRepository:
        return ObservedRepository(self.session)

    # -- reward events as read by performance, the list and the export; daily closes --
    @cached_property
    def rewards_read(self) -> RewardsReadRepository:
        return RewardsReadRepository(self.session)

    # -- alerts (services/alerts.py) --
    @cached_property
    def alerts(self) -> AlertRepository:
        return AlertRepository(self.session)

    # -- alert delivery (services/alert_delivery.py, services/webhooks.py) --
    @cached_property
    def alert_outbox(self) -> AlertOutboxRepository:
        return AlertOutboxRepository(self.session)

    @cached_property
    def webhooks(self) -> WebhookRepository:
        return WebhookRepository(self.session)

    async def __aenter__(self) -> SqlUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._session
        if session is None or not session.in_transaction():
            return  # never used (e.g. a cached read), or committed: nothing to undo
        try:
            await session.rollback()  # undoes anything uncommitted
        finally:
            await session.close()

    async def commit(self) -> None:
        if self._session is not None:
            await self._session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._session.rollback()
