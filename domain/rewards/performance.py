"""Performance: what positions earned over the windows (domain.rewards.windows), in base
units and in fiat at each day's price, and the realised APY next to the nominal one.

Input: the stored reward events of the positions, summed per (position, UTC day, bucket)
(`DayTotal`: one grouped read for all positions), and the daily closes per asset.

- **Rewards** of a window: the signed sum of its events (penalties are negative).
- **Fiat**: Σ over the days of (that day's coins × that day's close), exact, rounded to
  cents once at the end. A currency is null when any day with rewards has no close in it:
  a partial sum would be a wrong number.
- **Covered span**: from the earliest event's period start (its end when the chain does
  not say) to the latest event's end: the time the summed rewards were earned in. A SOL
  epoch reward that lands in the last 24 h covers its whole epoch.
- **Average stake**: the mean of the events' recorded stake (events are about equally
  long per chain: hourly ETH/ATOM, per-epoch SOL); the position's current amount when no
  event recorded one.
- **Realised APY** = rewards ÷ (average stake × covered years), a simple annual rate like
  the nominal APY it is shown next to (no compounding), net of the validator's commission
  (it is what the wallet received). Several positions (a chain, the portfolio) combine
  as Σ rewards ÷ Σ (stake × years): the stake- and time-weighted rate; across chains in
  USD at the latest price (coins of different chains cannot be added).
- **Confidence**: high from 30 covered days, medium from 7, low below; one level lower
  when any event is estimated (ATOM accruals across a withdrawal). No APY at all (None)
  without events, a covered span or a stake.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.amounts import CENTS, CURRENCIES, FiatValue, Valued, coins
from domain.models import Chain
from domain.rewards.windows import WINDOWS, Window

YEAR = timedelta(days=365)
APY_PLACES = Decimal("0.000001")  # 0.0001 % : the rate as text
HIGH_DAYS, MEDIUM_DAYS = 30, 7

# (chain, day, currency) -> that day's close of one whole coin; chain and currency as text
DailyPrices = Mapping[tuple[str, date, str], Decimal]
# (chain, currency) -> the latest price (domain.amounts.Prices)
LatestPrices = Mapping[tuple[str, str], Decimal]
PositionId = tuple[Chain, str, str]  # (chain, owner, position key)


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_LEVELS = (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH)


@dataclass(frozen=True, slots=True)
class DayTotal:
    """One position's reward events of one UTC day that fall in one bucket, summed."""

    chain: Chain
    owner: str
    position_key: str
    day: date
    bucket: int  # domain.rewards.windows.Windows.bucket
    amount: int  # signed base units
    events: int
    estimated: int  # events marked estimated
    stake_sum: int  # Σ stake over the events that recorded one
    stake_count: int
    start: datetime  # earliest period start (or end) of the events
    end: datetime  # latest event end

    @property
    def position(self) -> PositionId:
        return (self.chain, self.owner, self.position_key)


@dataclass(frozen=True, slots=True)
class WindowPerformance:
    window: Window
    rewards: Valued  # fiat at each day's close (a currency None: a day without a close)
    events: int
    estimated: int
    average_stake: int | None  # base units (None: unknown, or several chains)
    covered_from: datetime | None
    covered_to: datetime | None
    realised_apy: Decimal | None
    confidence: Confidence
    # Σ stake × covered seconds: what combining several positions weighs them by
    stake_seconds: Decimal = Decimal(0)
    # rewards.fiat before rounding to cents: what combining positions and chains sums (a
    # sum of rounded parts could be cents off the export's column total)
    fiat_exact: FiatValue | None = None

    @property
    def covered_days(self) -> Decimal:
        if self.covered_from is None or self.covered_to is None:
            return Decimal(0)
        seconds = Decimal((self.covered_to - self.covered_from).total_seconds())
        return (seconds / Decimal(86400)).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Performance:
    """One position, one chain or the portfolio: a result per window, in WINDOWS order."""

    windows: tuple[WindowPerformance, ...]

    def get(self, window: Window) -> WindowPerformance:
        return next(w for w in self.windows if w.window is window)


def confidence_of(covered: timedelta, estimated: int) -> Confidence:
    level = (
        2 if covered >= timedelta(days=HIGH_DAYS) else 1 if covered >= timedelta(MEDIUM_DAYS) else 0
    )
    if estimated:
        level = max(level - 1, 0)
    return _LEVELS[level]


def annualised(rewards: Decimal, stake_seconds: Decimal) -> Decimal | None:
    """rewards ÷ (stake × years), as a simple annual rate (None: nothing to divide by)."""
    if stake_seconds <= 0:
        return None
    with decimal.localcontext() as context:
        context.prec = 40
        rate = rewards * Decimal(YEAR.total_seconds()) / stake_seconds
    return rate.quantize(APY_PLACES)


def _day_fiat(chain: Chain, rows: Iterable[DayTotal], closes: DailyPrices) -> FiatValue | None:
    totals: dict[str, Decimal | None] = dict.fromkeys(CURRENCIES, Decimal(0))
    seen = False
    with decimal.localcontext() as context:
        context.prec = 60  # exact: 9-decimal coins × prices, summed
        for row in rows:
            seen = True
            amount = coins(chain, row.amount)
            for currency in CURRENCIES:
                total = totals[currency]
                close = closes.get((chain.value, row.day, currency))
                totals[currency] = (
                    None if total is None or close is None else total + amount * close
                )
    if seen and all(t is None for t in totals.values()):
        return None
    return FiatValue(usd=totals["usd"], eur=totals["eur"])


def _cents(value: FiatValue | None) -> FiatValue | None:
    if value is None:
        return None
    usd, eur = value.usd, value.eur
    return FiatValue(
        usd=None if usd is None else usd.quantize(CENTS),
        eur=None if eur is None else eur.quantize(CENTS),
    )


def _window(
    chain: Chain,
    window: Window,
    rows: Sequence[DayTotal],
    current_stake: int | None,
    closes: DailyPrices,
) -> WindowPerformance:
    amount = sum(r.amount for r in rows)
    events = sum(r.events for r in rows)
    estimated = sum(r.estimated for r in rows)
    stake_count = sum(r.stake_count for r in rows)
    if stake_count:
        stake: int | None = sum(r.stake_sum for r in rows) // stake_count
    else:
        stake = current_stake if rows else None
    covered_from = min((r.start for r in rows), default=None)
    covered_to = max((r.end for r in rows), default=None)
    seconds = Decimal(0)
    if covered_from is not None and covered_to is not None and stake:
        seconds = Decimal(stake) * Decimal((covered_to - covered_from).total_seconds())
    covered = (covered_to - covered_from) if covered_from and covered_to else timedelta(0)
    exact = _day_fiat(chain, rows, closes) if rows else FiatValue(Decimal(0), Decimal(0))
    return WindowPerformance(
        window=window,
        rewards=Valued(
            chain=chain, base_units=amount, coins=coins(chain, amount), fiat=_cents(exact)
        ),
        events=events,
        estimated=estimated,
        average_stake=stake,
        covered_from=covered_from,
        covered_to=covered_to,
        realised_apy=annualised(Decimal(amount), seconds) if events else None,
        confidence=confidence_of(covered, estimated),
        stake_seconds=seconds if events else Decimal(0),
        fiat_exact=exact,
    )


def position_performance(
    chain: Chain, rows: Sequence[DayTotal], current_stake: int | None, closes: DailyPrices
) -> Performance:
    """One position from its day totals (any order; all buckets the tier shows)."""
    return Performance(
        windows=tuple(
            _window(chain, window, [r for r in rows if r.bucket <= index], current_stake, closes)
            for index, window in enumerate(WINDOWS)
        )
    )


def _fiat_sum(parts: Sequence[FiatValue | None]) -> FiatValue | None:
    """Per currency the sum, None when any part lacks it (no partial sums)."""
    if any(p is None for p in parts):
        return None
    out: dict[str, Decimal | None] = {}
    for currency in CURRENCIES:
        total: Decimal | None = Decimal(0)
        for part in parts:
            value = part.get(currency) if part is not None else None
            total = None if total is None or value is None else total + value
        out[currency] = total
    return FiatValue(usd=out["usd"], eur=out["eur"])


def _weakest(parts: Sequence[WindowPerformance]) -> Confidence:
    earning = [p.confidence for p in parts if p.events]
    return min(earning, key=_LEVELS.index) if earning else Confidence.LOW


def chain_performance(chain: Chain, positions: Sequence[Performance]) -> Performance:
    """A chain's positions combined: sums, and the stake- and time-weighted rate."""
    windows = []
    for index, window in enumerate(WINDOWS):
        parts = [p.windows[index] for p in positions]
        amount = sum(p.rewards.base_units for p in parts)
        seconds = sum((p.stake_seconds for p in parts), Decimal(0))
        earned = [p for p in parts if p.events]
        exact = _fiat_sum([p.fiat_exact for p in parts])
        windows.append(
            WindowPerformance(
                window=window,
                rewards=Valued(
                    chain=chain, base_units=amount, coins=coins(chain, amount), fiat=_cents(exact)
                ),
                events=sum(p.events for p in parts),
                estimated=sum(p.estimated for p in parts),
                average_stake=sum(p.average_stake or 0 for p in earned) if earned else None,
                covered_from=min((p.covered_from for p in earned if p.covered_from), default=None),
                covered_to=max((p.covered_to for p in earned if p.covered_to), default=None),
                realised_apy=annualised(
                    Decimal(sum(p.rewards.base_units for p in earned)),
                    sum((p.stake_seconds for p in earned), Decimal(0)),
                )
                if earned
                else None,
                confidence=_weakest(parts),
                stake_seconds=seconds,
                fiat_exact=exact,
            )
        )
    return Performance(windows=tuple(windows))


@dataclass(frozen=True, slots=True)
class PortfolioWindow:
    window: Window
    fiat: FiatValue | None  # the chains' rewards at each day's close, per currency
    events: int
    estimated: int
    realised_apy: Decimal | None  # USD-weighted at the latest price; None: a chain has none
    confidence: Confidence


def portfolio_performance(
    chains: Mapping[Chain, Performance], latest: LatestPrices
) -> tuple[PortfolioWindow, ...]:
    """The chains combined in USD at the latest price (the rate's weights only; the
    rewards' fiat is still at each day's close). No rate when a chain that earned has
    no USD price."""
    out = []
    for index, window in enumerate(WINDOWS):
        parts = {chain: p.windows[index] for chain, p in chains.items()}
        rewards, weight = Decimal(0), Decimal(0)
        priced = True
        for chain, part in parts.items():
            if not part.events:
                continue
            usd = latest.get((chain.value, "usd"))
            if usd is None:
                priced = False
                continue
            rewards += part.rewards.coins * usd
            weight += coins(chain, 1) * part.stake_seconds * usd
        earned = [p for p in parts.values() if p.events]
        out.append(
            PortfolioWindow(
                window=window,
                fiat=_cents(_fiat_sum([p.fiat_exact for p in parts.values()]))
                if parts
                else FiatValue(Decimal(0), Decimal(0)),
                events=sum(p.events for p in parts.values()),
                estimated=sum(p.estimated for p in parts.values()),
                realised_apy=annualised(rewards, weight) if earned and priced else None,
                confidence=_weakest(list(parts.values())),
            )
        )
    return tuple(out)
