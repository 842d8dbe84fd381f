"""Solana validator names from the demo network's validator-info accounts, stored by the
ingest on SQLite and PostgreSQL; a names read that fails keeps the names stored before
(they are optional), while a validator that withdraws its info loses its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from domain.models import Chain
from infrastructure.chains.demo.solana import SolanaDemo
from infrastructure.chains.demo.transport import DEMO_SOLANA_RPC_URL, DemoTransport
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana.adapter import SolanaAdapter
from infrastructure.db.models import ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services.ingest import Ingest
from tests.integration.conftest import forget_chain_validators

CONFIG = "Config1111111111111111111111111111111111111"


def ingest(resources: Resources) -> Ingest:
    return Ingest(resources.chains(), lambda: SqlUnitOfWork(resources.session_factory))


async def stored(resources: Resources) -> dict[str, ValidatorRow]:
    async with resources.session_factory() as session:
        rows = await session.scalars(select(ValidatorRow).where(ValidatorRow.chain == "sol"))
        return {row.address: row for row in rows}


def refusing_names(resources: Resources) -> SolanaAdapter:
    """The demo node, except that it refuses getProgramAccounts on the Config program
    (as RPC providers that exclude it from their account index do)."""
    demo = SolanaDemo(seed=resources.settings.demo_seed)

    async def handler(request: httpx.Request, now: datetime) -> httpx.Response:
        body = orjson.loads(request.content)
        if body.get("method") == "getProgramAccounts" and body["params"][0] == CONFIG:
            error = {"code": -32010, "message": f"{CONFIG} excluded from account secondary indexes"}
            return httpx.Response(200, json={"jsonrpc": "2.0", "error": error, "id": body["id"]})
        return await demo(request, now)

    clock: Callable[[], Any] = resources.chains().clock
    transport = DemoTransport({httpx.URL(DEMO_SOLANA_RPC_URL).host: handler}, clock=clock)
    http = ChainHttp("solana-rpc", [DEMO_SOLANA_RPC_URL], transport=transport)
    return SolanaAdapter(http, now=clock)


async def test_the_ingest_stores_names_and_keeps_them_when_names_fail(
    resources: Resources,
) -> None:
    await forget_chain_validators(resources, Chain.SOL)
    await ingest(resources).run(Chain.SOL)
    first = await stored(resources)
    named = {a: row for a, row in first.items() if row.name}
    assert 0.75 < len(named) / len(first) < 0.95  # most demo validators publish a name
    some = next(row for row in named.values() if "website" in row.identity)
    assert some.identity["website"].startswith("https://")

    resources.chains().adapters[Chain.SOL] = refusing_names(resources)
    report = await ingest(resources).run(Chain.SOL)
    assert report.counts["validators"] == len(first)  # the validators themselves are read
    second = await stored(resources)
    assert {a: r.name for a, r in second.items()} == {a: r.name for a, r in first.items()}
    assert second[some.address].identity["website"] == some.identity["website"]
    assert second[some.address].identity["lastVote"]  # the rest was updated all the same


async def test_a_validator_that_withdraws_its_info_loses_its_name(resources: Resources) -> None:
    validators = await resources.chains().adapters[Chain.SOL].fetch_validators()
    named = next(v for v in validators if v.name and "website" in v.identity)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.chain_data.upsert_validators([named])
        # read without its description (the names source failed): name and website stay
        unknown = replace(named, name=None, identity={"nodePubkey": "x"}, described=False)
        await uow.chain_data.upsert_validators([unknown])
        await uow.commit()
    row = (await stored(resources))[named.address]
    assert row.name == named.name
    assert row.identity == {"nodePubkey": "x", "website": named.identity["website"]} | {
        k: v for k, v in named.identity.items() if k in ("iconUrl", "details", "keybaseUsername")
    }
    async with SqlUnitOfWork(resources.session_factory) as uow:
        # read with the description, and it published nothing any more: gone
        await uow.chain_data.upsert_validators([replace(unknown, described=True)])
        await uow.commit()
    row = (await stored(resources))[named.address]
    assert row.name is None and row.identity == {"nodePubkey": "x"}
