"""Core domain types: chains, tiers, users and their linked wallets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Chain(StrEnum):
    ETH = "eth"
    SOL = "sol"
    ATOM = "atom"


class Tier(StrEnum):
    FREE = "free"
    PRO = "pro"


class Role(StrEnum):
    """A user's role: `admin` is granted by an admin (or comes from ADMIN_WALLETS)."""

    USER = "user"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class User:
    """A user as the server's record has it now. `tier` is the *effective* tier
    (domain/tiers.effective_tier of the subscription at load time); `tier_expires_at`
    is when a pro subscription ends (None: no end, or free)."""

    id: UUID
    tier: Tier
    created_at: datetime
    email: str | None = None
    email_verified_at: datetime | None = None
    role: Role = Role.USER
    tier_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkedWallet:
    id: UUID
    user_id: UUID
    chain: Chain
    address: str
    is_primary: bool
    linked_at: datetime
