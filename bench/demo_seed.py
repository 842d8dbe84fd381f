"""Benchmark: `staketrack demo seed` as a new user runs it — a fresh DATA_DIR (embedded
SQLite, no `staketrack migrate` first), NETWORK=demo, the default 90 days (target: <= 60 s
wall on this 2-core machine). Prints the wall time, the seed's own figures (`--json`),
and the load average before and after: the machine may be shared, and a figure measured
under load is pessimistic.

    uv run python bench/demo_seed.py [--days 90] [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAKETRACK = str(Path(sys.executable).with_name("staketrack"))


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--workers", type=int, default=None, help="default: the seed's own")
    parser.add_argument("--keep", type=Path, default=None, help="seed into DIR and keep it")
    args = parser.parse_args()
    data = args.keep or Path(tempfile.mkdtemp(prefix="staketrack-seed-"))
    if data.exists() and any(data.iterdir()):
        parser.error(f"{data} is not empty: the benchmark starts from a fresh data directory")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DATA_DIR=str(data), NETWORK="demo")
    command = [STAKETRACK, "demo", "seed", "--days", str(args.days), "--json"]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    before = load()
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = load()
    try:
        if result.returncode != 0:
            sys.stderr.write(result.stderr.decode()[-3000:])
            return result.returncode
        summary = json.loads(result.stdout)["data"]
        report(f"demo seed, {args.days} days, fresh DATA_DIR: {wall:.1f} s wall")
        report(f"  observations stored: {summary['observations']}")
        report(f"  risk scores: {summary['scores']:,} over {summary['scoreDays']} days")
        report(f"  cores: {os.cpu_count()}; load average before {before}, after {after}")
    finally:
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
