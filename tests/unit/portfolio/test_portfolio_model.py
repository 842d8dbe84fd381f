"""The portfolio aggregation (pure): holdings with their wallets, chain blocks for every
chain with a wallet (positions or not), counts, totals in base units and fiat, and the
freshness block with a stable error code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.amounts import FiatValue, value
from domain.chains import ChainSync, Position, PositionKind, Validator, ValidatorStatus
from domain.errors import ChainUnavailable
from domain.freshness import FETCH_FAILED, fetch_error, freshness
from domain.models import Chain, LinkedWallet
from domain.portfolio import build_portfolio

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
USER = uuid.uuid4()
PRICES = {
    ("sol", "usd"): Decimal("150"),
    ("sol", "eur"): Decimal("140"),
    ("eth", "usd"): Decimal("3000"),
}


def wallet(chain: Chain, address: str) -> LinkedWallet:
    return LinkedWallet(
        id=uuid.uuid4(), user_id=USER, chain=chain, address=address, is_primary=False, linked_at=NOW
    )


def position(chain: Chain, owner: str, validator: str, amount: int, key: str) -> Position:
    return Position(
        chain=chain,
        owner=owner,
        validator=validator,
        kind=PositionKind.STAKE,
        amount=amount,
        status="active",
        key=key,
        fetched_at=NOW,
    )


def synced(chain: Chain, **fields: datetime | str | None) -> ChainSync:
    return ChainSync(chain=chain, step="positions", **fields)  # type: ignore[arg-type]


def test_holdings_carry_their_wallet_and_validator_and_blocks_add_up() -> None:
    sol_a, sol_b, eth = (
        wallet(Chain.SOL, "SolA"),
        wallet(Chain.SOL, "SolB"),
        wallet(Chain.ETH, "0xE"),
    )
    positions = [
        position(Chain.SOL, "SolA", "vote1", 2_000_000_000, "s1"),  # 2 SOL
        position(Chain.SOL, "SolB", "vote1", 500_000_000, "s2"),  # 0.5 SOL
        position(Chain.SOL, "SolB", "vote2", 500_000_000, "s3"),
        position(Chain.ETH, "0xE", "42", 32_000_000_000, "42"),  # 32 ETH
        position(Chain.SOL, "Stranger", "vote1", 7, "x"),  # not the user's: ignored
    ]
    known = Validator(
        chain=Chain.SOL,
        address="vote1",
        status=ValidatorStatus.ACTIVE,
        stake=1,
        fetched_at=NOW,
        name="One",
    )
    result = build_portfolio(
        [sol_a, sol_b, eth],
        positions,
        {("sol", "vote1"): known},
        PRICES,
        {"sol": synced(Chain.SOL, last_success_at=NOW - timedelta(minutes=5))},
        NOW,
    )
    assert [h.wallet.id for h in result.holdings] == [sol_a.id, sol_b.id, sol_b.id, eth.id]
    assert result.holdings[0].validator == known and result.holdings[2].validator is None
    assert (result.position_count, result.validator_count, result.wallets) == (4, 3, 3)
    assert [b.chain for b in result.chains] == [Chain.ETH, Chain.SOL]  # eth, sol, atom order
    eth_block, sol_block = result.chains
    assert (sol_block.wallets, sol_block.positions, sol_block.validators) == (2, 3, 2)
    assert sol_block.total.base_units == 3_000_000_000 and sol_block.total.coins == 3
    assert sol_block.total.fiat == FiatValue(usd=Decimal("450.00"), eur=Decimal("420.00"))
    assert eth_block.total.fiat == FiatValue(usd=Decimal("96000.00"), eur=None)
    # per currency, the chains priced in it; eur only from SOL
    assert result.total_fiat == FiatValue(usd=Decimal("96450.00"), eur=Decimal("420.00"))
    assert sol_block.freshness.stale is False and eth_block.freshness.stale is True
    assert result.chain_count == 2


def test_a_wallet_without_positions_shows_its_chain_and_counts_it() -> None:
    result = build_portfolio([wallet(Chain.ATOM, "cosmos1x")], [], {}, {}, {}, NOW)
    assert [b.chain for b in result.chains] == [Chain.ATOM]
    assert result.chain_count == len(result.chains) == 1  # counts what is shown
    block = result.chains[0]
    assert (block.positions, block.validators, block.total.base_units) == (0, 0, 0)
    assert block.total.fiat is None and result.total_fiat == FiatValue(usd=None, eur=None)
    assert block.freshness.stale is True and block.freshness.fetched_at is None


def test_no_wallets_no_blocks() -> None:
    result = build_portfolio([], [], {}, PRICES, {}, NOW)
    assert result.chains == () and result.chain_count == 0 and result.position_count == 0


def test_fiat_is_rounded_to_cents_and_keeps_the_sign() -> None:
    assert value(Chain.ATOM, 1_234_567, {("atom", "usd"): Decimal("7.5")}).fiat == FiatValue(
        usd=Decimal("9.26"), eur=None
    )
    assert value(Chain.SOL, -(10**9), PRICES).fiat == FiatValue(
        usd=Decimal("-150.00"), eur=Decimal("-140.00")
    )


def test_freshness_stale_after_two_hours_and_errors_only_after_the_last_success() -> None:
    recent, old = NOW - timedelta(hours=1), NOW - timedelta(hours=3)
    assert freshness(None, NOW).stale is True
    fresh = freshness(synced(Chain.SOL, last_success_at=recent), NOW)
    assert (fresh.fetched_at, fresh.stale, fresh.last_error) == (recent, False, None)
    assert freshness(synced(Chain.SOL, last_success_at=old), NOW).stale is True
    recovered = synced(
        Chain.SOL, last_success_at=recent, last_error="ChainUnavailable: x", last_error_at=old
    )
    assert freshness(recovered, NOW).last_error is None
    failing = synced(
        Chain.SOL,
        last_success_at=old,
        last_error="ChainUnavailable: solana-rpc unavailable for getVoteAccounts",
        last_error_at=recent,
    )
    state = freshness(failing, NOW)
    assert state.stale is True and state.last_error is not None
    assert state.last_error.at == recent and state.last_error.code == "CHAIN_UNAVAILABLE"
    # the error type's own message, never the stored text (it may name an endpoint)
    assert state.last_error.message == ChainUnavailable.message
    never = freshness(synced(Chain.SOL, last_error="boom", last_error_at=recent), NOW)
    assert never.fetched_at is None and never.last_error is not None


def test_error_codes_are_stable_and_unknown_failures_say_nothing_internal() -> None:
    assert fetch_error(NOW, "ChainDataInvalid: unexpected response from /x").code == (
        "CHAIN_DATA_INVALID"
    )
    bare = fetch_error(NOW, "ChainUnavailable")
    assert bare.code == "CHAIN_UNAVAILABLE" and bare.message  # the type's own message
    internal = fetch_error(NOW, "KeyError: 'secret internal detail'")
    assert internal.code == FETCH_FAILED and "secret" not in internal.message
    assert fetch_error(NOW, None).code == FETCH_FAILED
