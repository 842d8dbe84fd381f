"""Which errors the supervised worker treats as a Redis outage (restart with backoff)
and which end the process (a bug: the supervisor restarts it anyway)."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError, WatchError

from domain.errors import DependencyUnavailable
from workers.arq_runner import _transient


def _watch_error_after_lost_connection() -> WatchError:
    # what redis-py raises when the connection drops while arq watches a key
    error = WatchError("A ConnectionError occurred on while watching one or more keys")
    error.__context__ = RedisConnectionError("Connection closed by server.")
    return error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (RedisConnectionError("refused"), True),
        (DependencyUnavailable(dependency="redis"), True),
        (DependencyUnavailable(dependency="database"), False),
        (_watch_error_after_lost_connection(), True),
        (WatchError("a watched key changed"), False),
        (ResponseError("WRONGTYPE"), False),
        (ValueError("a bug"), False),
    ],
    ids=[
        "connection",
        "queue-503",
        "database-503",
        "watch-lost",
        "watch-changed",
        "response",
        "bug",
    ],
)
def test_only_redis_outages_restart_the_worker(error: BaseException, transient: bool) -> None:
    assert _transient(error) is transient
