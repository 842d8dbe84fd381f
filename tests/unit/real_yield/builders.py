"""Literal chain metrics for the real-yield tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.chains import ChainMetrics
from domain.models import Chain

DAY = date(2026, 11, 25)
NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)
YESTERDAY = datetime(2026, 11, 24, 12, tzinfo=UTC)


def metrics(chain: Chain, at: datetime = NOON, **fields: Any) -> ChainMetrics:
    values: dict[str, Any] = {
        "chain": chain,
        "observed_at": at,
        "total_staked": 0,
        "validator_count": 10,
        "active_validator_count": 10,
    }
    values.update(fields)
    return ChainMetrics(**values)


def eth(at: datetime = NOON, **fields: Any) -> ChainMetrics:
    values: dict[str, Any] = {
        "total_staked": 10**16,  # 10M ETH in gwei
        "total_supply": 40_000_000,
        "details": {
            "baseRewardPerIncrement": "296",
            "annualIssuance": "1000000",
            "annualBurn": "200000",
            "burnSource": "eth_feeHistory",
        },
    }
    values.update(fields)
    return metrics(Chain.ETH, at, **values)


def sol(at: datetime = NOON, **fields: Any) -> ChainMetrics:
    values: dict[str, Any] = {
        "total_staked": 600,
        "total_supply": 1000,
        "inflation": Decimal("0.05"),
        "details": {"validatorInflation": "0.045"},
    }
    values.update(fields)
    return metrics(Chain.SOL, at, **values)


def atom(at: datetime = NOON, **fields: Any) -> ChainMetrics:
    values: dict[str, Any] = {
        "total_staked": 500,
        "total_supply": 1000,
        "inflation": Decimal("0.10"),
        "community_tax": Decimal("0.10"),
    }
    values.update(fields)
    return metrics(Chain.ATOM, at, **values)
