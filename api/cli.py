"""The `staketrack` command: serve, worker, migrate.

Start-up time is part of the contract (NFR6: `--help` < 0.3 s, `serve` answering
< 1 s): this module imports only the standard library at the top; settings (pydantic),
the app and every driver are imported by the command that needs them
(bench/cold_start.py measures both).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infrastructure.settings import Settings


def proxy_header_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy-header options: X-Forwarded-For/-Proto are believed only from the
    proxies in FORWARDED_ALLOW_IPS. Empty (the default) turns them off altogether —
    uvicorn's own defaults would trust 127.0.0.1 and ::1, and read FORWARDED_ALLOW_IPS
    from the environment itself."""
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.forwarded_allow_ips)}


# embedded mode: the start-up jobs (catch-up, prices, heartbeat) wait this long, so that
# their imports and I/O do not hold up the first requests (NFR6: /api/health < 1 s)
STARTUP_JOBS_DELAY_SECONDS = 1.0


def serve_app(settings: Settings) -> Any:
    """The ASGI app `staketrack serve` runs (tests/e2e/test_cold_start.py starts it as
    serve does and checks what its start-up imported)."""
    from api.app import create_app

    return create_app(settings, startup_jobs_delay=STARTUP_JOBS_DELAY_SECONDS)


def _serve(settings: Settings) -> None:
    import uvicorn

    from infrastructure.logging import configure_logging, install_crash_logging

    configure_logging(settings)
    install_crash_logging()
    config = uvicorn.Config(
        serve_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        **proxy_header_options(settings),
        server_header=False,
    )
    _bounded_server(config).run()


def _bounded_server(config: Any) -> Any:
    """uvicorn's server, bounded at exit: open connections get a short grace, the app's
    lifespan shutdown is bounded step by step (api/app.py), and a watchdog armed at the
    first signal ends the process if it is still alive 10 s later."""
    import uvicorn

    from workers.shutdown import CONNECTIONS_GRACE_SECONDS, ExitWatchdog

    config.timeout_graceful_shutdown = CONNECTIONS_GRACE_SECONDS
    watchdog = ExitWatchdog()

    class BoundedServer(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            watchdog.arm()
            super().handle_exit(sig, frame)

    return BoundedServer(config)


def _worker(settings: Settings) -> None:
    from infrastructure.settings import ConfigError

    if not settings.redis_url:
        raise ConfigError(
            "REDIS_URL: required for `staketrack worker` "
            "(without it, jobs run inside `staketrack serve`)"
        )
    from workers.arq_settings import run

    run(settings)


def _migrate(settings: Settings) -> None:
    from infrastructure.db.migrate import upgrade
    from infrastructure.logging import configure_logging, get_logger, install_crash_logging

    configure_logging(settings)
    install_crash_logging()
    upgrade(settings.effective_database_url)
    get_logger("staketrack.migrate").info("migrated", revision="head")


def _fetch(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_chains import fetch

    _quiet_logging(settings)
    return fetch(settings, args.chain, args.json)


def _positions(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_chains import positions

    _quiet_logging(settings)
    return positions(settings, args.chain, args.address, args.json)


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_chains import demo_seed

    _quiet_logging(settings)
    return demo_seed(settings, args.days, args.workers, args.json)


def _quiet_logging(settings: Settings) -> None:
    """CLI output is for people: only warnings go to the log stream."""
    from infrastructure.logging import configure_logging

    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))


CHAIN_CHOICES = ["eth", "sol", "atom", "all"]
NEEDS_DATABASE = {"serve", "worker", "fetch", "positions", "demo", "storage"}


def seed_workers() -> int:
    """The default of `demo seed --workers`: this machine's cores (at most 4)."""
    return max(1, min(os.cpu_count() or 1, 4))


def version() -> str:
    from importlib import metadata  # ~20 ms: only for --version

    try:
        return metadata.version("staketrack")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class VersionAction(argparse.Action):
    """`--version`, reading the installed version only when asked."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: Any):
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        sys.stdout.write(f"staketrack {version()}\n")
        parser.exit()


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default — unless it is required, has none, or is
    a flag (off unless given)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.required or action.default in (None, False, argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


def parser() -> argparse.ArgumentParser:
    def command(parent: Any, name: str, summary: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = parent.add_parser(
            name, help=summary, description=summary, formatter_class=HelpFormatter
        )
        return made

    root = argparse.ArgumentParser(
        prog="staketrack", description="StakeTrack AI service", formatter_class=HelpFormatter
    )
    root.add_argument("--version", action=VersionAction)
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command(sub, "serve", "serve the API (HOST, PORT); migrates an embedded SQLite database")
    command(sub, "worker", "run the arq job worker and cron (needs REDIS_URL)")
    command(sub, "migrate", "apply database migrations")
    fetch = command(sub, "fetch", "ingest chain data now (validators, positions, metrics)")
    fetch.add_argument("--chain", choices=CHAIN_CHOICES, default="all", help="the chains to fetch")
    fetch.add_argument(
        "--json", action="store_true", help="print what was stored as JSON ({data, meta})"
    )
    pos = command(sub, "positions", "show an address's staking positions, read from the chain")
    pos.add_argument("--chain", choices=CHAIN_CHOICES[:-1], required=True, help="the chain")
    pos.add_argument("--address", required=True, help="the wallet or delegator address")
    pos.add_argument(
        "--json", action="store_true", help="print the positions as JSON ({data, meta})"
    )
    demo = command(sub, "demo", "demo network tools")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True, metavar="COMMAND")
    seed = command(demo_sub, "seed", "fetch now and backfill history from the demo network")
    seed.add_argument("--days", type=int, default=90, help="days of history to backfill")
    seed.add_argument(
        "--workers",
        type=int,
        default=seed_workers(),
        help="processes that read the history and compute the scores (this machine's cores, "
        "at most 4)",
    )
    seed.add_argument("--json", action="store_true", help="print the summary as JSON")
    from api.cli_storage import add_command

    add_command(sub, command)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # start-up builds ~a million objects that live for the process: collecting them while
    # they are made is wasted work (~20 % of an import-heavy start). `serve` turns the
    # collector back on once it has started (api/app.py, after gc.freeze()); every other
    # command before it runs.
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _import_structlog_without_rich() -> None:
    """Import structlog with `rich` hidden: structlog.dev imports rich (and pygments,
    ~50 ms) when it is installed, only to pretty-print tracebacks in its console renderer,
    and our pipeline formats exceptions itself (`format_exc_info`) before any renderer —
    so rich would be loaded for nothing. A `None` in sys.modules makes that optional
    import fail as if rich were absent; rich stays importable afterwards (the CLI's
    tables use it)."""
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]
    try:
        import structlog  # noqa: F401
    finally:
        del sys.modules["rich"]


def _run(args: argparse.Namespace) -> int:
    _import_structlog_without_rich()
    from api.interpreter import pin_recursion_limit
    from domain.errors import DomainError
    from infrastructure.settings import ConfigError, Network, load_settings

    pin_recursion_limit()  # the worker parses remote JSON too: no 100,000 limit from py_ecc
    simple = {"serve": _serve, "worker": _worker, "migrate": _migrate}
    from api.cli_storage import run as _storage

    with_args = {"fetch": _fetch, "positions": _positions, "demo": _demo, "storage": _storage}
    try:
        settings = load_settings()
        if args.command == "demo" and settings.network is not Network.DEMO:
            raise ConfigError("NETWORK: `staketrack demo seed` needs NETWORK=demo")
        if args.command in NEEDS_DATABASE:
            _database_ready(settings)
        if args.command != "serve":
            gc.enable()
        if args.command in simple:
            simple[args.command](settings)
        else:
            return with_args[args.command](settings, args)
    except ConfigError as exc:
        sys.stderr.write(f"staketrack: {exc}\n")
        return 2
    except DomainError as exc:  # bad input or an unreachable chain: a message, not a traceback
        sys.stderr.write(f"staketrack: {exc.message} ({exc.code})\n")
        return 2
    except DatabaseProblem as exc:
        sys.stderr.write(f"staketrack: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


class DatabaseProblem(Exception):
    """The database cannot be used as it is: the one line says what to do."""


def _database_ready(settings: Settings) -> None:
    """Migrate the embedded database, or check a server database's schema
    (infrastructure/db/migrate.py); no traceback for what the operator can fix."""
    from infrastructure.db.migrate import (
        DatabaseUnreachable,
        MigrationFailed,
        NotMigrated,
        prepare,
    )

    try:
        prepare(settings.effective_database_url)
    except NotMigrated as exc:
        raise DatabaseProblem(f"{exc}: run `staketrack migrate` first") from exc
    except MigrationFailed as exc:
        raise DatabaseProblem(f"cannot migrate the database: {exc}") from exc
    except DatabaseUnreachable as exc:
        raise DatabaseProblem(
            f"cannot reach the database ({exc}): check DATABASE_URL and that it is up"
        ) from exc


if __name__ == "__main__":
    sys.exit(main())
