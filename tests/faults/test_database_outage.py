"""A PostgreSQL outage answers 503 DEPENDENCY_UNAVAILABLE with Retry-After, not 500, and
the API recovers by itself (issue 10, finding 7). The app reaches PostgreSQL through a
loopback forwarder the test closes (connections cut, new ones refused) and reopens."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from api.deps import UowDep
from domain.models import Chain
from infrastructure.availability import unavailable_dependency
from infrastructure.db.engine import create_engine
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.faults.conftest import TcpForwarder, eventually

pytestmark = [pytest.mark.postgres]

ROUNDS = 5


def _through(forwarder: TcpForwarder, postgres_url: str) -> str:
    return (
        make_url(postgres_url)
        .set(host="127.0.0.1", port=forwarder.port)
        .render_as_string(hide_password=False)
    )


def _assert_database_503(response: Any) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["code"] == "DEPENDENCY_UNAVAILABLE"
    assert body["details"]["dependency"] == "database"
    assert int(response.headers["Retry-After"]) > 0


async def test_database_outage_answers_503_with_retry_after_and_recovers(
    start_app: Any, postgres_url: str
) -> None:
    target = make_url(postgres_url)
    forwarder = TcpForwarder(target.host or "127.0.0.1", target.port or 5432)
    await forwarder.start()
    try:
        # embedded cache and queue: the database is the only dependency here
        async with start_app(database_url=_through(forwarder, postgres_url)) as running:
            client = running.client
            data = await sign_in(client, Wallet.new(Chain.SOL))
            client.cookies.clear()
            auth = bearer(data["accessToken"])
            assert (await client.get("/api/me/api-keys", headers=auth)).status_code == 200

            await forwarder.stop()
            statuses: list[int] = []
            for i in range(ROUNDS):
                health = await client.get("/api/health")
                ready = await client.get("/api/ready")
                keys = await client.get("/api/me/api-keys", headers=auth)
                search = await client.get(f"/api/validators?chain=atom&q=x{i}{uuid.uuid4().hex}")
                sign = await client.post(
                    "/api/auth/solana", json=Wallet.new(Chain.SOL).proof("nosuchnonce12345")
                )
                statuses += [r.status_code for r in (health, ready, keys, search, sign)]
                assert health.status_code == 200  # liveness stays cheap: no database
                assert ready.status_code == 503 and ready.json()["code"] == "NOT_READY"
                assert ready.json()["details"]["failing"] == ["database"]
                assert int(ready.headers["Retry-After"]) > 0
                _assert_database_503(keys)
                _assert_database_503(search)
                assert sign.status_code in (401, 503), sign.text  # the nonce check comes first
            assert len(running.events("dependency_unavailable")) == 1  # not one per request
            assert not running.events("unhandled_error")

            await forwarder.start()

            async def answers() -> bool:
                return (await client.get("/api/me/api-keys", headers=auth)).status_code == 200

            await eventually(answers, "the database routes to answer again")
            assert (await client.get("/api/ready")).status_code == 200
            search = await client.get("/api/validators?chain=atom&q=anything")
            assert search.status_code == 200
            again = await sign_in(client, Wallet.new(Chain.ATOM))
            assert again["accessToken"]
    finally:
        await forwarder.stop()
    assert 500 not in statuses


# --- bugs stay 500 ---------------------------------------------------------------------


async def test_errors_the_database_answered_are_bugs_not_outages(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    errors: list[DBAPIError] = []
    try:
        async with engine.connect() as connection:
            for statement in (
                "SELECT * FROM no_such_table",
                "SELECT 1/0",
                "SELECT 'a\x00b'::text",  # the NUL byte of issue 10, finding 5
                "INSERT INTO pg_temp.dup VALUES (1), (1)",
            ):
                await connection.exec_driver_sql("CREATE TEMP TABLE dup (id int PRIMARY KEY)")
                try:
                    await connection.exec_driver_sql(statement)
                except DBAPIError as exc:
                    errors.append(exc)
                await connection.rollback()
    finally:
        await engine.dispose()
    refused = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        async with refused.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        outage: BaseException = exc
    finally:
        await refused.dispose()
    assert [type(e).__name__ for e in errors][::3] == ["ProgrammingError", "IntegrityError"]
    assert len(errors) == 4
    assert [unavailable_dependency(e) for e in errors] == [None] * 4
    assert unavailable_dependency(outage) == "database"
    assert unavailable_dependency(FileNotFoundError(2, "no such file")) is None
    assert unavailable_dependency(ConnectionRefusedError(111, "refused elsewhere")) is None


async def test_a_route_with_a_broken_query_still_answers_500(
    start_app: Any, postgres_url: str
) -> None:
    def add_broken_route(app: FastAPI) -> None:
        @app.get("/api/test-broken")
        async def broken(uow: UowDep) -> None:
            await uow.session.execute(text("SELECT * FROM no_such_table"))

        @app.get("/api/test-file")
        async def file() -> None:
            raise FileNotFoundError(2, "No such file or directory", "/nonexistent")

        @app.get("/api/test-socket")
        async def socket() -> None:  # a connection error that is not our database's
            raise ConnectionRefusedError(111, "Connect call failed")

    async with start_app(setup=add_broken_route, database_url=postgres_url) as running:
        broken = await running.client.get("/api/test-broken")
        file = await running.client.get("/api/test-file")
        sock = await running.client.get("/api/test-socket")
    for response in (broken, file, sock):
        assert response.status_code == 500 and response.json()["code"] == "INTERNAL_ERROR"
    assert len(running.events("unhandled_error")) == 3
