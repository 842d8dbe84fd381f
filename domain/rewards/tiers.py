"""What the tier allows of rewards: how far back they are shown (`reward_days`, see
domain.rewards.windows) and whether they may be exported (`rewards_export`)."""

from __future__ import annotations

from domain.errors import TierLimitExceeded


class RewardsExportNotAllowed(TierLimitExceeded):
    """403 TIER_LIMIT: the caller's tier may not export rewards; `details.upgradeUrl`."""

    message = "Exporting rewards needs the pro tier."

    def __init__(self, upgrade_url: str) -> None:
        super().__init__("rewards_export", upgrade_url, limit=0, current=0)
