"""The validator list and detail (contract v1): a typed list envelope `{data: [...],
meta: {nextCursor, limit, chain, sort, fetchedAt, stale, lastError}}`, one amount shape for
stakes (fiat from the newest price), rates as fractions, timestamps in UTC with `Z`, and
the freshness block of the chain's validator set — on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete

from domain.chains import Observation, Price, Validator, ValidatorStatus
from domain.models import Chain
from infrastructure.db.models import (
    ChainSyncRow,
    PriceRow,
    ValidatorObservationRow,
    ValidatorRow,
)
from infrastructure.db.repositories.chain_data import ChainDataRepository

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
# (address suffix, name, stake in lamports, commission): 7 validators, two stakes tie.
# PostgreSQL is shared by the whole run: each test's addresses start with its own tag, and
# the listings are narrowed to them by that prefix (`q` matches addresses at the start).
SET = [
    ("Va1", "Alpha", 5 * 10**15, Decimal("0.05")),
    ("Va2", "bravo", 4 * 10**15, Decimal("0.10")),
    ("Va3", None, 4 * 10**15, None),
    ("Va4", "Charlie", 3 * 10**15, Decimal("0")),
    ("Va5", "delta 100%", 2 * 10**15, Decimal("0.07")),
    ("Va6", "Echo", 1_500_000_001, Decimal("0.08")),
    ("Va7", "foxtrot", 10**9, Decimal("1")),
]


@pytest.fixture
def tag() -> str:
    return "t" + uuid.uuid4().hex[:10]


async def seed(app: Any, tag: str, *, failed: bool = False) -> None:
    async with app.state.resources.session_factory() as session, session.begin():
        # the sync state and the newest prices are per chain: start from none of them
        # (PostgreSQL is shared by the run; other tests write SOL's at other times)
        sync = (ChainSyncRow.chain == "sol", ChainSyncRow.step == "validators")
        await session.execute(delete(ChainSyncRow).where(*sync))
        await session.execute(delete(PriceRow).where(PriceRow.chain == "sol"))
        repo = ChainDataRepository(session)
        await repo.upsert_validators(
            [
                Validator(
                    Chain.SOL,
                    tag + address,
                    ValidatorStatus.ACTIVE,
                    stake,
                    NOW,
                    name=name,
                    commission=commission,
                    identity={"nodePubkey": f"node-{address}"},
                )
                for address, name, stake, commission in SET
            ]
        )
        for hours in range(3):
            at = NOW - timedelta(hours=hours)
            await repo.add_observations(
                [
                    Observation(
                        Chain.SOL,
                        tag + "Va1",
                        at,
                        ValidatorStatus.ACTIVE,
                        stake=5 * 10**15 - hours,
                        commission=Decimal("0.05"),
                        uptime=Decimal("0.999"),
                        skip_rate=Decimal("0.0125"),
                    )
                ],
                at,
            )
        await repo.add_prices(
            [
                Price(Chain.SOL, "usd", Decimal("100"), NOW - timedelta(hours=1)),
                Price(Chain.SOL, "usd", Decimal("150.5"), NOW),  # the newest counts
                Price(Chain.SOL, "eur", Decimal("140"), NOW),
                Price(Chain.ETH, "usd", Decimal("3000"), NOW),  # another chain's coin
            ]
        )
        await repo.record_sync(Chain.SOL, "validators", NOW - timedelta(hours=3), items=7)
        if failed:
            await repo.record_sync(
                Chain.SOL,
                "validators",
                NOW - timedelta(hours=1),
                error="ChainUnavailable: https://rpc.example/?api-key=SECRET answered 503",
            )


@pytest.fixture
async def app_client(
    start_app: Any, backend: dict[str, str], tag: str
) -> AsyncIterator[tuple[Any, Any]]:
    async with start_app(**backend) as (app, client):
        yield app, client
        # leave the shared PostgreSQL as found: other tests count the chain's validators
        async with app.state.resources.session_factory() as session, session.begin():
            for table, column in (
                (ValidatorRow, ValidatorRow.address),
                (ValidatorObservationRow, ValidatorObservationRow.validator),
            ):
                await session.execute(delete(table).where(column.startswith(tag)))


async def test_the_list_is_a_typed_list_envelope(app_client: Any, tag: str) -> None:
    app, client = app_client
    await seed(app, tag)
    response = await client.get(f"/api/validators?chain=sol&limit=3&q={tag}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["data"], list) and len(body["data"]) == 3
    meta = body["meta"]
    assert meta["limit"] == 3 and meta["nextCursor"]
    assert (meta["chain"], meta["sort"]) == ("sol", "stake")
    assert UTC_Z.match(meta["fetchedAt"]) and meta["fetchedAt"].startswith(
        (NOW - timedelta(hours=3)).strftime("%Y-%m-%dT%H")
    )
    assert meta["stale"] is True  # 3 hours ago: past the 2-hour mark
    assert meta["lastError"] is None
    first = body["data"][0]
    assert first == {
        "id": f"sol:{tag}Va1",
        "chain": "sol",
        "address": f"{tag}Va1",
        "name": "Alpha",
        "status": "active",
        "stake": {
            "baseUnits": "5000000000000000",
            "display": "5000000",
            "fiat": {"usd": "752500000.00", "eur": "700000000.00"},
        },
        "commission": "0.05",  # a fraction
        "jailed": False,
        "slashed": False,
        "identity": {"nodePubkey": "node-Va1"},
        "fetchedAt": first["fetchedAt"],
        # never scored: the list row's pending summary (never null)
        "vrs": {"total": None, "band": None, "confidence": "low", "status": "pending"},
        "eth": None,
    }
    assert UTC_Z.match(first["fetchedAt"])
    echo = (await client.get(f"/api/validators?chain=sol&q={tag}Va6")).json()["data"]
    assert echo[0]["stake"]["display"] == "1.500000001"
    assert echo[0]["stake"]["fiat"] == {"usd": "225.75", "eur": "210.00"}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("stake", ["Va1", "Va2", "Va3", "Va4", "Va5", "Va6", "Va7"]),  # the tie: by address
        # none sorts as 100 % (tied with Va7's, so by address)
        ("commission", ["Va4", "Va1", "Va5", "Va6", "Va2", "Va3", "Va7"]),
        ("name", ["Va3", "Va1", "Va2", "Va4", "Va5", "Va6", "Va7"]),  # unnamed first
    ],
)
async def test_pages_follow_the_sort_and_cover_everything_once(
    app_client: Any, tag: str, sort: str, order: list[str]
) -> None:
    app, client = app_client
    await seed(app, tag)
    seen: list[str] = []
    cursor = None
    limits = []
    while True:
        params = {
            "chain": "sol",
            "sort": sort,
            "limit": "3",
            "q": tag,
            **({"cursor": cursor} if cursor else {}),
        }
        page = await client.get("/api/validators", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [v["address"] for v in body["data"]]
        limits.append(body["meta"]["limit"])
        cursor = body["meta"]["nextCursor"]
        if cursor is None:
            break
    assert seen == [tag + address for address in order]
    assert limits == [3, 3, 3]


async def test_search_matches_names_anywhere_and_addresses_at_the_start(
    app_client: Any, tag: str
) -> None:
    app, client = app_client
    await seed(app, tag)

    async def found(q: str) -> list[str]:
        page = await client.get("/api/validators", params={"chain": "sol", "q": q, "limit": 200})
        assert page.status_code == 200, page.text
        return [v["address"].removeprefix(tag) for v in page.json()["data"] if tag in v["address"]]

    assert await found("RAV") == ["Va2"]
    assert await found(f"{tag}va5".upper()) == ["Va5"]  # case-insensitive
    assert await found("100%") == ["Va5"]  # a literal %, not a wildcard
    assert await found("Va1") == []  # addresses match at their start only
    assert (await client.get("/api/validators?chain=eth")).json()["data"] == []


async def test_a_failed_fetch_is_a_freshness_block_without_the_stored_text(
    app_client: Any, tag: str
) -> None:
    app, client = app_client
    await seed(app, tag, failed=True)
    listing = (await client.get("/api/validators?chain=sol")).json()["meta"]
    detail = (await client.get(f"/api/validators/sol:{tag}Va1")).json()["meta"]
    for meta in (listing, detail):
        error = meta["lastError"]
        assert error["code"] == "CHAIN_UNAVAILABLE" and error["message"]
        assert UTC_Z.match(error["at"])
        assert "SECRET" not in error["message"] and "rpc.example" not in error["message"]
        assert meta["stale"] is True and meta["fetchedAt"]


async def test_the_detail_is_typed_with_its_newest_observations(app_client: Any, tag: str) -> None:
    app, client = app_client
    await seed(app, tag)
    response = await client.get(f"/api/validators/sol:{tag}Va1")
    assert response.status_code == 200, response.text
    body = response.json()
    data = body["data"]
    assert data["id"] == f"sol:{tag}Va1" and data["stake"]["fiat"]["usd"] == "752500000.00"
    observations = data["observations"]
    assert [o["stake"]["baseUnits"] for o in observations] == [
        str(5 * 10**15 - h) for h in range(3)
    ]  # newest first
    assert all(UTC_Z.match(o["observedAt"]) for o in observations)
    assert observations[0]["stake"]["fiat"] is None  # a past amount: no fiat at today's price
    assert observations[0]["uptime"] == "0.999" and observations[0]["skipRate"] == "0.0125"
    assert observations[0]["commission"] == "0.05"
    assert set(body["meta"]) == {"fetchedAt", "stale", "lastError"}
    none = (await client.get(f"/api/validators/sol:{tag}Va7")).json()["data"]
    assert none["observations"] == []


async def test_unknown_and_malformed_ids_are_404(app_client: Any, tag: str) -> None:
    app, client = app_client
    await seed(app, tag)
    for path in (f"/api/validators/sol:{tag}0", "/api/validators/nonsense", "/api/validators/x:1"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "NOT_FOUND"


async def test_the_ingest_drops_the_cached_first_page(app_client: Any, tag: str) -> None:
    """The first page is cached; a write of the chain's validators (which the ingest follows
    with an invalidation of the chain's `validators` entries) shows on the next read."""
    from services import cache_keys

    app, client = app_client
    await seed(app, tag)
    before = (await client.get("/api/validators?chain=sol")).json()["data"]
    top = 9 * 10**18 + int(time.time())  # above any stake stored before (BIGINT: < 9.22e18)
    async with app.state.resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [Validator(Chain.SOL, tag + "Va0", ValidatorStatus.ACTIVE, top, NOW, name="Zulu")]
        )
    cached = (await client.get("/api/validators?chain=sol")).json()["data"]
    await app.state.resources.reads.invalidate(
        *cache_keys.chain_prefixes("sol", ["validators", "validator"])
    )
    fresh = (await client.get("/api/validators?chain=sol")).json()["data"]
    assert cached == before and tag + "Va0" not in {v["address"] for v in before}
    assert fresh[0]["address"] == tag + "Va0"


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


async def test_openapi_types_both_routes(app_client: Any) -> None:
    app, _ = app_client
    schema = app.openapi()
    listing = schema["paths"]["/api/validators"]["get"]["responses"]["200"]
    envelope = _resolve(schema, listing["content"]["application/json"]["schema"])
    data = envelope["properties"]["data"]
    assert data["type"] == "array"
    item = _resolve(schema, data["items"])
    assert _resolve(schema, item["properties"]["stake"])["required"] == ["baseUnits", "display"]
    meta = _resolve(schema, envelope["properties"]["meta"])
    assert {"nextCursor", "limit", "fetchedAt", "stale", "lastError", "chain", "sort"} <= set(
        meta["properties"]
    )
    detail = schema["paths"]["/api/validators/{validator_id}"]["get"]["responses"]
    body = _resolve(schema, detail["200"]["content"]["application/json"]["schema"])
    assert "observations" in _resolve(schema, body["properties"]["data"])["properties"]
    assert set(_resolve(schema, body["properties"]["meta"])["properties"]) == {
        "fetchedAt",
        "stale",
        "lastError",
    }
    assert "404" in detail
