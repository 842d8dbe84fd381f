"""The demo Cosmos Hub's delegation rewards and its ledger.

A delegation accrues a whole number of uatom every hour its validator is in the active
set: the delegation times the network's reward rate (inflation less the community tax,
over the bonded tokens) less the validator's commission, for one hour — all as of the
day's start (UTC), so the rate holds all day. Within an hour the accrual is linear.
Every delegation's pending rewards are withdrawn at midnight (the demo wallets run a
daily claim), so pending rewards are what accrued since then. `ledger` sums what
a wallet's delegations earned between two instants: the claims in between plus the
change in pending rewards (floored to uatom, as a claim pays).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from infrastructure.chains.demo.cosmos_world import COMMUNITY_TAX, CosmosWorld

HOUR = timedelta(hours=1)
HOURS_PER_YEAR = 365 * 24


def _midnight(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class CosmosRewards:
    def __init__(self, world: CosmosWorld) -> None:
        self._world = world

    def hourly(self, index: int, amount: int, day: datetime) -> int:
        """uatom a delegation of `amount` to validator `index` accrues in an active hour
        of the day starting at `day`."""
        world = self._world.at(day)
        state = world.by_operator[self._world.by_index[index].operator]
        inflation = self._world.inflation(day)
        apr = inflation * (1 - COMMUNITY_TAX) * self._world.supply(day) / world.bonded_tokens
        return int(Decimal(amount) * apr * (1 - state.commission) / HOURS_PER_YEAR)

    def _active(self, index: int, hour: datetime) -> bool:
        world = self._world.at(hour)
        return world.by_operator[self._world.by_index[index].operator].active

    def _accrued(self, index: int, amount: int, day: datetime, hours: int) -> int:
        """uatom accrued in the first `hours` whole hours of the day starting at `day`."""
        rate = self.hourly(index, amount, day)
        return sum(rate for h in range(hours) if self._active(index, day + h * HOUR))

    def pending(self, index: int, amount: int, now: datetime) -> Decimal:
        """Pending uatom (18 decimals' worth) of the delegation at `now`."""
        day = _midnight(now)
        rate = self.hourly(index, amount, day)
        hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        total = self._accrued(index, amount, day, (hour - day) // HOUR)
        fraction = Decimal((now - hour).total_seconds()) / 3600
        partial = rate * fraction if fraction and self._active(index, hour) else Decimal(0)
        return Decimal(total) + partial

    def ledger(self, index: int, amount: int, start: datetime, end: datetime) -> int:
        """uatom the delegation earned in (start, end]: the daily claims in between plus
        the change of its (floored) pending rewards."""
        claims = 0
        day = _midnight(start)
        while day + timedelta(days=1) <= end:  # the claim at the end of the day
            claims += self._accrued(index, amount, day, 24)
            day += timedelta(days=1)
        before = math.floor(self.pending(index, amount, start))
        return claims + math.floor(self.pending(index, amount, end)) - before
