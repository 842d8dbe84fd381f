"""Determinism: the same inputs give the same score — run twice, and with the
observations in any order. A seeded randomized property test (hypothesis is not a
dependency of this project): each case draws random histories with incidents."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext, VrsConfig, score_validator
from tests.unit.vrs.builders import AS_OF, context_of

CASES = 60


def random_history(rng: random.Random, chain: Chain, validator: str) -> list[Observation]:
    step = timedelta(hours=rng.choice([1, 6, 24]))
    count = rng.randint(1, int(timedelta(days=100) / step))
    commission = Decimal(rng.choice([0, 5, 8, 10, 100])) / 100
    samples = []
    for k in range(count):
        if rng.random() < 0.05 and chain is not Chain.ETH:
            commission = Decimal(rng.randint(0, 100)) / 100
        status = rng.choice(list(ValidatorStatus))
        samples.append(
            Observation(
                chain=chain,
                validator=validator,
                observed_at=AS_OF - k * step + timedelta(minutes=rng.choice([0, 0, 30])),
                status=status,
                stake=rng.randint(0, 10**12),
                commission=None if chain is Chain.ETH else commission,
                jailed=rng.random() < 0.05,
                slashed=rng.random() < 0.01,
                tombstoned=rng.random() < 0.01,
                uptime=None if rng.random() < 0.1 else Decimal(rng.randint(0, 1000)) / 1000,
                performance=None if rng.random() < 0.2 else Decimal(rng.randint(0, 100)) / 100,
                skip_rate=Decimal(rng.randint(0, 100)) / 1000 if chain is Chain.SOL else None,
                missed_blocks=rng.randint(0, 500) if chain is Chain.ATOM else None,
            )
        )
    return samples


@pytest.mark.parametrize("case", range(CASES))
def test_same_inputs_same_score_in_any_order(case: int) -> None:
    rng = random.Random(f"vrs-determinism/{case}")
    chain = rng.choice(list(Chain))
    validators = {f"v{i}": random_history(rng, chain, f"v{i}") for i in range(rng.randint(1, 4))}
    config = VrsConfig(recent_days=rng.choice([7, 30]), pending_days=rng.choice([1, 7]))
    extra = {}
    if chain is Chain.ETH:
        extra["entity_share"] = {"v0": Decimal(rng.randint(0, 400)) / 1000}
    if chain is Chain.ATOM:
        extra["max_commission"] = {"v0": Decimal(rng.randint(0, 100)) / 100}
    context = context_of(chain, *validators.values(), **extra)
    samples = validators["v0"]
    first = score_validator(chain, "v0", samples, context, config, AS_OF)

    shuffled = samples[:]
    rng.shuffle(shuffled)
    others = list(validators.values())
    rng.shuffle(others)
    context_again = context_of(chain, *(reversed(o) for o in others), **extra)
    again = score_validator(chain, "v0", shuffled, context_again, config, AS_OF)
    assert again == first
    assert score_validator(chain, "v0", samples, context, config, AS_OF) == first
    # and every factor stays inside 0..100
    assert all(s is None or 0 <= s <= 100 for s in first.scores.values())
    assert first.total is None or 0 <= first.total <= 100


def test_duplicate_timestamps_do_not_make_the_order_matter() -> None:
    base = Observation(
        chain=Chain.SOL,
        validator="v0",
        observed_at=AS_OF,
        status=ValidatorStatus.ACTIVE,
        commission=Decimal("0.05"),
        uptime=Decimal(1),
    )
    samples = [replace(base, observed_at=AS_OF - timedelta(days=d)) for d in range(10)]
    twin = replace(samples[4], commission=Decimal("0.5"))
    one = score_validator(Chain.SOL, "v0", [*samples, twin], ChainContext(), VrsConfig(), AS_OF)
    two = score_validator(Chain.SOL, "v0", [twin, *samples], ChainContext(), VrsConfig(), AS_OF)
    assert one == two
