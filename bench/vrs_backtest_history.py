"""The back-test's history (bench/vrs_backtest.py): hourly observations of the demo
network fetched through the app's own adapters with the clock set to each past hour, and
the context the score needs as of each evaluation day. Runs in worker processes, which
send back plain tuples (pickling Decimals and dataclasses is slow)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import HourStats, hour_stats
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.factory import ChainSources, Clock, build_chain_sources
from infrastructure.db.engine import create_engine
from infrastructure.db.repositories.vrs_inputs import MAX_COMMISSION_KEY
from infrastructure.settings import Network, Settings

NOW = datetime(2026, 11, 26, tzinfo=UTC)  # the fixed "now"
FETCH_MINUTE = 5  # the hourly pipeline's minute
ETH_SAMPLE = 200  # watched ETH validators besides the demo wallets'

Row = tuple[Any, ...]  # an observation as plain values: pickling Decimals is slow


def packed(hour: datetime, o: Observation) -> Row:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return (
        hour, o.validator, o.status.value, o.stake, text(o.commission), o.jailed, o.slashed,
        o.tombstoned, text(o.uptime), text(o.performance), text(o.skip_rate),
        o.missed_blocks, o.version,
    )  # fmt: skip


def unpacked(chain: Chain, row: Row) -> Observation:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    hour, validator, status, stake, commission, jailed, slashed, tombstoned = row[:8]
    uptime, performance, skip_rate, missed, version = row[8:]
    return Observation(
        chain, validator, hour, ValidatorStatus(status), stake, number(commission), jailed,
        slashed, tombstoned, number(uptime), number(performance), number(skip_rate), missed,
        version,
    )  # fmt: skip


def demo_sources(seed: int) -> ChainSources:
    """The app's chain sources on the demo network, on a clock we set."""
    settings = Settings(network=Network.DEMO, demo_seed=seed)
    # the engine only backs the ETH withdrawal index (positions), not used here
    return build_chain_sources(settings, create_engine("sqlite+aiosqlite://"), clock=Clock(NOW))


async def eth_set(sources: ChainSources) -> list[Row]:
    adapter = sources.adapters[Chain.ETH]
    return [r async for batch in adapter.stream_validator_set() for r in batch]  # type: ignore[attr-defined]


def entity_shares(records: Sequence[Row], ids: Iterable[str]) -> dict[str, Decimal]:
    """As `VrsInputs._entity_shares`: the active effective balance of each watched
    validator's withdrawal address over the whole active effective balance."""
    address_of = {str(r[0]): r[3] for r in records if r[3] is not None}
    total = sum(r[7] for r in records if r[4].startswith("active"))
    stake: Counter[str] = Counter()
    for r in records:
        if r[3] is not None and r[4].startswith("active"):
            stake[r[3]] += r[7]
    return {v: Decimal(stake[address_of[v]]) / total for v in ids if v in address_of}


@dataclass
class Fetched:
    chain: Chain
    rows: list[Row]
    hours: dict[datetime, HourStats]
    entity_share: dict[datetime, dict[str, Decimal]]  # evaluation day -> ETH shares
    max_commission: dict[datetime, dict[str, Decimal]]  # evaluation day -> ATOM max rates


async def _fetch(
    seed: int, chain: Chain, hours: list[datetime], ids: list[str], days: set[datetime]
) -> Fetched:
    sources = demo_sources(seed)
    adapter = sources.adapters[chain]
    fetched = Fetched(chain, [], {}, {}, {})
    for hour in hours:
        sources.clock.fixed = hour + timedelta(minutes=FETCH_MINUTE)
        observations = await adapter.fetch_observations(ids)
        fetched.rows.extend(packed(hour, o) for o in observations)
        if chain is not Chain.ETH:  # ETH's score needs no per-hour context
            fetched.hours[hour] = hour_stats(chain, observations)
        if hour in days and chain is Chain.ETH:
            fetched.entity_share[hour] = entity_shares(await eth_set(sources), ids)
        if hour in days and chain is Chain.ATOM:
            fetched.max_commission[hour] = {
                v.address: Decimal(v.identity[MAX_COMMISSION_KEY])
                for v in await adapter.fetch_validators()
                if MAX_COMMISSION_KEY in v.identity
            }
    await sources.aclose()
    return fetched


def fetch_task(
    seed: int, chain: Chain, hours: list[datetime], ids: list[str], days: set[datetime]
) -> Fetched:
    return asyncio.run(_fetch(seed, chain, hours, ids, days))


async def watched(seed: int, at: datetime) -> dict[Chain, list[str]]:
    """Every SOL and ATOM validator; the demo wallets' ETH validators and a sample."""
    sources = demo_sources(seed)
    sources.clock.fixed = at
    ids = {
        c: [v.address for v in await sources.adapters[c].fetch_validators()]
        for c in (Chain.SOL, Chain.ATOM)
    }
    records = await eth_set(sources)
    wallets = {a.lower() for a in demo_addresses(Chain.ETH).values()}
    own = [str(r[0]) for r in records if r[3] in wallets]
    others = sorted(str(r[0]) for r in records if r[4] == "active_ongoing" and r[3] not in wallets)
    sample = random.Random(f"vrs-backtest/{seed}").sample(others, ETH_SAMPLE)
    ids[Chain.ETH] = sorted(own + sample, key=int)
    await sources.aclose()
    return ids
