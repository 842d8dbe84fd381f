"""`staketrack fetch`, `staketrack positions` and `staketrack demo seed`: the ingest
service (services/ingest.py) the jobs call, with a progress display.

In embedded mode the running server's in-process cache learns of these writes on its
next lookup: the ingest drops the cached reads it changed, and the in-process cache
shares each drop through a marker in DATA_DIR (infrastructure/cache/memory.py)."""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.presenters import cli as presenters
from domain.chains import BASE_UNIT_DECIMALS
from domain.ingest import INGEST_STEPS, IngestReport, LivePositions
from domain.models import Chain
from infrastructure.db.migrate import is_sqlite
from infrastructure.resources import Resources, open_resources
from infrastructure.settings import ConfigError, Network, Settings
from services.demo_seed import ProcessPool, SeedReport, seed_demo
from services.ingest import Ingest
from workers.context import JobDeps

SYMBOLS = {Chain.ETH: "ETH", Chain.SOL: "SOL", Chain.ATOM: "ATOM"}
SEED_PHASES = {  # services/demo_seed.PHASES: (label, unit)
    "fetch": ("fetching chains", "steps"),
    "history": ("reading history", "days"),
    "store": ("storing history", "chains"),
    "scores": ("risk scores", "parts"),
    "rewards": ("rewards", "wallets"),
}
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


def fetch(settings: Settings, chain: str, as_json: bool = False) -> int:
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

            reports = {c: IngestReport(c) for c in tasks}
            errors: dict[str, str] = {}

            async def one(c: Chain) -> str | None:
                try:
                    reports[c] = report = await ingest.run(c, updater(c))
                except Exception as exc:
                    progress.update(
                        tasks[c], description=f"{c.value}: FAILED", info=type(exc).__name__
                    )
                    errors[c.value] = f"{type(exc).__name__}: {exc}"
                    return f"{c.value}: {errors[c.value]}"
                progress.update(
                    tasks[c],
                    completed=4,
                    description=f"{c.value}: done",
                    info=", ".join(f"{k} {v:,}" for k, v in report.counts.items()),
                )
                return None

            failures = [f for f in await asyncio.gather(*(one(c) for c in tasks)) if f]
            prices: int | None = None
            try:
                prices = await ingest.prices()
            except Exception as exc:
                failures.append(f"prices: {type(exc).__name__}: {exc}")
        for failure in failures:
            err.print(f"[red]failed[/red] {failure}")
        if as_json:
            out = presenters.fetch_json(list(reports.values()), errors, prices, failures)
            sys.stdout.write(out + "\n")
        return 1 if failures else 0

    result: int = asyncio.run(_with_resources(settings, work))
    return result


def positions(settings: Settings, chain: str, address: str, as_json: bool) -> int:
    c = Chain(chain)

    async def work(resources: Resources) -> LivePositions:
        return await _ingest(resources).live_positions(c, address)

    live: LivePositions = asyncio.run(_with_resources(settings, work))
    found, names = live.positions, live.validator_names
    if as_json:
        sys.stdout.write(presenters.live_positions_json(live) + "\n")
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


def _quiet_process(settings: Settings) -> None:
    """A seed worker process starts like the CLI: warnings only, the recursion limit."""
    from api.interpreter import pin_recursion_limit
    from infrastructure.logging import configure_logging

    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))
    pin_recursion_limit()


def demo_seed(settings: Settings, days: int, workers: int, as_json: bool = False) -> int:
    """Fetch every chain now, backfill `days` of daily history and score it
    (services/demo_seed.py) — in `workers` processes at once —, with a progress bar per
    phase."""
    if settings.network is not Network.DEMO:
        raise ConfigError("NETWORK: `staketrack demo seed` needs NETWORK=demo")
    started = time.monotonic()
    executor = (
        ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a running loop
            initializer=_quiet_process,
            initargs=(settings,),
        )
        if workers > 1
        else None
    )
    pool = None
    if executor is not None:
        sqlite = is_sqlite(settings.effective_database_url)
        pool = ProcessPool(executor, workers, settings, concurrent_writers=not sqlite)

    async def work(resources: Resources) -> SeedReport:
        from infrastructure.chains.demo.wallets import demo_addresses
        from infrastructure.db.eth_validator_set import SqlWithdrawalIndex
        from services.validators import seed_demo_labels

        # the demo's ETH operator labels, as the server sets them at start-up
        await seed_demo_labels(resources, settings.demo_eth_validators)
        index = SqlWithdrawalIndex(resources.engine)

        async def eth_validators() -> list[str]:  # the demo wallets' ETH validators
            wallets = demo_addresses(Chain.ETH).values()
            return sorted({i for a in wallets for i in await index.indices_for(a)})

        deps = JobDeps.from_resources(resources)
        columns = (
            TextColumn("{task.description:<22}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} {task.fields[unit]}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err) as progress:
            tasks = {
                phase: progress.add_task(label, total=None, unit=unit, start=False)
                for phase, (label, unit) in SEED_PHASES.items()
            }

            def update(phase: str, done: int, total: int) -> None:
                if done == 0:
                    progress.start_task(tasks[phase])
                progress.update(tasks[phase], completed=done, total=total)

            return await seed_demo(
                resources.chains(),
                deps.uow,
                deps.cache,
                deps.reads,
                days,
                eth_validators,
                update,
                pool=pool,
            )

    try:
        report: SeedReport = asyncio.run(_with_resources(settings, work))
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    if as_json:
        sys.stdout.write(presenters.seed_json(report, time.monotonic() - started) + "\n")
    err.print(
        f"Fetched all chains at {report.fetched_at:%Y-%m-%d %H:%M} UTC, backfilled {days} days "
        f"of history, computed {report.scores:,} risk scores over the last "
        f"{report.score_days} days and stored {report.rewards:,} reward events of the linked "
        f"wallets in {time.monotonic() - started:.0f} s."
    )
    return 0
