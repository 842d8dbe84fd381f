"""Which errors mean "our database or Redis cannot be reached right now" (503 and retry)
rather than a bug (500). api/errors.py maps the former to DEPENDENCY_UNAVAILABLE.

Only connection-level failures qualify: a refused, reset or timed-out connection, a
server that is starting up or shutting down, a full connection pool or server. An
IntegrityError, a ProgrammingError, a bad query — anything the server answered — stays a
500. A bare OSError qualifies only when it is a connection error raised inside the
database or Redis driver (an OSError from anywhere else — a file, say — is a bug).
"""

from __future__ import annotations

import socket
import sys
from types import ModuleType, TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE = "database"
REDIS = "redis"
_SOCKET_ERRORS = (ConnectionError, TimeoutError, socket.gaierror)
_DRIVERS = {"sqlalchemy": DATABASE, "asyncpg": DATABASE, "redis": REDIS, "arq": REDIS}


def candidates(*, postgres: bool, redis: bool) -> tuple[type[Exception], ...]:
    """The exception classes worth a look (api/errors.py registers a handler for each),
    for an app on PostgreSQL (asyncpg) and/or Redis. The drivers' own classes are imported
    only for the drivers in use: an embedded app never loads asyncpg or redis (NFR6)."""
    found: list[type[Exception]] = [
        OSError,  # ConnectionError, TimeoutError (asyncio's too), socket.gaierror
        DBAPIError,
        PoolTimeout,
    ]
    if postgres:
        import asyncpg.exceptions as pg  # type: ignore[import-untyped]  # ships no types

        found.append(pg.PostgresError)
    if redis:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        found += [RedisConnectionError, RedisTimeoutError]
    return tuple(found)


def unavailable_dependency(exc: BaseException) -> str | None:
    """ "database" or "redis" when `exc` says that dependency cannot be reached, else None.
    A driver's classes are looked up only if that driver is loaded: if it is not, none
    of its exceptions can exist."""
    pg, rexc = _loaded("asyncpg.exceptions"), _loaded("redis.exceptions")
    for current in _chain(exc):
        if isinstance(current, PoolTimeout):  # no connection free within pool_timeout
            return DATABASE
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return DATABASE
        if pg is not None and _postgres_unavailable(pg, current):
            return DATABASE
        if rexc is not None and isinstance(current, (rexc.ConnectionError, rexc.TimeoutError)):
            return REDIS
        if isinstance(current, _SOCKET_ERRORS):
            return _raised_in_driver(current.__traceback__)
    return None


def _loaded(module: str) -> ModuleType | None:
    return sys.modules.get(module)


def _postgres_unavailable(pg: ModuleType, exc: BaseException) -> bool:
    unavailable = (
        pg.PostgresConnectionError,  # class 08: connection exception / does not exist / failure
        pg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
        pg.AdminShutdownError,  # 57P01: terminating connection due to administrator command
        pg.CrashShutdownError,  # 57P02
        pg.TooManyConnectionsError,  # 53300
    )
    # 08P01 is in class 08 but means we sent something the server refused to parse (a NUL
    # byte in a text parameter does this): a bug of ours, the server is fine
    return isinstance(exc, unavailable) and not isinstance(exc, pg.ProtocolViolationError)


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc`, the driver error SQLAlchemy wraps (`orig`) and the causes, a few deep."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 6:
        found.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return found


def _raised_in_driver(tb: TracebackType | None) -> str | None:
    """The dependency whose driver the traceback passed through (innermost wins)."""
    dependency = None
    while tb is not None:
        root = str(tb.tb_frame.f_globals.get("__name__", "")).split(".")[0]
        dependency = _DRIVERS.get(root, dependency)
        tb = tb.tb_next
    return dependency
