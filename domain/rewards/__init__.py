"""Rewards: what a staking position actually earned (issue 14). Pure: no I/O."""

from domain.rewards.events import RewardEvent, RewardKind

__all__ = ["RewardEvent", "RewardKind"]
