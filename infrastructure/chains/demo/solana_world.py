"""The demo Solana cluster's state at any instant, derived from a seed and the time.

Slots last 400 ms from a fixed genesis and an epoch is 432,000 slots: exactly two
days. The 1,300 validators are fixed at start-up (heavy-tailed stake: a few near
10M SOL, a long tail of small ones; commission mostly 0-10 %, a few 100 %); what
changes with time is derived from a hash of (seed, validator, epoch or hour):
stake drift, commission changes, hour-long voting outages, skip-rate dips, and
rare whole-epoch outages on a fixed period per validator, so cumulative vote
credits have a closed form and stay consistent from one epoch to the next.
As on mainnet, trouble clusters: validators that earn fewer vote credits go down
more often (a shorter outage period), and most commission raises come from the
tenth of operators that raise again and again.
Snapshots are cached per (epoch, hour).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from solders.pubkey import Pubkey

GENESIS = datetime(2020, 3, 16, 14, 29, tzinfo=UTC)
SLOT_SECONDS = 0.4
SLOTS_PER_EPOCH = 432_000
MAX_CREDITS = SLOTS_PER_EPOCH * 16  # timely vote credits: up to 16 per slot
LAMPORTS = 10**9
VALIDATORS = 1_300
TOTAL_STAKE = 395_000_000 * LAMPORTS
# (client version, share of validators, feature set)
VERSIONS: list[tuple[str, float, int]] = [
    ("2.2.16", 0.15, 3_294_202_862),
    ("2.3.6", 0.35, 3_640_012_085),
    ("2.3.7", 0.4, 3_640_012_085),
    ("0.708.20306", 0.1, 3_640_012_085),  # Firedancer
]
# (commission %, share of validators)
COMMISSIONS = [
    (0, 0.15),
    (3, 0.05),
    (5, 0.2),
    (6, 0.03),
    (7, 0.14),
    (8, 0.1),
    (10, 0.3),
    (100, 0.03),
]
# a commission change per 5-epoch window: (most validators, the fickle tenth); 2 % overall
FICKLE_SHARE = 0.1
RAISE_CHANCE = {False: 0.0055, True: 0.15}


def unit(seed: int, *parts: object) -> float:
    """A uniform number in [0, 1) fixed by its arguments."""
    digest = hashlib.blake2b(f"{seed}/{'/'.join(map(str, parts))}".encode(), digest_size=8)
    return float(int.from_bytes(digest.digest()) / 2**64)


def pubkey(seed: int, *parts: object) -> str:
    return str(Pubkey(hashlib.sha256(f"{seed}/{'/'.join(map(str, parts))}".encode()).digest()))


def inflation(epoch: int) -> float:
    """Solana's schedule: 8 % a year tapering by 15 % a year to 1.5 %, from epoch 150."""
    years = max(0.0, (epoch - 150) * SLOTS_PER_EPOCH * SLOT_SECONDS / (365.25 * 86_400))
    return round(max(0.015, 0.08 * float(0.85**years)), 12)


def supply(epoch: int) -> int:
    """Total supply in lamports: a genesis amount grown by the integrated inflation."""
    years = max(0.0, (epoch - 150) * SLOTS_PER_EPOCH * SLOT_SECONDS / (365.25 * 86_400))
    return int(470_000_000 * LAMPORTS * math.exp(0.08 * (0.85**years - 1) / math.log(0.85)))


@dataclass(frozen=True, slots=True)
class Clock:
    slot: int
    epoch: int
    slot_index: int
    hour: int

    @classmethod
    def at(cls, now: datetime) -> Clock:
        seconds = max(0.0, (now - GENESIS).total_seconds())
        slot = int(seconds / SLOT_SECONDS)
        return cls(slot, slot // SLOTS_PER_EPOCH, slot % SLOTS_PER_EPOCH, int(seconds // 3600))

    @property
    def fraction(self) -> float:
        return self.slot_index / SLOTS_PER_EPOCH


@dataclass(frozen=True, slots=True)
class Profile:
    """What does not change about a validator."""

    index: int
    vote: str
    node: str
    stake: int  # lamports, before per-epoch drift
    commission: int
    rate: int  # credits per epoch when up
    skip: float  # usual skip rate
    period: int  # one whole-epoch outage every `period` epochs ...
    phase: int  # ... at epochs where (epoch + phase) % period == 0
    dead_since: int | None  # stopped voting for good at this epoch
    raise_chance: float  # of a commission change in a 5-epoch window


# (past epochCredits, credits at the end of the previous epoch, at the end of this one)
Credits = tuple[list[tuple[int, int, int]], int, int]


@dataclass(frozen=True, slots=True)
class Row:
    """A validator during one hour of one epoch."""

    profile: Profile
    stake: int
    commission: int
    delinquent: bool
    skip: float
    version: str | None
    past: list[tuple[int, int, int]]  # epochCredits of completed epochs
    base: int  # credits at the end of the previous epoch
    rate: int | None  # credits this epoch will earn; None: not voting this epoch


@dataclass(frozen=True, slots=True)
class ValidatorState:
    row: Row
    credits: list[tuple[int, int, int]]  # epochCredits, the running epoch last
    last_vote: int


def _stakes(rng: random.Random) -> list[int]:
    weights = [(rank + 1) ** -0.6 * rng.lognormvariate(0, 0.35) for rank in range(VALIDATORS)]
    for rank in rng.sample(range(40, VALIDATORS), VALIDATORS // 6):  # hobbyist tail
        weights[rank] *= rng.uniform(0.005, 0.08)
    weights[:3] = [w * 1.25 for w in weights[:3]]
    scale = TOTAL_STAKE / sum(weights)
    return [int(w * scale) for w in weights]


def build_profiles(seed: int) -> list[Profile]:
    rng = random.Random(f"solana-demo/{seed}")
    dead = set(rng.sample(range(VALIDATORS), 4))
    profiles = []
    for index, stake in enumerate(_stakes(rng)):
        commission = rng.choices([c for c, _ in COMMISSIONS], [w for _, w in COMMISSIONS])[0]
        rate = rng.uniform(0.86, 0.995)
        skip = rng.uniform(0.0, 0.04) if rng.random() < 0.9 else rng.uniform(0.05, 0.2)
        # the worse it votes, the more often it goes down: x0.2 (worst) .. x1.8 (best)
        period = round(rng.randint(150, 600) * (0.2 + 1.6 * (rate - 0.86) / 0.135))
        fickle = unit(seed, "fickle", index) < FICKLE_SHARE
        profiles.append(
            Profile(
                index=index,
                vote=pubkey(seed, "vote", index),
                node=pubkey(seed, "node", index),
                stake=stake,
                commission=commission,
                rate=int(MAX_CREDITS * rate),
                skip=skip,
                period=period,
                phase=rng.randrange(600),
                dead_since=rng.randint(800, 1000) if index in dead else None,
                raise_chance=RAISE_CHANCE[fickle],
            )
        )
    rng.shuffle(profiles)  # stake rank is not list order, as on a real node
    return profiles


class World:
    """Per-validator state at one (epoch, hour); the running epoch's progress is
    applied per request from the exact slot."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.profiles = build_profiles(seed)
        self.by_rank = sorted(self.profiles, key=lambda p: -p.stake)

    def down(self, p: Profile, epoch: int) -> bool:
        if p.dead_since is not None:
            return epoch >= p.dead_since
        return (epoch + p.phase) % p.period == 0

    def _jitter(self, p: Profile, epoch: int) -> int:
        if p.dead_since is not None:
            epoch = min(epoch, p.dead_since - 1)
        while epoch > 0 and self.down(p, epoch):  # credits stand still while down
            epoch -= 1
        return int(unit(self.seed, "jitter", p.index, epoch) * 0.03 * MAX_CREDITS)

    def cumulative(self, p: Profile, epoch: int) -> int:
        """Credits at the end of `epoch` (closed form: up epochs x rate, less jitter)."""
        if p.dead_since is not None:
            up = min(epoch, p.dead_since - 1) + 1
        else:  # outage epochs k in [0, epoch]: (k + phase) divisible by period
            outages = (epoch + p.phase) // p.period - (p.phase - 1) // p.period
            up = epoch + 1 - outages
        return 1_000_000 + p.rate * up - self._jitter(p, epoch)

    def stake(self, p: Profile, epoch: int) -> int:
        drift = 0.97 + 0.06 * unit(self.seed, "stake", p.index, epoch // 3)
        if p.dead_since is not None and epoch > p.dead_since:  # delegators walk away
            drift *= 0.97 ** (epoch - p.dead_since)
        return max(int(p.stake * drift), 1_000 * LAMPORTS)

    def commission(self, p: Profile, epoch: int) -> int:
        window = epoch // 5
        if unit(self.seed, "commission", p.index, window) >= p.raise_chance:
            return p.commission
        step = (1, 2, 3, 5, 10)[int(unit(self.seed, "step", p.index, window) * 5)]
        return min(100, p.commission + step) if p.commission < 100 else 10

    def version(self, p: Profile, epoch: int) -> str | None:
        pick = unit(self.seed, "version", p.index, epoch // 7)
        if pick < 0.01:
            return None  # a node that does not advertise its version
        for name, share, _ in VERSIONS:
            if pick < share:
                return name
            pick -= share
        return VERSIONS[-1][0]

    @lru_cache(maxsize=4)  # noqa: B019 - one World per demo chain, lives as long
    def _epoch(self, epoch: int) -> list[tuple[Profile, int, int, bool, str | None, Credits]]:
        """What holds for a whole epoch, per validator in list order: (profile, stake,
        commission, down, version, (past epochCredits, credits at its start and end)).
        An hourly backfill asks for 48 hours of each epoch; this is most of the work."""
        return [
            (
                p,
                self.stake(p, epoch),
                self.commission(p, epoch),
                self.down(p, epoch),
                None if p.dead_since is not None else self.version(p, epoch),
                (
                    self._past_credits(p, epoch),
                    self.cumulative(p, epoch - 1),
                    self.cumulative(p, epoch),
                ),
            )
            for p in self.profiles
        ]

    @lru_cache(maxsize=16)  # noqa: B019 - one World per demo chain, lives as long
    def snapshot(self, epoch: int, hour: int) -> list[Row]:
        """Everything about the validators that holds for a whole hour of `epoch`."""
        rows = []
        for p, stake, commission, down, version, (past, base, end) in self._epoch(epoch):
            skip = p.skip
            if unit(self.seed, "skip", p.index, hour) < 0.02:  # a bad hour for blocks
                skip = min(0.9, skip + 0.15 + 0.25 * unit(self.seed, "dip", p.index, hour))
            rows.append(
                Row(
                    profile=p,
                    stake=stake,
                    commission=commission,
                    delinquent=down or unit(self.seed, "blip", p.index, hour) < 0.004,
                    skip=skip,
                    version=version,
                    past=past,
                    base=base,
                    rate=None if down else end - base,
                )
            )
        return rows

    def _past_credits(self, p: Profile, epoch: int) -> list[tuple[int, int, int]]:
        """epochCredits of the last five completed epochs in which it voted."""
        entries: list[tuple[int, int, int]] = []
        epoch -= 1
        if p.dead_since is not None:
            epoch = min(epoch, p.dead_since - 1)
        while epoch >= 0 and len(entries) < 5:
            if not self.down(p, epoch):
                entries.append((epoch, self.cumulative(p, epoch), self.cumulative(p, epoch - 1)))
            epoch -= 1
        return entries[::-1]

    @lru_cache(maxsize=2)  # noqa: B019 - a fetch asks three methods at the same slot
    def state(self, clock: Clock) -> list[ValidatorState]:
        """The validators at `clock`: the running epoch's credits and votes to the slot."""
        states = []
        for row in self.snapshot(clock.epoch, clock.hour):
            credits = row.past
            if row.rate is not None:
                earned = row.rate * clock.fraction
                if row.delinquent:  # not voting this hour: an hour's worth missing
                    earned = max(0.0, earned - row.rate / 48)
                credits = [*row.past, (clock.epoch, row.base + int(earned), row.base)][-5:]
            index = row.profile.index
            if row.delinquent:  # more than 128 slots behind, or its last epoch's end
                voted_epoch = credits[-1][0] if credits else 0
                last = min(clock.slot - 200, (voted_epoch + 1) * SLOTS_PER_EPOCH - 1)
                last -= int(unit(self.seed, "lag", index, clock.hour) * 2_000)
            else:
                last = clock.slot - 1 - int(unit(self.seed, "lag", index, clock.slot) * 30)
            states.append(ValidatorState(row, credits, max(0, last)))
        return states
