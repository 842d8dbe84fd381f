"""ORM rows. Import every model module here so `Base.metadata` is complete."""

from infrastructure.db.models.admin import AdminAuditLogRow, ApiErrorRow, ConfigVersionRow
from infrastructure.db.models.alerts import (
    AlertConditionRow,
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    UserWebhookRow,
)
from infrastructure.db.models.auth import ApiKeyRow, MagicLinkRow, RefreshTokenRow
from infrastructure.db.models.chain_data import (
    ChainMetricsRow,
    ChainSyncRow,
    ErrorLogRow,
    EthValidatorRow,
    ObservedValidatorRow,
    PriceRow,
    StakingPositionRow,
    ValidatorLabelRow,
    ValidatorObservationRow,
    ValidatorRow,
    WatchedValidatorRow,
)
from infrastructure.db.models.price_closes import PriceCloseRow
from infrastructure.db.models.real_yield import YieldConfigRow, YieldSnapshotRow
from infrastructure.db.models.reward_days import RewardDayRow
from infrastructure.db.models.rewards import RewardEventRow
from infrastructure.db.models.tiers import TierLimitsRow
from infrastructure.db.models.users import LinkedWalletRow, UserRow, UserSubscriptionRow
from infrastructure.db.models.vrs import (
    VrsConfigRow,
    VrsLatestRow,
    VrsRollupRow,
    VrsRollupSpanRow,
    VrsScoreRow,
)

__all__ = [
    "AdminAuditLogRow",
    "AlertConditionRow",
    "AlertHistoryRow",
    "AlertNotificationRow",
    "AlertRow",
    "ApiErrorRow",
    "ApiKeyRow",
    "ChainMetricsRow",
    "ChainSyncRow",
    "ConfigVersionRow",
    "ErrorLogRow",
    "EthValidatorRow",
    "LinkedWalletRow",
    "MagicLinkRow",
    "ObservedValidatorRow",
    "PriceCloseRow",
    "PriceRow",
    "RefreshTokenRow",
    "RewardDayRow",
    "RewardEventRow",
    "StakingPositionRow",
    "TierLimitsRow",
    "UserRow",
    "UserSubscriptionRow",
    "UserWebhookRow",
    "ValidatorLabelRow",
    "ValidatorObservationRow",
    "ValidatorRow",
    "VrsConfigRow",
    "VrsLatestRow",
    "VrsRollupRow",
    "VrsRollupSpanRow",
    "VrsScoreRow",
    "WatchedValidatorRow",
    "YieldConfigRow",
    "YieldSnapshotRow",
]
