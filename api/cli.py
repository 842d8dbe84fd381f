"""The `staketrack` command: serve, worker, migrate."""

from __future__ import annotations

import argparse
import os
import sys
from types import FrameType
from typing import Any

from domain.errors import DomainError
from infrastructure.settings import ConfigError, Settings, load_settings


def proxy_header_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy-header options: X-Forwarded-For/-Proto are believed only from the
    proxies in FORWARDED_ALLOW_IPS. Empty (the default) turns them off altogether —
    uvicorn's own defaults would trust 127.0.0.1 and ::1, and read FORWARDED_ALLOW_IPS
    from the environment itself."""
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.forwarded_allow_ips)}


def _serve(settings: Settings) -> None:
    import uvicorn

    from api.app import create_app
    from infrastructure.logging import configure_logging, install_crash_logging

    configure_logging(settings)
    install_crash_logging()
    config = uvicorn.Config(
        create_app(settings),
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
    return fetch(settings, args.chain)


def _positions(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_chains import positions

    _quiet_logging(settings)
    return positions(settings, args.chain, args.address, args.json)


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_chains import demo_seed

    _quiet_logging(settings)
    return demo_seed(settings, args.days, args.workers)


def _quiet_logging(settings: Settings) -> None:
    """CLI output is for people: only warnings go to the log stream."""
    from infrastructure.logging import configure_logging

    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))


CHAIN_CHOICES = ["eth", "sol", "atom", "all"]


def seed_workers() -> int:
    """The default of `demo seed --workers`: this machine's cores (at most 4)."""
    return max(1, min(os.cpu_count() or 1, 4))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staketrack", description="StakeTrack AI service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the API (HOST, PORT)")
    sub.add_parser("worker", help="run the arq job worker and cron (needs REDIS_URL)")
    sub.add_parser("migrate", help="apply database migrations")
    fetch = sub.add_parser("fetch", help="ingest chain data now (validators, positions, metrics)")
    fetch.add_argument("--chain", choices=CHAIN_CHOICES, default="all")
    pos = sub.add_parser("positions", help="show an address's staking positions")
    pos.add_argument("--chain", choices=CHAIN_CHOICES[:-1], required=True)
    pos.add_argument("--address", required=True)
    pos.add_argument("--json", action="store_true", help="print a JSON list")
    demo = sub.add_parser("demo", help="demo network tools")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    seed = demo_sub.add_parser("seed", help="backfill history from the demo network (NETWORK=demo)")
    seed.add_argument("--days", type=int, default=90)
    seed.add_argument("--workers", type=int, default=seed_workers())
    args = parser.parse_args(argv)
    from api.interpreter import pin_recursion_limit

    pin_recursion_limit()  # the worker parses remote JSON too: no 100,000 limit from py_ecc
    simple = {"serve": _serve, "worker": _worker, "migrate": _migrate}
    with_args = {"fetch": _fetch, "positions": _positions, "demo": _demo}
    try:
        settings = load_settings()
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
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
