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

    async def put(self, limits: TierLimits) -> None:
        """Store a tier's limits (an admin's edit): the next request is decided on them."""
        row = await self._session.get(TierLimitsRow, limits.tier.value, with_for_update=True)
        if row is None:
            row = TierLimitsRow(tier=limits.tier.value)
            self._session.add(row)
        row.chains = limits.chains
        row.watched_validators = limits.watched_validators
        row.vrs_factors = limits.vrs_factors
        row.alerts = limits.alerts
        row.history_days = limits.history_days
        row.reward_days = limits.reward_days
        row.rewards_export = limits.rewards_export
        await self._session.flush()
