"""domain.accounts.plan_set_primary: own wallets only, within the tier's chains."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.accounts import plan_set_primary
from domain.errors import NotFound, TierLimitExceeded
from domain.models import Chain, LinkedWallet

USER = uuid.uuid4()
T0 = datetime(2026, 1, 1, tzinfo=UTC)
URL = "https://app.example/settings/subscription"


def _wallet(chain: Chain, minutes: int, *, primary: bool = False) -> LinkedWallet:
    return LinkedWallet(
        uuid.uuid4(),
        USER,
        chain,
        f"{chain.value}-{minutes}",
        primary,
        T0 + timedelta(minutes=minutes),
    )


def test_a_wallet_within_the_limit_is_the_target() -> None:
    first, second = _wallet(Chain.ETH, 0, primary=True), _wallet(Chain.ETH, 1)
    assert plan_set_primary([first, second], second.id, chain_limit=1, upgrade_url=URL) == second


def test_another_wallet_id_is_not_found() -> None:
    with pytest.raises(NotFound):
        plan_set_primary(
            [_wallet(Chain.ETH, 0, primary=True)], uuid.uuid4(), chain_limit=3, upgrade_url=URL
        )


def test_a_wallet_over_the_chain_limit_is_refused_with_the_details() -> None:
    sol, atom = _wallet(Chain.SOL, 0, primary=True), _wallet(Chain.ATOM, 1)
    with pytest.raises(TierLimitExceeded) as refused:
        plan_set_primary([sol, atom], atom.id, chain_limit=1, upgrade_url=URL)
    assert refused.value.details == {
        "feature": "chains",
        "limit": 1,
        "current": 2,
        "upgradeUrl": URL,
    }
    # with room for both chains it is allowed
    assert plan_set_primary([sol, atom], atom.id, chain_limit=2, upgrade_url=URL) == atom
