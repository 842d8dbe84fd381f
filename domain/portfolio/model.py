"""A user's portfolio: their stored positions across linked wallets and chains, valued
in base units, coins and fiat, with per-chain totals, counts and freshness.

One block per chain the user has a wallet on (in the view: all chains, or the one
asked for), positions or not; `chain_count` counts exactly those blocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.amounts import FiatValue, Prices, Valued, fiat_total, value
from domain.chains import ChainSync, Position, Validator
from domain.freshness import Freshness, freshness
from domain.models import Chain, LinkedWallet

CHAIN_ORDER: tuple[Chain, ...] = tuple(Chain)  # eth, sol, atom


@dataclass(frozen=True, slots=True)
class Holding:
    """One position of the user's, with the linked wallet holding it and what is known
    of its validator (None: not fetched yet)."""

    position: Position
    wallet: LinkedWallet
    validator: Validator | None
    amount: Valued
    rewards: Valued | None

    @property
    def chain(self) -> Chain:
        return self.position.chain


@dataclass(frozen=True, slots=True)
class ChainSummary:
    chain: Chain
    wallets: int
    positions: int
    validators: int  # distinct validators staked with
    total: Valued
    freshness: Freshness


@dataclass(frozen=True, slots=True)
class Portfolio:
    wallets: int
    holdings: tuple[Holding, ...]  # by chain, largest first within a chain
    chains: tuple[ChainSummary, ...]  # in CHAIN_ORDER
    total_fiat: FiatValue  # per currency the sum over the chains priced in it
    prices: Prices

    @property
    def chain_count(self) -> int:
        """The chains shown (one block each), with or without positions."""
        return len(self.chains)

    @property
    def validator_count(self) -> int:
        return len({(h.chain, h.position.validator) for h in self.holdings})

    @property
    def position_count(self) -> int:
        return len(self.holdings)


def build_portfolio(
    wallets: Sequence[LinkedWallet],
    positions: Sequence[Position],
    validators: Mapping[tuple[str, str], Validator],
    prices: Prices,
    sync: Mapping[str, ChainSync],
    now: datetime,
) -> Portfolio:
    """`positions` are those of `wallets` (others are ignored), in display order;
    `validators` by (chain, address); `sync` the positions step's state by chain."""
    by_address = {(w.chain, w.address): w for w in wallets}
    holdings = []
    for position in positions:
        wallet = by_address.get((position.chain, position.owner))
        if wallet is None:
            continue
        holdings.append(
            Holding(
                position=position,
                wallet=wallet,
                validator=validators.get((position.chain.value, position.validator)),
                amount=value(position.chain, position.amount, prices),
                rewards=None
                if position.rewards is None
                else value(position.chain, position.rewards, prices),
            )
        )
    blocks = []
    for chain in CHAIN_ORDER:
        linked = sum(1 for w in wallets if w.chain is chain)
        if not linked:
            continue
        mine = [h for h in holdings if h.chain is chain]
        blocks.append(
            ChainSummary(
                chain=chain,
                wallets=linked,
                positions=len(mine),
                validators=len({h.position.validator for h in mine}),
                total=value(chain, sum(h.position.amount for h in mine), prices),
                freshness=freshness(sync.get(chain.value), now),
            )
        )
    return Portfolio(
        wallets=len(wallets),
        holdings=tuple(holdings),
        chains=tuple(blocks),
        total_fiat=fiat_total([b.total for b in blocks]),
        prices=prices,
    )
