"""`GET /api/subscription` (story 6.3): the caller's plan — tier, since, expiry, source —
the limits with current usage per feature, the free vs pro comparison from the
`tier_limits` rows, the price (display only) and the upgrade contact. Session or API key.
Not cached: the tier is read from the server's current record on every request."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import ResourcesDep, UowDep
from api.schemas.common import MetaEnvelope, NoMeta, one
from api.schemas.subscription import (
    ComparisonRowOut,
    FeatureUsageOut,
    PriceOut,
    SubscriptionOut,
    UpgradeContactOut,
)
from api.security import CurrentPrincipal
from domain.models import Tier
from domain.tiers import (
    COMPARED,
    PRO_PRICE,
    PRO_PRICE_CURRENCY,
    PRO_PRICE_PERIOD,
    UPGRADE_EMAIL,
    UPGRADE_SUBJECT,
    limit_of,
    upgrade_mailto,
)
from services import tiers

router = APIRouter(prefix="/api/subscription", tags=["subscription"])  # limited per user


@router.get("", summary="My plan, its limits and usage, and how Pro compares")
async def get_subscription(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[SubscriptionOut, NoMeta]:
    view = await tiers.subscription(uow, principal.user, datetime.now(UTC))
    free, pro = view.tiers
    plan = view.plan
    return one(
        SubscriptionOut(
            tier=plan.tier,
            since=plan.since,
            expires_at=plan.expires_at,
            source=plan.source,
            limits=[
                FeatureUsageOut(
                    feature=u.feature, limit=u.limit, current=u.current, over_limit=u.over_limit
                )
                for u in view.usage
            ],
            comparison=[
                ComparisonRowOut(feature=f, free=limit_of(free, f), pro=limit_of(pro, f))
                for f in COMPARED
            ],
            price=PriceOut(amount=PRO_PRICE, currency=PRO_PRICE_CURRENCY, period=PRO_PRICE_PERIOD),
            upgrade=UpgradeContactOut(
                email=UPGRADE_EMAIL, subject=UPGRADE_SUBJECT, mailto=upgrade_mailto()
            ),
            upgrade_url=None
            if plan.tier is Tier.PRO
            else tiers.upgrade_url(resources.settings.effective_app_origin),
        )
    )
