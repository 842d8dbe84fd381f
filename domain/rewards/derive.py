"""Reward events derived from what the chains report (pure: no I/O).

- ETH: a validator's consensus income over an ingest interval is its balance change plus
  what was withdrawn from it meanwhile (the sweep's partial withdrawals, read from the
  block payloads): `Δbalance + withdrawn`. A negative result is a penalty.
- ATOM: pending rewards only grow between withdrawals, so the accrual over an interval
  is `pending_now − pending_before`. When pending drops, rewards were withdrawn (a claim,
  an auto-claim on a delegation change, a compounding bot): what accrued before the
  withdrawal is unknown; it is estimated from the position's previous accrual rate and
  marked `estimated`.
- SOL: `getInflationReward` says per stake account and epoch exactly what was credited;
  it maps one to one (`sol_epoch_event`).

The previous reading of a position comes from the stored positions (`Reading`); the
period strings name the interval, so a re-fetch stores nothing twice (unique key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.models import Chain
from domain.rewards.events import RewardEvent, RewardKind


@dataclass(frozen=True, slots=True)
class Reading:
    """One position as one ingest read it: its amount (ETH balance, ATOM delegation) and,
    where the chain reports them, its pending rewards."""

    key: str
    validator: str
    amount: int
    at: datetime
    pending: int | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """A previous accrual of the position: `amount` over `seconds`."""

    amount: int
    seconds: float


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def interval(before: datetime, after: datetime) -> str:
    return f"{stamp(before)}/{stamp(after)}"


def kind_of(amount: int) -> RewardKind:
    return RewardKind.PENALTY if amount < 0 else RewardKind.REWARD


def eth_balance_event(
    owner: str, before: Reading, after: Reading, withdrawn: int, *, estimated: bool = False
) -> RewardEvent | None:
    """The validator's income between two readings: Δbalance + withdrawn (gwei); None
    when nothing changed or the readings do not follow each other."""
    if after.at <= before.at or withdrawn < 0:
        return None
    amount = after.amount - before.amount + withdrawn
    if amount == 0:
        return None
    return RewardEvent(
        chain=Chain.ETH,
        owner=owner,
        position_key=after.key,
        validator=after.validator,
        period=f"ingest:{interval(before.at, after.at)}",
        kind=kind_of(amount),
        amount=amount,
        occurred_at=after.at,
        stake=before.amount,
        period_start=before.at,
        estimated=estimated,
    )


def atom_accrual(
    owner: str, before: Reading, after: Reading, previous: Rate | None
) -> RewardEvent | None:
    """Pending rewards' growth between two readings (uatom). A drop means a withdrawal:
    the accrual is then estimated at the previous rate over the interval (at least what
    is pending now, which accrued after the withdrawal), or, with no rate known, what is
    pending now."""
    if after.at <= before.at or before.pending is None or after.pending is None:
        return None
    estimated = after.pending < before.pending
    if not estimated:
        amount = after.pending - before.pending
    else:
        amount = after.pending
        if previous is not None and previous.seconds > 0:
            seconds = (after.at - before.at).total_seconds()
            amount = max(amount, round(previous.amount * seconds / previous.seconds))
    if amount == 0:
        return None
    return RewardEvent(
        chain=Chain.ATOM,
        owner=owner,
        position_key=after.key,
        validator=after.validator,
        period=f"accrual:{interval(before.at, after.at)}",
        kind=RewardKind.REWARD,
        amount=amount,
        occurred_at=after.at,
        stake=before.amount,
        period_start=before.at,
        source="withdrawal" if estimated else None,
        estimated=estimated,
    )


def rate_of(event: RewardEvent) -> Rate | None:
    """The accrual rate a stored event shows (for the next withdrawal's estimate)."""
    if event.period_start is None or event.amount <= 0:
        return None
    return Rate(event.amount, (event.occurred_at - event.period_start).total_seconds())


def sol_epoch_event(
    owner: str,
    key: str,
    validator: str,
    epoch: int,
    amount: int,
    *,
    stake: int | None,
    effective_slot: int,
    occurred_at: datetime,
    period_start: datetime | None = None,
) -> RewardEvent | None:
    """One stake account's inflation reward for one epoch (lamports, exact)."""
    if amount == 0:
        return None
    return RewardEvent(
        chain=Chain.SOL,
        owner=owner,
        position_key=key,
        validator=validator,
        period=f"epoch:{epoch}",
        kind=kind_of(amount),
        amount=amount,
        occurred_at=occurred_at,
        stake=stake,
        period_start=period_start,
        epoch=epoch,
        source=f"slot:{effective_slot}",
    )


def epochs_to_read(last_stored: int | None, current: int, *, most: int) -> range:
    """Completed epochs (< current) not yet stored: from the one after the last stored,
    or the last completed one for a position seen first; at most `most`, the latest."""
    first = current - 1 if last_stored is None else last_stored + 1
    first = max(first, current - most)
    return range(max(0, first), current)


@dataclass(frozen=True, slots=True)
class RewardBasis:
    """What the previous ingest left of a wallet: its positions' readings and the latest
    stored event of each position (by key)."""

    readings: dict[str, Reading]
    latest: dict[str, RewardEvent]
    read_at: datetime | None = None  # when the readings were fetched (None: never)


YEAR_SECONDS = 365 * 86_400


def nominal_rate(stake: int, network_apr: Decimal, commission: Decimal) -> Rate:
    """A delegation's accrual rate from the chain's parameters (ATOM: inflation less the
    community tax, over the bonded ratio) less the validator's commission: the estimate
    of a withdrawal interval when the position has no accrual of its own yet."""
    return Rate(int(stake * network_apr * (1 - commission)), YEAR_SECONDS)
