"""The demo Cosmos Hub's world: a pure function of (seed, hour).

240 validators — the top 180 by stake in the consensus set, 20 more bonded outside it
(Interchain Security's inactive validators), the rest unbonded or unbonding — with
heavy-tailed stake and mostly 5–10 % commission. Events come from hashes of (seed,
validator, hour/day): commission changes every few weeks, missed blocks, a validator or
two jailed for some hours, one long jailed, exactly one tombstoned. As on the Hub, where
downtime jailing follows missed blocks, validators that often miss blocks (a reliability
drawn once per validator; the FLAKY ones miss every hour) are jailed more often. The demo
wallets: "whale" (6 delegations incl. a jailed and an inactive validator, 1–2 unbonding
entries), "staker" (2 delegations), "empty" (nothing). `infrastructure/chains/demo/cosmos.py`
serves it in the LCD's wire format.
"""

from __future__ import annotations

import base64
import hashlib
import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Context, Decimal
from functools import lru_cache
from itertools import accumulate

from domain.models import Chain
from infrastructure.chains.cosmos.consensus import CONSENSUS_HRP, OPERATOR_HRP, encode
from infrastructure.chains.demo import incidents
from infrastructure.chains.demo.wallets import demo_addresses

DENOM = "uatom"
UATOM = 10**6
VALIDATORS = 240
ACTIVE_SET = 180  # the provider's MaxProviderConsensusValidators
MAX_VALIDATORS = 200  # staking MaxValidators: bonded, active or not
BONDED_TIER = range(0, 198)  # compete for the active set
OUTSIDER = 198  # always bonded, never active: just below the active tier's stake
UNBONDED_TIER = range(199, 234)
LONG_JAILED = 234  # jailed for downtime long ago and never unjailed
TOMBSTONED = 235  # double-signed
UNBONDING = range(236, 240)  # voluntarily leaving
FLAKY = frozenset({23, 71, 140, 166})  # miss blocks every hour
# the chance of an hour with missed blocks: FLAKY every hour, the others 2-18 % (7 % on
# average); jail victims are drawn in proportion to it
MISS_CHANCE = (0.02, 0.16)
SIGNED_BLOCKS_WINDOW = 10_000
UNBONDING_DAYS = 21
ANCHOR = datetime(2025, 1, 1, tzinfo=UTC)
ANCHOR_HEIGHT = 24_000_000
BLOCK_SECONDS = 6
NEVER = "1970-01-01T00:00:00Z"
TOMBSTONE_JAIL = "9999-12-31T23:59:59Z"
COMMUNITY_TAX = Decimal("0.1")
OSMO_IBC = "ibc/14F9BC3E44B8A9C1BE1FB08980FAB87034C9905EF17CF2F5008FC085218811CC"
DEC = Decimal(10) ** -18

_NAMES = (  # noqa: SIM905 - a word list reads better as words
    "Aurora Polar Nebula Granite Cobalt Lumen Atlas Zenith Quasar Orbit Harbor Summit Cedar "
    "Ember Falcon Glacier Horizon Iris Juniper Kepler Lotus Meridian Nimbus Onyx Pinnacle "
    "Quartz Redwood Sierra Tundra Umbra Vertex Willow Xenon Yarrow Zephyr Basalt Citadel "
    "Delta Echo Fjord"
).split()
_SUFFIXES = "Stake Nodes Validator Labs Capital Staking Infra Ventures Network Works".split()  # noqa: SIM905


def hash_of(*parts: object) -> int:
    text = "/".join(map(str, parts)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A uniform draw in [0, 1) from the parts."""
    return hash_of(*parts) / 2**64


def dec18(value: Decimal) -> str:
    # uatom amounts with 18 decimals exceed the default 28 significant digits
    return f"{value.quantize(DEC, rounding=ROUND_DOWN, context=Context(prec=80)):f}"


def rfc3339(moment: datetime) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def height_at(moment: datetime) -> int:
    return ANCHOR_HEIGHT + int((moment - ANCHOR).total_seconds()) // BLOCK_SECONDS


@dataclass(frozen=True, slots=True)
class Profile:
    """What never changes about a validator."""

    index: int
    operator: str
    operator_bytes: bytes
    consensus_key: str  # base64 ed25519 public key
    consensus: str
    consensus_bytes: bytes
    moniker: str
    identity: str
    website: str
    stake: int  # uatom before the daily drift
    commission: Decimal
    max_rate: Decimal
    max_change_rate: Decimal
    commission_period: int  # days between possible commission changes
    created: datetime
    miss_chance: float  # of an hour with missed blocks; also weighs its jailing odds


@dataclass(frozen=True, slots=True)
class ValidatorState:
    profile: Profile
    tokens: int
    jailed: bool
    status: str
    active: bool
    commission: Decimal
    commission_updated: datetime
    unbonding_height: int
    unbonding_time: str
    jailed_until: str
    start_height: int
    index_offset: int
    missed: int


@dataclass(frozen=True, slots=True)
class World:
    hour: datetime
    states: list[ValidatorState]  # sorted by operator address bytes, the staking store's order
    by_operator: dict[str, ValidatorState]
    signing: list[ValidatorState]  # sorted by consensus address bytes, the slashing store's order
    consensus_set: list[ValidatorState]  # by voting power, as CometBFT orders it
    bonded_tokens: int
    not_bonded_tokens: int


class CosmosWorld:
    """Validators, events and demo wallets for one seed; `at(now)` is the hour's world."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._profiles = [self._profile(i, name) for i, name in enumerate(self._monikers())]
        self.by_index = {p.index: p for p in self._profiles}
        self._wallets = demo_addresses(Chain.ATOM)
        self._jail_weights = list(
            accumulate(self.by_index[i].miss_chance for i in BONDED_TIER)
        )  # cumulative, for the weighted victim draw
        self._at = lru_cache(maxsize=32)(self._build)

    # --- the static validator set --------------------------------------------

    def _monikers(self) -> list[str]:
        combos = [f"{a} {b}" for a in _NAMES for b in _SUFFIXES]
        combos.sort(key=lambda name: hash_of(self._seed, "moniker", name))
        return combos[:VALIDATORS]

    def _base_stake(self, i: int) -> int:
        noise = 1 + 0.25 * (unit(self._seed, "stake", i) - 0.5)
        if i in BONDED_TIER:  # heavy tail: the top validator holds ~7 % of the bonded stake
            atoms = 19_000_000 * (i + 1) ** -0.7 * noise
        elif i == OUTSIDER:
            atoms = 300_000
        elif i in (LONG_JAILED, TOMBSTONED):
            atoms = 900_000 * noise
        else:
            atoms = 1_000 + 150_000 * unit(self._seed, "small", i) ** 2
        return int(atoms * UATOM) + hash_of(self._seed, "dust", i) % UATOM

    def _profile(self, i: int, moniker: str) -> Profile:
        operator_bytes = hashlib.sha256(f"{self._seed}/cosmos/operator/{i}".encode()).digest()[:20]
        key = hashlib.sha256(f"{self._seed}/cosmos/consensus/{i}".encode()).digest()
        consensus_bytes = hashlib.sha256(key).digest()[:20]
        draw = unit(self._seed, "commission", i)
        if draw < 0.80:  # most charge 5-10 %, on half-percent steps
            commission = Decimal(50 + 5 * int(draw / 0.80 * 11)) / 1000
        elif draw < 0.95:
            commission = Decimal(100 + 5 * int((draw - 0.80) / 0.15 * 21)) / 1000
        else:
            commission = Decimal("0.25")
        slug = moniker.lower().replace(" ", "")
        return Profile(
            index=i,
            operator=encode(OPERATOR_HRP, operator_bytes),
            operator_bytes=operator_bytes,
            consensus_key=base64.b64encode(key).decode(),
            consensus=encode(CONSENSUS_HRP, consensus_bytes),
            consensus_bytes=consensus_bytes,
            moniker=moniker,
            identity=f"{hash_of(self._seed, 'keybase', i):016X}" if i % 10 < 7 else "",
            website=f"https://{slug}.io" if i % 5 else "",
            stake=self._base_stake(i),
            commission=commission,
            max_rate=Decimal("0.2") if commission < Decimal("0.2") else Decimal("0.5"),
            max_change_rate=Decimal("0.05") if i % 3 else Decimal("0.1"),
            commission_period=30 + hash_of(self._seed, "period", i) % 90,
            created=ANCHOR - timedelta(days=200 + hash_of(self._seed, "created", i) % 1800),
            miss_chance=1.0
            if i in FLAKY
            else MISS_CHANCE[0] + MISS_CHANCE[1] * unit(self._seed, "reliability", i) ** 2,
        )

    # --- time-dependent events ------------------------------------------------

    def _jail_events(self, day: int) -> list[tuple[int, datetime, datetime]]:
        """(validator, jailed at, unjailed at) of the downtime jailings starting on `day`:
        one on most days, a second now and then, each lasting 2-9 hours; the victim drawn
        from the bonded tier in proportion to its chance of missing blocks."""
        events = []
        for n, chance in ((0, 0.7), (1, 0.25)):
            if unit(self._seed, "jail", day, n) >= chance:
                continue
            draw = unit(self._seed, "victim", day, n) * self._jail_weights[-1]
            victim = BONDED_TIER[bisect_right(self._jail_weights, draw)]
            start = datetime.fromtimestamp(day * 86400, UTC) + timedelta(
                hours=hash_of(self._seed, "jail-hour", day, n) % 24
            )
            hours = 2 + hash_of(self._seed, "jail-length", day, n) % 8
            events.append((victim, start, start + timedelta(hours=hours)))
        return events

    def _commission(self, p: Profile, day: int) -> tuple[Decimal, datetime]:
        """The rate on `day` and when it took effect: each period, a third of validators
        move off their usual rate (mostly up), and back the period after."""

        def rate(epoch: int) -> Decimal:
            draw = hash_of(self._seed, "rate", p.index, epoch)
            if draw % 3:
                return p.commission
            step = (Decimal("0.01"), Decimal("0.02"), Decimal("-0.01"), Decimal("0.05"))[draw % 4]
            return min(max(p.commission + step, Decimal("0.05")), p.max_rate)

        phase = hash_of(self._seed, "phase", p.index) % p.commission_period
        epoch = (day + phase) // p.commission_period
        current = rate(epoch)
        if current == rate(epoch - 1):
            return current, p.created
        started = epoch * p.commission_period - phase
        return current, datetime.fromtimestamp(started * 86400, UTC)

    # --- the world at one hour ------------------------------------------------

    def _build(self, hour: datetime, version: int = 0) -> World:
        day = int(hour.timestamp() // 86400)
        height = height_at(hour)
        jailed: dict[int, tuple[datetime, datetime]] = {}
        unjailed: dict[int, tuple[datetime, datetime]] = {}
        for start_day in (day - 1, day):
            for victim, start, end in self._jail_events(start_day):
                if start <= hour < end:
                    jailed[victim] = (start, end)
                elif end <= hour:
                    unjailed[victim] = (start, end)
        for p in self._profiles:  # incidents scheduled on the demo network (tests)
            jail = incidents.jailing(Chain.ATOM, p.operator, hour)
            if jail is not None:
                jailed[p.index] = jail

        tokens = {}
        for p in self._profiles:
            drift = 1 + 0.02 * math.sin(
                2 * math.pi * (day / 45 + unit(self._seed, "wave", p.index))
            )
            amount = int(p.stake * drift) if p.index in BONDED_TIER else p.stake
            if p.index in jailed:  # slash_fraction_downtime
                amount -= amount // 10_000
            tokens[p.index] = amount
        eligible = [
            i
            for i in [*BONDED_TIER, OUTSIDER, *UNBONDED_TIER]
            if i not in jailed  # jailed ones leave the set at once
        ]
        eligible.sort(key=lambda i: -tokens[i])
        bonded = set(eligible[:MAX_VALIDATORS])
        active = set(eligible[:ACTIVE_SET])

        states = [
            self._state(
                p,
                hour,
                height,
                tokens[p.index],
                p.index in bonded,
                p.index in active,
                jailed.get(p.index),
                unjailed.get(p.index),
            )
            for p in self._profiles
        ]
        by_index = {s.profile.index: s for s in states}
        return World(
            hour=hour,
            states=sorted(states, key=lambda s: s.profile.operator_bytes),
            by_operator={s.profile.operator: s for s in states},
            signing=sorted(states, key=lambda s: s.profile.consensus_bytes),
            consensus_set=sorted(
                (by_index[i] for i in active), key=lambda s: (-s.tokens, s.profile.consensus)
            ),
            bonded_tokens=sum(tokens[i] for i in bonded),
            not_bonded_tokens=sum(t for i, t in tokens.items() if i not in bonded),
        )

    def _state(
        self,
        p: Profile,
        hour: datetime,
        height: int,
        tokens: int,
        bonded: bool,
        active: bool,
        jail: tuple[datetime, datetime] | None,
        last_jail: tuple[datetime, datetime] | None,
    ) -> ValidatorState:
        day = int(hour.timestamp() // 86400)
        commission, updated = incidents.commission(
            Chain.ATOM, p.operator, hour
        ) or self._commission(p, day)
        start_height = height_at(p.created)
        jailed_until, unbonding_height, unbonding_time = NEVER, 0, NEVER
        missed = 0
        status = "BOND_STATUS_BONDED" if bonded else "BOND_STATUS_UNBONDED"
        is_jailed = False
        if jail is not None:  # jailed this hour: unbonding, missed blocks reset
            is_jailed, status = True, "BOND_STATUS_UNBONDING"
            jailed_until = rfc3339(jail[0] + timedelta(minutes=10))
            unbonding_height = height_at(jail[0])
            unbonding_time = rfc3339(jail[0] + timedelta(days=UNBONDING_DAYS))
        elif p.index in (LONG_JAILED, TOMBSTONED):
            is_jailed = True
            since = p.created + timedelta(days=120)
            jailed_until = TOMBSTONE_JAIL if p.index == TOMBSTONED else rfc3339(since)
            unbonding_height = height_at(since)
            unbonding_time = rfc3339(since + timedelta(days=UNBONDING_DAYS))
        elif p.index in UNBONDING:  # leaving: always 1-20 days from done
            cycle = timedelta(days=UNBONDING_DAYS)
            offset = timedelta(days=hash_of(self._seed, "leave", p.index) % UNBONDING_DAYS)
            left = hour - (hour - ANCHOR - offset) % cycle
            status, unbonding_height = "BOND_STATUS_UNBONDING", height_at(left)
            unbonding_time = rfc3339(left + cycle)
        if last_jail is not None and jail is None:  # re-bonded after unjailing
            jailed_until = rfc3339(last_jail[0] + timedelta(minutes=10))
            start_height = height_at(last_jail[1])
        tracked = max(height - start_height, 0)
        if active:
            draw = unit(self._seed, "missed", p.index, hour.timestamp())
            if p.index in FLAKY:
                missed = 300 + int(2_700 * draw)
            elif draw < p.miss_chance:
                missed = 1 + int(200 * unit(self._seed, "missed-count", p.index, hour))
            missed = min(missed, tracked)
        return ValidatorState(
            profile=p,
            tokens=tokens,
            jailed=is_jailed,
            status=status,
            active=active,
            commission=commission,
            commission_updated=updated,
            unbonding_height=unbonding_height,
            unbonding_time=unbonding_time,
            jailed_until=jailed_until,
            start_height=start_height,
            index_offset=tracked if active else 0 if jail else tracked // 2,
            missed=missed,
        )

    def at(self, now: datetime) -> World:
        """The world during the hour holding `now` (built once per hour, then cached)."""
        hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        return self._at(hour, incidents.version())

    # --- wallets ----------------------------------------------------------------

    def delegations(self, address: str) -> list[tuple[int, int]]:
        """(validator index, uatom) of a demo wallet's delegations."""
        if address == self._wallets["whale"]:
            return [
                (2, 120_000 * UATOM + 412_337),
                (11, 85_000 * UATOM),
                (37, 40_250 * UATOM + 9_001),
                (88, 15_500 * UATOM),
                (LONG_JAILED, 8_000 * UATOM),
                (OUTSIDER, 5_000 * UATOM),
            ]
        if address == self._wallets["staker"]:
            return [(25, 1_250 * UATOM + 500_000), (150, 300 * UATOM)]
        return []

    def unbondings(self, address: str, now: datetime) -> list[tuple[int, datetime, int]]:
        """(validator index, started, uatom): the whale undelegates every 14 days, so one
        or two of its unbondings are always in flight."""
        if address != self._wallets["whale"]:
            return []
        cycle = timedelta(days=14)
        latest = now - (now - ANCHOR) % cycle
        entries = []
        for n in (1, 0):
            started = latest - n * cycle
            if started + timedelta(days=UNBONDING_DAYS) > now:
                entries.append((37, started, 2_500 * UATOM))
        return entries

    # --- economics ----------------------------------------------------------------

    def inflation(self, now: datetime) -> Decimal:
        day = int(now.timestamp() // 86400)
        return Decimal("0.1") + Decimal(str(round(0.005 * math.sin(day / 30), 6)))

    def supply(self, now: datetime) -> int:
        years = (now - ANCHOR).total_seconds() / (365 * 86400)
        return int(390_000_000 * UATOM * (1 + 0.1 * years))
