"""Incidents a test (or a demo operator) schedules on the demo network: a validator's
commission raised, or the validator jailed, for a span of hours. The demo worlds consult
them when they build an hour, so every endpoint serving that hour (validators, signing
infos, delegations) shows the incident in the chains' real wire formats.

    with incidents.scheduled(Incident(Chain.ATOM, operator, start, end, commission=...)):
        ...  # the pipeline runs over those hours

Process-wide (the demo network is one per process); `version()` changes with every
edit so the worlds' per-hour caches never serve an hour built before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.models import Chain


@dataclass(frozen=True, slots=True)
class Incident:
    chain: Chain
    validator: str  # ATOM: the operator address
    start: datetime  # from this hour (inclusive) ...
    end: datetime  # ... to this one (exclusive)
    commission: Decimal | None = None  # the rate during the incident (0.08 = 8 %)
    jailed: bool = False


_incidents: list[Incident] = []
_version = [0]


def version() -> int:
    return _version[0]


def add(incident: Incident) -> None:
    _incidents.append(incident)
    _version[0] += 1


def remove(incident: Incident) -> None:
    if incident in _incidents:
        _incidents.remove(incident)
        _version[0] += 1


@contextmanager
def scheduled(*incidents: Incident) -> Iterator[None]:
    for incident in incidents:
        add(incident)
    try:
        yield
    finally:
        for incident in incidents:
            remove(incident)


def _during(chain: Chain, validator: str, hour: datetime) -> list[Incident]:
    return [
        i
        for i in _incidents
        if i.chain is chain and i.validator == validator and i.start <= hour < i.end
    ]


def commission(chain: Chain, validator: str, hour: datetime) -> tuple[Decimal, datetime] | None:
    """The incident's rate and when it took effect, if one changes it at `hour`."""
    for incident in _during(chain, validator, hour):
        if incident.commission is not None:
            return incident.commission, incident.start
    return None


def jailing(chain: Chain, validator: str, hour: datetime) -> tuple[datetime, datetime] | None:
    """(jailed at, unjailed at) of an incident that jails the validator at `hour`."""
    for incident in _during(chain, validator, hour):
        if incident.jailed:
            return incident.start, incident.end
    return None
