"""`staketrack fetch`, `staketrack positions` and `staketrack demo seed` on the demo
network, as a user runs them: `--json` in the API's contract v1 shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.models import Chain
from infrastructure.chains.demo.wallets import demo_addresses
from tests.readiness import HANG_GUARD_SECONDS

STAKETRACK = str(Path(sys.executable).with_name("staketrack"))


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DATA_DIR=str(data), NETWORK="demo", DEMO_ETH_VALIDATORS="3000", COLUMNS="120")
    subprocess.run(
        [STAKETRACK, "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
    )
    fetched = subprocess.run(
        [STAKETRACK, "fetch", "--chain", "all"],
        env=env,
        capture_output=True,
        timeout=2 * HANG_GUARD_SECONDS,
    )
    assert fetched.returncode == 0, fetched.stderr.decode()[-2000:]
    return env


@pytest.mark.parametrize("chain", [Chain.ETH, Chain.SOL, Chain.ATOM])
def test_positions_of_the_demo_whale_as_json(demo_env: dict[str, str], chain: Chain) -> None:
    address = demo_addresses(chain)["whale"]
    result = subprocess.run(
        [STAKETRACK, "positions", "--chain", chain.value, "--address", address, "--json"],
        env=demo_env,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    body = json.loads(result.stdout)
    assert body["meta"] == {}
    positions = body["data"]
    assert len(positions) >= 2
    for position in positions:
        assert position["chain"] == chain.value and position["address"] == address
        amount = position["amount"]  # the API's Amount: base units, display, fiat
        assert amount["baseUnits"].isdigit() and int(amount["baseUnits"]) > 0
        assert amount["fiat"]["usd"]  # the fetch stored prices
        assert position["kind"] in {"stake", "unbonding"}
        assert position["status"] and position["fetchedAt"].endswith("Z")
        ref = position["validator"]
        assert ref["id"] == f"{chain.value}:{ref['address']}"
    validators = {p["validator"]["address"] for p in positions}
    if chain is Chain.ETH:
        assert all(v.isdigit() for v in validators)
    if chain is Chain.ATOM:
        assert all(v.startswith("cosmosvaloper1") for v in validators)


def test_positions_table_and_the_empty_wallet(demo_env: dict[str, str]) -> None:
    whale = demo_addresses(Chain.SOL)["whale"]
    table = subprocess.run(
        [STAKETRACK, "positions", "--chain", "sol", "--address", whale],
        env=demo_env,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
    )
    empty = subprocess.run(
        [
            STAKETRACK,
            "positions",
            "--chain",
            "sol",
            "--address",
            demo_addresses(Chain.SOL)["empty"],
            "--json",
        ],
        env=demo_env,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert "SOL positions of" in table.stdout.decode() and " SOL" in table.stdout.decode()
    assert json.loads(empty.stdout) == {"data": [], "meta": {}}


def test_a_malformed_address_is_a_clear_error(demo_env: dict[str, str]) -> None:
    result = subprocess.run(
        [STAKETRACK, "positions", "--chain", "atom", "--address", "cosmos1nope"],
        env=demo_env,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr.decode()


def test_demo_seed_on_a_fresh_data_directory_backfills_every_chain(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    """No `staketrack migrate` first: the seed migrates the new SQLite file itself."""
    import sqlite3

    env = dict(demo_env, DATA_DIR=str(tmp_path / "fresh"))
    result = subprocess.run(
        [STAKETRACK, "demo", "seed", "--days", "3", "--json"],
        env=env,
        capture_output=True,
        timeout=2 * HANG_GUARD_SECONDS,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    stderr = result.stderr.decode()
    phases = ("fetching chains", "reading history", "storing history", "risk scores", "rewards")
    for phase in phases:
        assert phase in stderr  # the progress display names every phase
    summary = json.loads(result.stdout)["data"]
    assert summary["days"] == 3 and summary["scoreDays"] == 4
    assert summary["rewards"] == 0  # a fresh data directory: no linked wallet has rewards
    assert set(summary["observations"]) == {"eth", "sol", "atom"}
    with sqlite3.connect(tmp_path / "fresh" / "staketrack.db") as db:
        days = dict(
            db.execute(
                "SELECT chain, count(DISTINCT substr(observed_at, 1, 10)) "
                "FROM validator_observations GROUP BY chain"
            ).fetchall()
        )
        metrics = dict(
            db.execute("SELECT chain, count(*) FROM chain_metrics GROUP BY chain").fetchall()
        )
        scored = dict(  # risk scores as of each seeded day; four days of history: pending
            db.execute(
                "SELECT chain || ':' || status, count(DISTINCT calculated_at) FROM vrs_scores "
                "GROUP BY chain, status"
            ).fetchall()
        )
    assert days == {"eth": 4, "sol": 4, "atom": 4}  # three days back and today
    assert all(count >= 4 for count in metrics.values())
    assert scored == {"eth:pending": 4, "sol:pending": 4, "atom:pending": 4}


def test_demo_seed_refuses_mainnet(demo_env: dict[str, str]) -> None:
    env = dict(demo_env, NETWORK="mainnet")
    result = subprocess.run(
        [STAKETRACK, "demo", "seed"], env=env, capture_output=True, timeout=HANG_GUARD_SECONDS
    )
    assert result.returncode == 2 and "NETWORK" in result.stderr.decode()
