"""The fast path of the cached authenticated reads (api/fast_reads.py): byte for byte the
route's answer (status, headers, body, access-log line), the same rate limits counted
once, and everything it cannot answer exactly left to the route."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api import fast_reads
from api.fast_reads import FastReadsMiddleware, match
from domain.models import Chain, Role, Tier, User
from services import cache_keys, user_cache
from tests.api.conftest import Logs, bearer, sign_in
from tests.api.test_vrs import VOTE, setup, stored
from tests.api.wallets import Wallet

pytestmark = pytest.mark.redis

READS = [
    "/api/portfolio",
    "/api/portfolio?chain=sol",
    "/api/yield",
    "/api/yield?chain=sol",
    f"/api/vrs/sol:{VOTE}",
    "/api/validators?chain=sol",
    "/api/validators?chain=sol&sort=commission&limit=50",
]


class Spy:
    """Whether the fast path answered each request (True) or left it to the app."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.answers: list[bool] = []
        original = FastReadsMiddleware._answer

        async def spy(self_: FastReadsMiddleware, *args: Any) -> bool:
            answered = await original(self_, *args)
            self.answers.append(answered)
            return answered

        monkeypatch.setattr(FastReadsMiddleware, "_answer", spy)

    def off(self) -> None:
        """The fast path matches nothing: every request takes the route."""
        self.monkeypatch.setattr(fast_reads, "match", lambda path, query: None)

    def on(self) -> None:
        self.monkeypatch.setattr(fast_reads, "match", match)

    def last(self) -> bool:
        return self.answers.pop()


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    return Spy(monkeypatch)


@pytest.fixture
async def app_on_redis(start_app: Any, redis_url: str, redis: Any) -> AsyncIterator[Any]:
    async with start_app(redis_url=redis_url) as (app, client):
        await setup(app, [stored()])
        yield app, client


async def signed_in(client: httpx.AsyncClient) -> dict[str, Any]:
    data = await sign_in(client, Wallet.new(Chain.SOL))
    client.cookies.clear()
    return data


def request_lines(logs: Logs, request_id: str) -> list[dict[str, Any]]:
    lines = [x for x in logs.lines() if x.get("event") == "request"]
    return [
        {k: v for k, v in x.items() if k not in {"timestamp", "duration_ms"}}
        for x in lines
        if x.get("request_id") == request_id
    ]


@pytest.mark.parametrize("path", READS)
async def test_the_fast_answer_is_the_routes_byte_for_byte(
    app_on_redis: Any, spy: Spy, logs: Logs, path: str
) -> None:
    app, client = app_on_redis
    data = await signed_in(client)
    origin = app.state.settings.effective_cors_origins[0]
    headers = {**bearer(data["accessToken"]), "Origin": origin, "X-Request-ID": "same-id"}
    first = await client.get(path, headers=headers)  # a miss: the route builds the entry
    assert first.status_code == 200, first.text
    assert spy.last() is False
    fast = await client.get(path, headers=headers)
    assert spy.last() is True
    spy.off()
    routed = await client.get(path, headers=headers)
    assert spy.answers == []  # not asked
    assert (fast.status_code, fast.headers.raw, fast.content) == (
        routed.status_code,
        routed.headers.raw,
        routed.content,
    )
    assert fast.headers["access-control-allow-origin"] == origin
    assert fast.headers["x-request-id"] == "same-id"
    lines = request_lines(logs, "same-id")
    assert len(lines) == 3 and lines[1] == lines[2]


async def test_the_access_cookie_is_served_as_the_bearer_token(app_on_redis: Any, spy: Spy) -> None:
    _, client = app_on_redis
    data = await signed_in(client)
    bearer_answer = await client.get("/api/portfolio", headers=bearer(data["accessToken"]))
    assert spy.last() is False  # the miss
    client.cookies.set("st_access", data["accessToken"])
    cookie_answer = await client.get("/api/portfolio")
    assert spy.last() is True
    assert cookie_answer.content == bearer_answer.content


async def test_another_users_entry_is_never_served(app_on_redis: Any, spy: Spy) -> None:
    _, client = app_on_redis
    one, other = await signed_in(client), await signed_in(client)
    for user in (one, other):
        await client.get("/api/portfolio", headers=bearer(user["accessToken"]))
    answers = [
        await client.get("/api/portfolio", headers=bearer(user["accessToken"]))
        for user in (one, other)
    ]
    assert spy.answers[-2:] == [True, True]
    assert answers[0].content != answers[1].content
    spy.off()
    for user, answer in zip((one, other), answers, strict=True):
        routed = await client.get("/api/portfolio", headers=bearer(user["accessToken"]))
        assert routed.content == answer.content


async def test_each_request_counts_once_against_the_limit(
    start_app: Any, redis_url: str, redis: Any, spy: Spy
) -> None:
    async with start_app(redis_url=redis_url, rate_limit_default="3/minute") as (app, client):
        await setup(app, [stored()])
        auth = bearer((await signed_in(client))["accessToken"])
        path = f"/api/vrs/sol:{VOTE}"  # per IP and per user
        answers = [await client.get(path, headers=auth) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert spy.answers == [False, True, True, True]  # the miss, two hits, the refusal
        refused = answers[-1]
        assert refused.json()["code"] == "RATE_LIMITED"
        assert set(refused.json()) == {"error", "code", "details"}
        spy.off()
        routed = await client.get(path, headers=auth)
        assert routed.status_code == 429
        assert routed.content == refused.content
        assert [name for name, _ in routed.headers.raw] == [n for n, _ in refused.headers.raw]
        for name in ("ratelimit-limit", "ratelimit-remaining", "content-type"):
            assert routed.headers[name] == refused.headers[name]
        assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_the_ip_limit_is_counted_before_the_users(
    start_app: Any, redis_url: str, redis: Any, spy: Spy
) -> None:
    """Two users from one IP share its allowance on the public routes (4 a minute): the
    fifth request meets the IP's limit, while each user has made at most three."""
    async with start_app(redis_url=redis_url, rate_limit_default="4/minute") as (app, client):
        await setup(app, [stored()])
        users = [bearer((await signed_in(client))["accessToken"]) for _ in range(2)]
        path = "/api/validators?chain=sol"
        statuses = [(await client.get(path, headers=users[n % 2])).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # each user's first request: no session snapshot yet (the route stores it)
    assert spy.answers == [False, False, True, True, True]


async def test_a_token_that_does_not_verify_is_the_routes_401(app_on_redis: Any, spy: Spy) -> None:
    _, client = app_on_redis
    data = await signed_in(client)
    auth = bearer(data["accessToken"])
    await client.get("/api/portfolio", headers=auth)
    spy.answers.clear()
    tampered = bearer(data["accessToken"][:-3] + "AAA")
    for headers in (tampered, {"Authorization": "Basic abc"}, {}):
        answer = await client.get("/api/portfolio", headers=headers)
        assert answer.status_code == 401
        assert set(answer.json()) == {"error", "code", "details"}
    assert spy.answers == [False, False, False]


async def test_an_ended_session_goes_to_the_route(app_on_redis: Any, spy: Spy) -> None:
    _, client = app_on_redis
    data = await signed_in(client)
    auth = bearer(data["accessToken"])
    await client.get("/api/portfolio", headers=auth)
    assert (await client.get("/api/portfolio", headers=auth)).status_code == 200
    assert spy.last() is True
    # the session ends: its snapshot goes, the access token still verifies
    assert (await client.post("/api/auth/logout", headers=auth)).status_code == 200
    client.cookies.clear()
    answer = await client.get("/api/portfolio", headers=auth)
    assert spy.last() is False
    assert answer.status_code == 401


async def test_an_expired_token_is_never_served(
    app_on_redis: Any, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, client = app_on_redis
    auth = bearer((await signed_in(client))["accessToken"])
    await client.get("/api/portfolio", headers=auth)
    later = datetime.now(UTC) + timedelta(days=1)
    real = fast_reads.decode_access_token
    monkeypatch.setattr(
        fast_reads, "decode_access_token", lambda key, token: real(key, token, now=later)
    )
    # the route still accepts the token (its clock is now): the fast path declines
    answer = await client.get("/api/portfolio", headers=auth)
    assert spy.last() is False and answer.status_code == 200


async def test_api_keys_and_other_methods_take_the_route(app_on_redis: Any, spy: Spy) -> None:
    _, client = app_on_redis
    auth = bearer((await signed_in(client))["accessToken"])
    await client.get("/api/portfolio", headers=auth)
    created = await client.post("/api/me/api-keys", json={"name": "bench"}, headers=auth)
    assert created.status_code == 201, created.text
    key = created.json()["data"]["key"]
    spy.answers.clear()
    by_key = await client.get("/api/portfolio", headers=bearer(key))
    assert by_key.status_code == 200
    revoked = await client.delete(f"/api/me/api-keys/{created.json()['data']['id']}", headers=auth)
    assert revoked.status_code in (200, 204), revoked.text
    assert (await client.get("/api/portfolio", headers=bearer(key))).status_code == 401
    await client.head("/api/portfolio", headers=auth)
    assert spy.answers == [False, False]  # the two key reads; HEAD never asks


async def test_a_cache_miss_is_built_by_the_route_and_counted_once(
    start_app: Any, redis_url: str, redis: Any, spy: Spy
) -> None:
    async with start_app(redis_url=redis_url, rate_limit_default="2/minute") as (app, client):
        data = await signed_in(client)
        auth = bearer(data["accessToken"])
        user = uuid.UUID(data["user"]["id"])
        statuses = []
        for _ in range(2):  # both misses: the entry is dropped before each
            await app.state.resources.cache.delete(cache_keys.portfolio(user, None))
            statuses.append((await client.get("/api/portfolio", headers=auth)).status_code)
        statuses.append((await client.get("/api/portfolio", headers=auth)).status_code)
    assert statuses == [200, 200, 429]
    assert spy.answers[:2] == [False, False]


async def test_a_pro_snapshot_past_its_expiry_gets_the_free_view(
    start_app: Any, redis_url: str, redis: Any, spy: Spy
) -> None:
    async with start_app(redis_url=redis_url, rate_limit_default="3/minute") as (app, client):
        await setup(app, [stored()])
        data = await signed_in(client)
        auth = bearer(data["accessToken"])
        path = f"/api/vrs/sol:{VOTE}"
        free = await client.get(path, headers=auth)  # the free view, cached
        # the snapshot was taken while the user was pro; the subscription ended since
        now = datetime.now(UTC)
        user = User(
            id=uuid.UUID(data["user"]["id"]),
            tier=Tier.PRO,
            created_at=now - timedelta(days=40),
            role=Role.USER,
            tier_expires_at=now - timedelta(seconds=1),
        )
        session_id = uuid.UUID(
            (await app.state.resources.redis.keys(cache_keys.principal_prefix(user.id) + "*"))[0]
            .decode()
            .rsplit(":", 1)[1]
        )
        await user_cache.store_snapshot(app.state.resources.cache, user, session_id)
        await app.state.resources.cache.set(
            cache_keys.vrs_score("sol", VOTE, "pro"), b'{"pro": true}', 60
        )
        answer = await client.get(path, headers=auth)
        assert spy.last() is False  # counted, then left to the route: the free view
        assert answer.content == free.content
        refused = await client.get(path, headers=auth)  # the third request: counted once each
        assert refused.status_code == 200
        assert (await client.get(path, headers=auth)).status_code == 429


@pytest.mark.parametrize(
    "path",
    [
        "/api/portfolio?chain=btc",
        "/api/portfolio?chain=sol&chain=eth",
        "/api/portfolio?x=1",
        "/api/vrs/methodology",
        "/api/vrs/eth:1",
        "/api/vrs/sol:abc/history",
        "/api/vrs/sol:abc?days=3",
        "/api/vrs/nochain",
        "/api/validators",
        "/api/validators?chain=sol&limit=20",
        "/api/validators?chain=sol&cursor=abc",
        "/api/validators?chain=sol&chain=atom",
        "/api/validators?chain=sol&q=x",
        "/api/validators?chain=eth&sort=commission",
        "/api/validators?chain=sol&sort=nope",
        "/api/me",
    ],
)
def test_requests_it_does_not_know_are_not_matched(path: str) -> None:
    route, _, query = path.partition("?")
    assert match(route, query.encode()) is None


@pytest.mark.parametrize(
    ("path", "entity"),
    [
        ("/api/portfolio", "portfolio"),
        ("/api/yield?chain=atom", "yield"),
        ("/api/vrs/atom:cosmosvaloper1abc", "vrs"),
        ("/api/validators?chain=eth", "validators"),
        ("/api/validators?limit=50&sort=vrs&chain=atom", "validators"),
    ],
)
def test_the_cached_reads_are_matched(path: str, entity: str) -> None:
    route, _, query = path.partition("?")
    read = match(route, query.encode())
    assert read is not None and read.entity == entity
