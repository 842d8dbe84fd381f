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


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    tier: Tier
    created_at: datetime
    email: str | None = None
    email_verified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkedWallet:
    id: UUID
    user_id: UUID
    chain: Chain
    address: str
    is_primary: bool
    linked_at: datetime
