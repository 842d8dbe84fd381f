"""Every cache key, built here and nowhere else.

API reads live under `staketrack:{entity}:{chain|all}:{ident}`; a write drops a whole
chain's entries by prefix (`chain_prefixes`) or one user's entries by exact key
(`user_reads`: no prefix scan on the request path).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from uuid import UUID

ROOT = "staketrack"
Entity = Literal["portfolio", "yield", "vrs", "validators", "validator"]
CHAINS: tuple[str, ...] = ("eth", "sol", "atom")


def _read(entity: Entity, chain: str | None, ident: str) -> str:
    return f"{ROOT}:{entity}:{chain or 'all'}:{ident}"


# -- API reads -----------------------------------------------------------------------


def portfolio(user_id: UUID, chain: str | None) -> str:
    return _read("portfolio", chain, str(user_id))


def user_yield(user_id: UUID, chain: str | None) -> str:
    return _read("yield", chain, f"user:{user_id}")


def yield_calculation(chain: str, address: str | None) -> str:
    return _read("yield", chain, f"calc:{address or ''}")


def yield_history(chain: str, address: str | None, tier: str, days: int | None, today: str) -> str:
    """Per day too: the window moves at midnight even when no snapshot is added."""
    return _read("yield", chain, f"history:{address or ''}:{tier}:{days or 0}:{today}")


def vrs_methodology() -> str:
    return _read("vrs", None, "methodology")


def vrs_score(chain: str, address: str, tier: str) -> str:
    return _read("vrs", chain, f"{address}:{tier}")


def vrs_history(chain: str, address: str, tier: str, days: int | None) -> str:
    return _read("vrs", chain, f"{address}:history:{tier}:{days or 0}")


def validators_first_page(chain: str, sort: str, limit: int, tier: str = "free") -> str:
    """The first page of a listing as `tier` sees it (the scores are its view)."""
    return _read("validators", chain, f"first:{sort}:{limit}:{tier}")


def validator(chain: str, address: str, tier: str = "free") -> str:
    return _read("validator", chain, f"{address}:{tier}")


def user_reads(user_id: UUID) -> list[str]:
    """Every cached read that belongs to one user (drop them all when the user's wallets,
    tier or account change)."""
    scopes: list[str | None] = [None, *CHAINS]
    return [portfolio(user_id, c) for c in scopes] + [user_yield(user_id, c) for c in scopes]


def chain_prefixes(chain: str, entities: Iterable[Entity]) -> list[str]:
    """Prefixes of the reads a write to `chain` changes: the chain's and the all-chains ones."""
    return [
        prefix
        for entity in entities
        for prefix in (f"{ROOT}:{entity}:{chain}:", f"{ROOT}:{entity}:all:")
    ]


# -- internal entries ------------------------------------------------------------------


def principal(user_id: UUID | str, session_id: str) -> str:
    """The session snapshot (who is signed in, which tier) of one session."""
    return f"{principal_prefix(user_id)}{session_id}"


def principal_prefix(user_id: UUID | str) -> str:
    return f"{ROOT}:principal:{user_id}:"


def vrs_context(chain: str) -> str:
    return f"{ROOT}:vrs-context:{chain}"  # outside "staketrack:vrs:" (API reads)


JOBS_HEARTBEAT = f"{ROOT}:jobs:heartbeat"
JOB_ALIVE_PREFIX = f"{ROOT}:job-alive:"


def job_alive(job_id: str) -> str:
    return JOB_ALIVE_PREFIX + job_id
