"""`staketrack storage` as an operator runs it, on a fresh embedded database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.readiness import HANG_GUARD_SECONDS

STAKETRACK = str(Path(sys.executable).with_name("staketrack"))


def test_storage_prints_the_tables_and_the_projection(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DATA_DIR=str(tmp_path))
    text = subprocess.run(
        [STAKETRACK, "storage"], env=env, capture_output=True, timeout=HANG_GUARD_SECONDS
    )
    assert text.returncode == 0, text.stderr.decode()[-2000:]
    out = text.stdout.decode()
    assert "vrs_scores" in out and "projection: 12 months at mainnet sizes" in out
    assert "without the ETH validator set:" in out and "the ETH validator set:" in out
    as_json = subprocess.run(
        [STAKETRACK, "storage", "--json"], env=env, capture_output=True, timeout=HANG_GUARD_SECONDS
    )
    data = json.loads(as_json.stdout)["data"]
    assert {t["table"] for t in data["tables"]} >= {"validator_observations", "vrs_scores"}
    projection = data["projection"]
    assert projection["months"] == 12 and projection["targetBytes"] == 512 * 1024**2
    assert projection["withinTarget"] == (projection["bytes"] <= projection["targetBytes"])
