"""Fault injection on loopback: a private Redis a test can stop, start, pause and resume;
a TCP forwarder in front of PostgreSQL it can close and reopen; the real app on them.

`private_redis` yields a `RedisProcess` (`host`, `port`, `url`, `stop()`, `start()`,
`pause()`, `resume()`); the process never outlives the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from infrastructure.logging import configure_logging
from tests.api.conftest import Logs
from tests.e2e.processes import free_port
from tests.readiness import HANG_GUARD_SECONDS, eventually, wait_for

__all__ = ["HANG_GUARD_SECONDS", "RedisProcess", "RunningApp", "TcpForwarder", "eventually"]

HOST = "127.0.0.1"


class RedisProcess:
    """A `redis-server` on a free loopback port, without persistence: a stop() loses the
    data, as a crashed cache would; pause() (SIGSTOP) keeps connections open and the data
    but answers nothing — a blackholed Redis."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.url = f"redis://{self.host}:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self._paused = False

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        if self.running:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed")
        self._workdir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", self.host, "--save", "",
             "--appendonly", "no", "--dir", str(self._workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(self._answers, "PONG from redis-server", self._process, interval=0.02)
        except BaseException:  # pytest.fail too: no redis-server outlives the test
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (its clients see their connections closed, then refused)."""
        process, self._process = self._process, None
        if process is None:
            return
        if self._paused:
            self.resume(process)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=HANG_GUARD_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=HANG_GUARD_SECONDS)

    def pause(self) -> None:
        assert self._process is not None and self.running
        os.kill(self._process.pid, signal.SIGSTOP)
        self._paused = True

    def resume(self, process: subprocess.Popen[bytes] | None = None) -> None:
        process = process or self._process
        assert process is not None
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
        self._paused = False

    def _answers(self) -> bool:
        try:
            address = (self.host, self.port)
            with socket.create_connection(address, timeout=HANG_GUARD_SECONDS) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


class TcpForwarder:
    """A loopback port that forwards to `target`; stop() refuses new connections and cuts
    the open ones (a database that went away), start() listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, HOST, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        pipes = [
            asyncio.create_task(self._pipe(reader, up_writer)),
            asyncio.create_task(self._pipe(up_reader, writer)),
        ]
        self._tasks.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in (writer, up_writer):
                w.transport.abort()
                self._writers.discard(w)
            for task in pipes:
                task.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            self._tasks.difference_update(pipes)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()


@dataclass
class RunningApp:
    app: FastAPI
    client: httpx.AsyncClient
    logs: Logs

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.logs.lines() if line.get("event") == event]


@pytest.fixture
def start_app(make_settings: Any) -> Iterator[Callable[..., Any]]:
    """`async with start_app(setup=None, **settings) as running: ...` — the real app
    through its lifespan, no scheduled jobs, log lines captured as JSON."""

    @contextlib.asynccontextmanager
    async def start(
        setup: Callable[[FastAPI], None] | None = None, **overrides: Any
    ) -> AsyncIterator[RunningApp]:
        overrides.setdefault("rate_limit_default", "10000/minute")  # loops of requests
        overrides.setdefault("rate_limit_auth", "1000/minute")
        settings = make_settings(**overrides)
        logs = Logs()
        configure_logging(settings, stream=logs.stream)
        app = create_app(settings, schedule=())
        if setup is not None:
            setup(app)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield RunningApp(app, client, logs)

    yield start
    logging.getLogger().handlers.clear()
