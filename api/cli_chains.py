"""`staketrack fetch`, `staketrack positions` and `staketrack demo seed`: the ingest
service (services/ingest.py) the jobs call, with a progress display.

In embedded mode the running server's in-process cache learns of these writes on its
next lookup: the ingest drops the cached reads it changed, and the in-process cache
shares each drop through a marker in DATA_DIR (infrastructure/cache/memory.py)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.chains import BASE_UNIT_DECIMALS, Position
from domain.ingest import INGEST_STEPS, LivePositions
from domain.models import Chain
from infrastructure.resources import Resources, open_resources
from infrastructure.settings import ConfigError, Network, Settings
from services import vrs
from services.ingest import Ingest
from workers.context import JobDeps

SYMBOLS = {Chain.ETH: "ETH", Chain.SOL: "SOL", Chain.ATOM: "ATOM"}
# risk scores are computed as of each of the last seeded days: the pro tier's 30-day
# history plus the 7 days before it that its drop flag looks back on
VRS_SEED_DAYS = 37
err = Console(stderr=True)


def display(chain: Chain, base_units: int) -> str:
    value = Decimal(base_units).scaleb(-BASE_UNIT_DECIMALS[chain])
    return f"{value:,.4f} {SYMBOLS[chain]}"


def _chains(choice: str) -> list[Chain]:
    return list(Chain) if choice == "all" else [Chain(choice)]


async def _with_resources(settings: Settings, work: Any) -> Any:
    resources = open_resources(settings)
    try:
        return await work(resources)
    finally:
        await resources.close()


def _ingest(resources: Resources) -> Ingest:
    return JobDeps.from_resources(resources).ingest()  # what the jobs call


def fetch(settings: Settings, chain: str) -> int:
    async def work(resources: Resources) -> int:
        ingest = _ingest(resources)
        columns = (
            TextColumn("{task.description:<28}"),
            BarColumn(),
            TextColumn("{task.fields[info]}"),
        )
        with Progress(*columns, TimeElapsedColumn(), console=err) as progress:
            tasks = {
                c: progress.add_task(f"{c.value}: starting", total=4, info="")
                for c in _chains(chain)
            }
            steps = INGEST_STEPS

            def updater(c: Chain) -> Any:
                def update(step: str, done: int) -> None:
                    progress.update(
                        tasks[c],
                        completed=steps.index(step),
                        description=f"{c.value}: {step}",
                        info=f"{done:,}",
                    )

                return update

            async def one(c: Chain) -> str | None:
                try:
                    report = await ingest.run(c, updater(c))
                except Exception as exc:
                    progress.update(
                        tasks[c], description=f"{c.value}: FAILED", info=type(exc).__name__
                    )
                    return f"{c.value}: {type(exc).__name__}: {exc}"
                progress.update(
                    tasks[c],
                    completed=4,
                    description=f"{c.value}: done",
                    info=", ".join(f"{k} {v:,}" for k, v in report.counts.items()),
                )
                return None

            failures = [f for f in await asyncio.gather(*(one(c) for c in tasks)) if f]
            try:
                await ingest.prices()
            except Exception as exc:
                failures.append(f"prices: {type(exc).__name__}: {exc}")
        for failure in failures:
            err.print(f"[red]failed[/red] {failure}")
        return 1 if failures else 0

    result: int = asyncio.run(_with_resources(settings, work))
    return result


def _position_json(p: Position) -> dict[str, Any]:
    return {
        "chain": p.chain.value,
        "address": p.owner,
        "validator": p.validator,
        "amount": str(p.amount),
        "status": p.status,
        "kind": p.kind.value,
        "key": p.key,
        "rewards": None if p.rewards is None else str(p.rewards),
        "completesAt": p.completes_at.isoformat() if p.completes_at else None,
        "fetchedAt": p.fetched_at.isoformat(),
    }


def positions(settings: Settings, chain: str, address: str, as_json: bool) -> int:
    c = Chain(chain)

    async def work(resources: Resources) -> LivePositions:
        return await _ingest(resources).live_positions(c, address)

    live: LivePositions = asyncio.run(_with_resources(settings, work))
    found, names = live.positions, live.validator_names
    if as_json:
        sys.stdout.write(json.dumps([_position_json(p) for p in found], indent=2) + "\n")
        return 0
    table = Table(title=f"{SYMBOLS[c]} positions of {address}", title_justify="left")
    for column, justify in (
        ("validator", "left"),
        ("name", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("amount", "right"),
        ("rewards", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for p in found:
        table.add_row(
            p.validator,
            names.get(p.validator, ""),
            p.kind.value,
            p.status,
            display(c, p.amount),
            "" if p.rewards is None else display(c, p.rewards),
        )
    if found:
        table.add_section()
        table.add_row(
            f"{len(found)} positions", "", "", "", display(c, sum(p.amount for p in found)), ""
        )
    Console().print(table if found else f"No {SYMBOLS[c]} positions for {address}.")
    return 0


def demo_seed(settings: Settings, days: int) -> int:
    """Fetch every chain now, then backfill `days` of daily observations and metrics —
    for all SOL and ATOM validators and the demo wallets' ETH validators — and compute the
    risk scores as of each of the last VRS_SEED_DAYS days (so the VRS history has points)."""
    if settings.network is not Network.DEMO:
        raise ConfigError("NETWORK: `staketrack demo seed` needs NETWORK=demo")

    async def work(resources: Resources) -> int:
        from infrastructure.chains.demo.wallets import demo_addresses
        from infrastructure.db.eth_validator_set import SqlWithdrawalIndex

        sources = resources.chains()
        deps = JobDeps.from_resources(resources)
        ingest = deps.ingest()
        for c in Chain:
            await ingest.run(c)
        await ingest.prices()
        index = SqlWithdrawalIndex(resources.engine)
        ids = {
            Chain.ETH: sorted(
                {i for a in demo_addresses(Chain.ETH).values() for i in await index.indices_for(a)}
            ),
            **{c: await ingest.validator_ids(c) for c in (Chain.SOL, Chain.ATOM)},
        }
        now = sources.clock()
        columns = (
            TextColumn("{task.description:<26}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} days"),
        )
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("backfilling", total=days + 1)
            try:
                for day in range(days, -1, -1):  # down to today: ETH's demo validators too
                    at = now - timedelta(days=day)
                    sources.clock.fixed = at
                    hour = at.replace(minute=0, second=0, microsecond=0)
                    for c in Chain:
                        await ingest.backfill(c, ids[c], hour)
                    progress.update(task, advance=1, description=f"backfilling {at:%Y-%m-%d}")
            finally:
                sources.clock.fixed = None
        moments = [now - timedelta(days=day) for day in range(min(days, VRS_SEED_DAYS), -1, -1)]
        scored = 0
        for c in Chain:  # as of each backfilled day's hour, as the hourly pipeline would have
            run = await vrs.score_chain(deps.uow, deps.cache, deps.reads, c, moments)
            scored += run.scored
        err.print(
            f"Fetched all chains at {now:%Y-%m-%d %H:%M} UTC and backfilled {days} days of history"
            f"; {scored:,} risk scores over the last {len(moments)} days."
        )
        return 0

    result: int = asyncio.run(_with_resources(settings, work))
    return result
