"""Unit of work: one session and transaction per request or job.

    async with SqlUnitOfWork(session_factory) as uow:
        ...
        await uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:  # each repository (and the ORM models) is imported on first use (NFR6)
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
        from infrastructure.db.repositories.storage import StorageRepository

        return StorageRepository(self.session)

    @cached_property
    def users(self) -> UserRepository:
        from infrastructure.db.repositories.users import UserRepository

        return UserRepository(self.session)

    @cached_property
    def wallets(self) -> WalletRepository:
        from infrastructure.db.repositories.users import WalletRepository

        return WalletRepository(self.session)

    @cached_property
    def refresh_tokens(self) -> RefreshTokenRepository:
        from infrastructure.db.repositories.credentials import RefreshTokenRepository

        return RefreshTokenRepository(self.session)

    @cached_property
    def magic_links(self) -> MagicLinkRepository:
        from infrastructure.db.repositories.credentials import MagicLinkRepository

        return MagicLinkRepository(self.session)

    @cached_property
    def api_keys(self) -> ApiKeyRepository:
        from infrastructure.db.repositories.credentials import ApiKeyRepository

        return ApiKeyRepository(self.session)

    @cached_property
    def personal_data(self) -> PersonalDataRepository:
        from infrastructure.db.personal_data import PersonalDataRepository

        return PersonalDataRepository(self.session)

    # -- chain data and real yield (services/portfolio.py, services/real_yield.py) --
    @cached_property
    def chain_data(self) -> ChainDataRepository:
        from infrastructure.db.repositories.chain_data import ChainDataRepository

        return ChainDataRepository(self.session)

    @cached_property
    def yield_config(self) -> YieldConfigRepository:
        from infrastructure.db.repositories.real_yield import YieldConfigRepository

        return YieldConfigRepository(self.session)

    @cached_property
    def yield_inputs(self) -> YieldInputsRepository:
        from infrastructure.db.repositories.real_yield import YieldInputsRepository

        return YieldInputsRepository(self.session)

    @cached_property
    def yield_snapshots(self) -> YieldSnapshotRepository:
        from infrastructure.db.repositories.real_yield import YieldSnapshotRepository

        return YieldSnapshotRepository(self.session)

    # -- validators and risk scores (services/validators.py, services/vrs.py) --
    @cached_property
    def validators(self) -> ValidatorRepository:
        from infrastructure.db.repositories.validators import ValidatorRepository

        return ValidatorRepository(self.session)

    @cached_property
    def vrs_scores(self) -> VrsScoreRepository:
        from infrastructure.db.repositories.vrs import VrsScoreRepository

        return VrsScoreRepository(self.session)

    @cached_property
    def vrs_config(self) -> VrsConfigRepository:
        from infrastructure.db.repositories.vrs import VrsConfigRepository

        return VrsConfigRepository(self.session)

    @cached_property
    def vrs_inputs(self) -> VrsInputs:
        from infrastructure.db.repositories.vrs_inputs import VrsInputs

        return VrsInputs(self.session)

    @cached_property
    def vrs_rollups(self) -> VrsRollupRepository:
        from infrastructure.db.repositories.vrs_rollups import VrsRollupRepository

        return VrsRollupRepository(self.session)

    @cached_property
    def tier_limits(self) -> TierLimitsRepository:
        from infrastructure.db.repositories.tiers import TierLimitsRepository

        return TierLimitsRepository(self.session)

    # -- the tier gates and the watchlist (services/tiers.py, services/watchlist.py) --
    @cached_property
    def tier_usage(self) -> TierUsageRepository:
        from infrastructure.db.repositories.watchlist import TierUsageRepository

        return TierUsageRepository(self.session)

    @cached_property
    def watchlist(self) -> WatchlistRepository:
        from infrastructure.db.repositories.watchlist import WatchlistRepository

        return WatchlistRepository(self.session)

    # -- the admin console (services/admin.py, services/audit.py) --
    @cached_property
    def audit_log(self) -> AuditLogRepository:
        from infrastructure.db.repositories.audit import AuditLogRepository

        return AuditLogRepository(self.session)

    @cached_property
    def admin_users(self) -> AdminUsersRepository:
        from infrastructure.db.repositories.admin import AdminUsersRepository

        return AdminUsersRepository(self.session)

    @cached_property
    def config_versions(self) -> ConfigVersionRepository:
        from infrastructure.db.repositories.admin import ConfigVersionRepository

        return ConfigVersionRepository(self.session)

    @cached_property
    def api_errors(self) -> ApiErrorRepository:
        from infrastructure.db.repositories.admin import ApiErrorRepository

        return ApiErrorRepository(self.session)

    # -- the ingest and the jobs (services/ingest.py, services/pipeline.py) --
    @cached_property
    def ingest(self) -> IngestRepository:
        from infrastructure.db.repositories.ingest import IngestRepository

        return IngestRepository(self.session)

    @cached_property
    def reward_events(self) -> RewardEventRepository:
        from infrastructure.db.repositories.reward_events import RewardEventRepository

        return RewardEventRepository(self.session)

    @cached_property
    def error_log(self) -> ErrorLogRepository:
        from infrastructure.db.repositories.error_log import ErrorLogRepository

        return ErrorLogRepository(self.session)

    # -- the ETH set as the validator list reads it, and the observed set --
    @cached_property
    def eth_validators(self) -> EthValidatorSetRepository:
        from infrastructure.db.repositories.eth_validators import EthValidatorSetRepository

        return EthValidatorSetRepository(self.session)

    @cached_property
    def observed(self) -> ObservedRepository:
        from infrastructure.db.repositories.observed import ObservedRepository

        return ObservedRepository(self.session)

    # -- reward events as read by performance, the list and the export; daily closes --
    @cached_property
    def rewards_read(self) -> RewardsReadRepository:
        from infrastructure.db.repositories.rewards_read import RewardsReadRepository

        return RewardsReadRepository(self.session)

    # -- alerts (services/alerts.py) --
    @cached_property
    def alerts(self) -> AlertRepository:
        from infrastructure.db.repositories.alerts import AlertRepository

        return AlertRepository(self.session)

    # -- alert delivery (services/alert_delivery.py, services/webhooks.py) --
    @cached_property
    def alert_outbox(self) -> AlertOutboxRepository:
        from infrastructure.db.repositories.alert_outbox import AlertOutboxRepository

        return AlertOutboxRepository(self.session)

    @cached_property
    def webhooks(self) -> WebhookRepository:
        from infrastructure.db.repositories.webhooks import WebhookRepository

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
