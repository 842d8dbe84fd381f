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
from types import TracebackType

import asyncpg.exceptions as pg  # type: ignore[import-untyped]  # asyncpg ships no types
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE = "database"
REDIS = "redis"

# the exception classes worth a look (api/errors.py registers a handler for each)
CANDIDATES: tuple[type[Exception], ...] = (
    OSError,  # ConnectionError, TimeoutError (asyncio's too), socket.gaierror
    DBAPIError,
    PoolTimeout,
    pg.PostgresError,
    RedisConnectionError,
    RedisTimeoutError,
)

_PG_UNAVAILABLE = (
    pg.PostgresConnectionError,  # class 08: connection exception / does not exist / failure
    pg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
    pg.AdminShutdownError,  # 57P01: terminating connection due to administrator command
    pg.CrashShutdownError,  # 57P02
    pg.TooManyConnectionsError,  # 53300
)
# 08P01 is in class 08 but means we sent something the server refused to parse (a NUL
# byte in a text parameter does this): a bug of ours, the server is fine
_PG_OUR_FAULT = (pg.ProtocolViolationError,)
_SOCKET_ERRORS = (ConnectionError, TimeoutError, socket.gaierror)
_DRIVERS = {"sqlalchemy": DATABASE, "asyncpg": DATABASE, "redis": REDIS, "arq": REDIS}


def unavailable_dependency(exc: BaseException) -> str | None:
    """ "database" or "redis" when `exc` says that dependency cannot be reached, else None."""
    for current in _chain(exc):
        if isinstance(current, PoolTimeout):  # no connection free within pool_timeout
            return DATABASE
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return DATABASE
        if isinstance(current, _PG_UNAVAILABLE) and not isinstance(current, _PG_OUR_FAULT):
            return DATABASE
        if isinstance(current, (RedisConnectionError, RedisTimeoutError)):
            return REDIS
        if isinstance(current, _SOCKET_ERRORS):
            return _raised_in_driver(current.__traceback__)
    return None


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
