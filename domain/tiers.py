"""Tier limits (DESIGN.md §7): what free and pro users may do.

The numbers live in the `tier_limits` table (editable rows, read at run time);
`DEFAULT_LIMITS` are the documented defaults the migration seeds and the fallback
when a row is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import Tier


@dataclass(frozen=True, slots=True)
class TierLimits:
    tier: Tier
    chains: int  # chains a user may link wallets on
    watched_validators: int | None  # None: unlimited
    vrs_factors: int  # 3: uptime, slashing, commission; 5: all
    alerts: int
    history_days: int  # VRS / yield history shown
    reward_days: int | None = None  # rewards shown (None: all)
    rewards_export: bool = False  # may export rewards (CSV)


DEFAULT_LIMITS: dict[Tier, TierLimits] = {
    Tier.FREE: TierLimits(
        tier=Tier.FREE,
        chains=1,
        watched_validators=10,
        vrs_factors=3,
        alerts=1,
        history_days=7,
        reward_days=30,
        rewards_export=False,
    ),
    Tier.PRO: TierLimits(
        tier=Tier.PRO,
        chains=3,
        watched_validators=None,
        vrs_factors=5,
        alerts=5,
        history_days=30,
        reward_days=None,
        rewards_export=True,
    ),
}
