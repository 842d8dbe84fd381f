"""Seed data for bench/api_read.py: a fresh PostgreSQL database holding the demo network's
three chains (ingested once through `Ingest`) and N users, each with one wallet per chain,
~10 staking positions on real ingested validators, a live refresh-token family and an
access JWT signed with the app's secret.

Users, wallets, positions and refresh tokens are written with COPY (never the ORM); the
ETH validators the positions point at are then fetched from the demo beacon node and
upserted into `validators`, as the ingest's observation step would, so that every
portfolio join resolves.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from cosmpy.crypto.address import Address
from solders.pubkey import Pubkey
from sqlalchemy.engine import URL, make_url

from domain.models import Chain
from infrastructure.auth.tokens import REFRESH_TTL, issue_access_token
from infrastructure.chains.factory import build_chain_sources
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.migrate import upgrade
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.settings import Settings
from services.ingest import Ingest

CHAINS = (Chain.ETH, Chain.SOL, Chain.ATOM)
COLUMNS = {  # COPY order: users first, the rows that reference them after
    "users": "id email email_verified_at created_at updated_at",
    "linked_wallets": "id user_id chain address is_primary linked_at",
    "staking_positions": "chain owner key validator kind amount status rewards completes_at "
    "fetched_at",
    "refresh_tokens": "id user_id family_id token_hash created_at expires_at used_at revoked_at",
}
ETH_VALIDATORS = (
    "SELECT index, balance FROM eth_validators WHERE status LIKE 'active%' ORDER BY index"
)
VALIDATORS = "SELECT address FROM validators WHERE chain = $1 ORDER BY address"


@dataclass(frozen=True, slots=True)
class BenchUser:
    id: uuid.UUID
    token: str  # access JWT (15 minutes)
    positions: int


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def recreate_database(database_url: str) -> None:
    """Drop and create the database named in the URL, then run the migrations."""
    url = make_url(database_url)
    name = url.database
    assert name and name.replace("_", "").isalnum(), f"unsafe database name: {name!r}"

    async def recreate() -> None:
        admin = await asyncpg.connect(_dsn(url.set(database="postgres")))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    asyncio.run(recreate())
    upgrade(database_url)


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("/".join(map(str, ("bench", *parts))).encode()).digest()


def _wallet(chain: Chain, user: int) -> str:
    digest = _digest(chain.value, "wallet", user)
    if chain is Chain.ETH:
        return "0x" + digest[:20].hex()
    if chain is Chain.SOL:
        return str(Pubkey(digest))
    return str(Address(digest[:20], prefix="cosmos"))


class _Positions:
    """Positions on real validators: distinct ETH validators across wallets (while the
    set lasts), any SOL vote account, distinct Cosmos validators within a wallet."""

    def __init__(self, rng: random.Random, eth: list[Any], sol: list[str], atom: list[str]):
        self._rng, self._eth, self._sol, self._atom = rng, eth, sol, atom
        rng.shuffle(self._eth)
        self._next_eth = 0
        self.eth_used: set[str] = set()

    def rows(self, chain: Chain, owner: str, count: int, now: datetime) -> list[tuple[Any, ...]]:
        rng, rows = self._rng, []
        offset = rng.randrange(len(self._atom))  # consecutive Cosmos validators: distinct
        for k in range(count):
            rewards = None
            if chain is Chain.ETH:
                index, amount = self._eth[self._next_eth % len(self._eth)]
                self._next_eth += 1
                key = validator = str(index)
                self.eth_used.add(validator)
            elif chain is Chain.SOL:
                key, validator = str(Pubkey(_digest("sol-stake", owner, k))), rng.choice(self._sol)
                amount = rng.randint(10**9, 5 * 10**12)
            else:
                validator = self._atom[(offset + k) % len(self._atom)]
                key, amount = f"delegation:{validator}", rng.randint(10**6, 10**11)
                rewards = rng.randint(0, 10**8)
            rows.append(
                (chain.value, owner, key, validator, "stake", amount, "active", rewards, None, now)
            )
        return rows


def _split(rng: random.Random, total: int) -> dict[Chain, int]:
    """`total` positions over the three chains, at least one on each."""
    counts = dict.fromkeys(CHAINS, 1)
    for _ in range(total - len(CHAINS)):
        counts[rng.choice(CHAINS)] += 1
    return counts


async def seed(
    settings: Settings,
    users: int,
    heavy: int,
    heavy_positions: int = 50,
    report: Callable[[str], None] = lambda _: None,
    rng_seed: int = 7,
) -> list[BenchUser]:
    """Ingest the demo network, then write `users` users (the last `heavy` of them with
    `heavy_positions` positions, the rest with 8-12). Returns them with their tokens."""
    assert settings.database_url and settings.secret_key
    rng, now = random.Random(rng_seed), datetime.now(UTC)
    engine = create_engine(settings.database_url)
    sources = build_chain_sources(settings, engine)
    sessions = create_session_factory(engine)
    ingest = Ingest(sources, lambda: SqlUnitOfWork(sessions))
    connection = await asyncpg.connect(_dsn(make_url(settings.database_url)))
    try:
        for chain in (Chain.SOL, Chain.ATOM, Chain.ETH):
            counts = (await ingest.run(chain)).counts
            report(f"  ingested {chain.value}: {counts}")
        await ingest.prices()

        eth = [tuple(r) for r in await connection.fetch(ETH_VALIDATORS)]
        sol = [r[0] for r in await connection.fetch(VALIDATORS, "sol")]
        atom = [r[0] for r in await connection.fetch(VALIDATORS, "atom")]
        positions = _Positions(rng, eth, sol, atom)

        secret = settings.secret_key.get_secret_value()
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        bench_users = []
        for i in range(users):
            user_id, family = uuid.uuid4(), uuid.uuid4()
            rows["users"].append((user_id, None, None, now, now))  # free: no subscription
            refresh = (uuid.uuid4(), user_id, family, _digest("refresh", i), now)
            rows["refresh_tokens"].append((*refresh, now + REFRESH_TTL, None, None))
            total = heavy_positions if i >= users - heavy else rng.randint(8, 12)
            for n, (chain, count) in enumerate(_split(rng, total).items()):
                address = _wallet(chain, i)
                wallet = (uuid.uuid4(), user_id, chain.value, address, n == 0, now)
                rows["linked_wallets"].append(wallet)
                rows["staking_positions"] += positions.rows(chain, address, count, now)
            token, _ = issue_access_token(secret, user_id=user_id, session_id=family, now=now)
            bench_users.append(BenchUser(user_id, token, total))

        for table, columns in COLUMNS.items():
            await connection.copy_records_to_table(
                table, records=rows[table], columns=columns.split()
            )
        await connection.execute("ANALYZE")
        report("  seeded " + ", ".join(f"{len(r):,} {t}" for t, r in rows.items()))

        # the staked ETH validators' details, as the ingest's observation step keeps them
        validators = await sources.adapters[Chain.ETH].fetch_validators(sorted(positions.eth_used))
        async with create_session_factory(engine)() as session, session.begin():
            await ChainDataRepository(session).upsert_validators(validators)
        report(f"  upserted {len(validators):,} staked ETH validators into `validators`")
        return bench_users
    finally:
        await connection.close()
        await sources.aclose()
        await engine.dispose()
