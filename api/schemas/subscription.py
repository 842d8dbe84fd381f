"""Wire shapes of `GET /api/subscription`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import ApiModel, UtcDatetime
from domain.models import Tier
from domain.tiers import Feature, SubscriptionSource


class FeatureUsageOut(ApiModel):
    feature: Feature
    limit: int | None = Field(description="null: unlimited")
    current: int
    over_limit: bool = Field(
        description="More than the limit is in use (after a downgrade): the rest is kept, read-only"
    )


class ComparisonRowOut(ApiModel):
    """One feature's limit per tier, from the `tier_limits` rows. Counts and days: null is
    unlimited; yes/no features (rewards_export): 1 yes, 0 no."""

    feature: Feature
    free: int | None
    pro: int | None


class PriceOut(ApiModel):
    amount: str = Field(description="Decimal as text")
    currency: str
    period: str
    display_only: bool = Field(
        default=True, description="Shown for information; nothing is charged through the app"
    )


class UpgradeContactOut(ApiModel):
    email: str
    subject: str
    mailto: str = Field(description="A ready mailto: link with the subject filled in")


class SubscriptionOut(ApiModel):
    tier: Tier = Field(description="The effective tier (an expired pro is free)")
    since: UtcDatetime = Field(
        description="Since when this tier applies: the subscription's start; for free "
        "without a subscription the account's creation; for an expired pro its expiry"
    )
    expires_at: datetime | None = Field(description="When pro ends (null: no end, or free)")
    source: SubscriptionSource | None = Field(
        description="Who gave the current pro tier (admin | stripe); null for free"
    )
    limits: list[FeatureUsageOut] = Field(description="Counted features: limit and usage")
    comparison: list[ComparisonRowOut]
    price: PriceOut
    upgrade: UpgradeContactOut
    upgrade_url: str | None = Field(description="The SPA's subscription page; null for pro")
