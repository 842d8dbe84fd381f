"""Tier limits from their table; the documented defaults when a row is missing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Tier
from domain.tiers import DEFAULT_LIMITS, TierLimits
from infrastructure.db.models import TierLimitsRow


class TierLimitsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tier: Tier) -> TierLimits:
        row = await self._session.get(TierLimitsRow, tier.value)
        if row is None:
            return DEFAULT_LIMITS[tier]
        return TierLimits(
            tier=tier,
            chains=row.chains,
            watched_validators=row.watched_validators,
            vrs_factors=row.vrs_factors,
            alerts=row.alerts,
            history_days=row.history_days,
            reward_days=row.reward_days,
            rewards_export=row.rewards_export,
        )
