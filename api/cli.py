"""The `staketrack` command: serve, worker, migrate."""

from __future__ import annotations

import argparse
import sys

from infrastructure.settings import ConfigError, Settings, load_settings


def _serve(settings: Settings) -> None:
    import uvicorn

    from api.app import create_app
    from infrastructure.logging import configure_logging

    configure_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


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
    from infrastructure.logging import configure_logging, get_logger

    configure_logging(settings)
    upgrade(settings.effective_database_url)
    get_logger("staketrack.migrate").info("migrated", revision="head")


COMMANDS = {
    "serve": (_serve, "serve the API (HOST, PORT)"),
    "worker": (_worker, "run the arq job worker and cron (needs REDIS_URL)"),
    "migrate": (_migrate, "apply database migrations"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staketrack", description="StakeTrack AI service")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        COMMANDS[args.command][0](settings)
    except ConfigError as exc:
        sys.stderr.write(f"staketrack: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
