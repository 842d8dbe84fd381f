"""Benchmark: the whole ETH validator set from the demo beacon node, through ChainHttp, the
streaming decoder and `replace_validator_set`, into PostgreSQL (DESIGN.md §9 target:
1.1M validators in <= 10 s wall, <= 512 MiB peak RSS on 2 cores).

    uv run python bench/eth_ingest.py --validators 1100000

By default the demo beacon node runs in its own process and serves the set over HTTP on
loopback, as a real beacon node does (`--node inprocess` generates it in this process
through the demo transport instead, where its ~3 s of JSON rendering shares this
process's interpreter with the decoding). After the measured ingest, two more passes split
the time: the download alone (the demo's JSON through ChainHttp), then download +
decoding (no database); the rest of the ingest is the database's (COPY, index builds and
swap, partly overlapping the decoding).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from infrastructure.chains.demo.ethereum import EthereumDemo
from infrastructure.chains.demo.transport import DEMO_ETH_BEACON_URL, DemoTransport
from infrastructure.chains.ethereum.adapter import VALIDATORS, EthConfig, EthereumAdapter
from infrastructure.chains.http import ChainHttp
from infrastructure.db.engine import create_engine
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex, replace_validator_set
from infrastructure.db.models import EthValidatorRow

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def serve_demo_node(sock: socket.socket, seed: int, validators: int) -> None:
    """The demo beacon node as an HTTP server (a child process): each request is answered
    by the demo's handler at NOW, streamed as it renders."""
    import uvicorn

    demo = EthereumDemo(seed=seed, validators=validators)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        query = scope["query_string"].decode()
        url = f"{DEMO_ETH_BEACON_URL}{scope['path']}" + (f"?{query}" if query else "")
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = httpx.Request(scope["method"], url, content=body)
        response = await demo(request, NOW)
        headers = [
            (k.encode(), v.encode())
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "transfer-encoding")
        ]
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )
        async for chunk in response.stream:  # type: ignore[union-attr]
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    config = uvicorn.Config(app, log_level="warning", lifespan="off", http="httptools")
    uvicorn.Server(config).run(sockets=[sock])


def start_demo_node(seed: int, validators: int) -> tuple[str, multiprocessing.Process]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    process = multiprocessing.get_context("fork").Process(
        target=serve_demo_node, args=(sock, seed, validators), daemon=True
    )
    process.start()
    sock.close()  # the child keeps its copy
    return f"http://127.0.0.1:{port}", process


async def wait_ready(http: ChainHttp, process: multiprocessing.Process) -> None:
    """Until the node answers (its demo profiles take a moment to build)."""
    for _ in range(600):  # a guard against a child that never comes up, not a deadline
        if not process.is_alive():
            raise SystemExit("the demo beacon node exited")
        try:
            async with http.stream("GET", "/eth/v1/beacon/genesis") as response:
                await response.aread()
            return
        except Exception:
            await asyncio.sleep(0.1)
    raise SystemExit("the demo beacon node did not answer")


async def run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    node: multiprocessing.Process | None = None
    if args.node == "process":
        url, node = start_demo_node(args.seed, args.validators)
        http = ChainHttp("eth-beacon", [url], timeout=60)
        await wait_ready(http, node)
    else:
        demo = EthereumDemo(seed=args.seed, validators=args.validators)
        host = httpx.URL(DEMO_ETH_BEACON_URL).host
        transport = DemoTransport({host: demo}, clock=lambda: NOW)
        http = ChainHttp("eth-beacon", [DEMO_ETH_BEACON_URL], transport=transport, timeout=60)
    engine = create_engine(args.database_url)
    async with engine.begin() as connection:  # the table, when migrations have not run
        table = EthValidatorRow.metadata.tables[EthValidatorRow.__tablename__]
        await connection.run_sync(table.create, checkfirst=True)
    config = EthConfig(batch_bytes=args.batch_bytes)
    adapter = EthereumAdapter(http, SqlWithdrawalIndex(engine), now=lambda: NOW, config=config)
    setup = time.perf_counter() - started
    rss_before = peak_rss_mib()

    started = time.perf_counter()
    stored = await replace_validator_set(engine, adapter.stream_validator_set())
    wall = time.perf_counter() - started
    rss = peak_rss_mib()
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(EthValidatorRow))
    assert stored == count == args.validators, (stored, count)

    report(f"validators         {stored:,} (table holds {count:,})")
    report(f"wall               {wall:.2f} s  ({stored / wall:,.0f} rows/s)")
    report(f"peak RSS           {rss:.0f} MiB  (after setup: {rss_before:.0f} MiB)")
    report(f"setup (not timed)  {setup:.2f} s  (demo profiles, wallet keys, engine)")
    report(f"demo beacon node   {'its own process, HTTP on loopback' if node else 'in process'}")

    if args.breakdown:
        started = time.perf_counter()
        size = 0
        async with http.stream("GET", VALIDATORS) as response:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
        generation = time.perf_counter() - started
        started = time.perf_counter()
        async for _ in adapter.stream_validator_set():
            pass
        decoding = time.perf_counter() - started - generation
        report(f"  download         {generation:.2f} s  ({size / 2**20:,.0f} MiB of JSON)")
        report(f"  decoding         {decoding:.2f} s  (download + decode minus download)")
        report(f"  database         {wall - generation - decoding:.2f} s  (the rest of the wall)")
        report(f"peak RSS, all runs {peak_rss_mib():.0f} MiB")
    await http.aclose()
    await engine.dispose()
    if node is not None:
        node.terminate()
        node.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--validators", type=int, default=1_100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_scratch")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-bytes", type=int, default=EthConfig().batch_bytes)
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false")
    parser.add_argument(
        "--node",
        choices=("process", "inprocess"),
        default="process",
        help="the demo beacon node: its own process over HTTP (default), or this process",
    )
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        args.database_url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
