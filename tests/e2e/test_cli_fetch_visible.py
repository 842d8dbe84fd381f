"""A CLI `staketrack fetch` beside a running `staketrack serve` on the embedded database
(SQLite, the in-process cache inside the server): the server's very next request shows
what the CLI wrote, although it had cached the answer before."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.processes import (
    STAKETRACK,
    Blackhole,
    Process,
    base_env,
    free_port,
    wait_for,
)

GUARD_SECONDS = 300  # a hang guard for the CLI fetch, not a deadline


def _get(port: int, path: str) -> httpx.Response | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30)
    except httpx.TransportError:
        return None


def _sol_validators(port: int) -> list[Any]:
    response = _get(port, "/api/validators?chain=sol")
    assert response is not None and response.status_code == 200, response
    data = response.json()["data"]  # a list (contract v1), or {items, nextCursor} before it
    items: list[Any] = data["items"] if isinstance(data, dict) else data
    return items


def test_a_cli_fetch_is_visible_to_the_running_server_on_its_next_request(
    tmp_path: Path, spawn: Callable[..., Process], blackhole: Blackhole
) -> None:
    port = free_port()
    # the server's own start-up catch-up must not fetch: its endpoints never answer
    server_env = base_env(tmp_path / "data", PORT=str(port), **blackhole.chain_env())
    cli_env = base_env(tmp_path / "data", COLUMNS="120")  # the demo network
    subprocess.run(
        [STAKETRACK, "migrate"], env=server_env, check=True, capture_output=True, timeout=120
    )
    server = spawn("serve", env=server_env)
    wait_for(lambda: _get(port, "/api/health"), "answer on /api/health", server.popen)

    before = _sol_validators(port)  # nothing fetched yet: an empty first page, now cached
    assert before == [] and _sol_validators(port) == []

    fetched = subprocess.run(
        [STAKETRACK, "fetch", "--chain", "sol"],
        env=cli_env,
        capture_output=True,
        timeout=GUARD_SECONDS,
    )
    assert fetched.returncode == 0, fetched.stderr.decode()[-2000:]

    after = _sol_validators(port)  # the very next request
    assert len(after) > 0, server.output[-3000:]
    assert server.alive()
